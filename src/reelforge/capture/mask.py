"""URL masking for demo web capture.

The raw URL may carry credentials (user info, a session token in the query or the fragment, a share
link's secret path segment). Only ``mask_url``'s output is ever logged, printed, recorded in the
manifest or put on a subprocess argv; the raw URL lives in a ``SecretUrl`` and reaches the browser
in-process through Playwright.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit

REDACTED = "<redacted>"
MIN_TOKEN_LEN = 16
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_\-+/=.~%]+")
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s\"'<>()\[\]{}]+")
_TOKEN_RUN = re.compile(r"[A-Za-z0-9_\-]{24,}")


def _is_plain_slug(segment: str) -> bool:
    """``release-notes-2024``: words of letters, or short numbers, joined by - _ or ."""
    parts = [p for p in re.split(r"[-_.]", segment) if p]
    return bool(parts) and all(p.isalpha() or (p.isdigit() and len(p) <= 4) for p in parts)


def is_token_like(segment: str) -> bool:
    """True for long path segments that look like secrets: ids, hashes, base64, share-link keys."""
    text = unquote(segment)
    if len(text) < MIN_TOKEN_LEN or not _TOKEN_CHARS.fullmatch(text):
        return False
    has_digit = any(c.isdigit() for c in text)
    has_alpha = any(c.isalpha() for c in text)
    if has_digit and not has_alpha:
        return True  # a long number: an id or a timestamp-signature
    if has_digit and has_alpha:
        return not _is_plain_slug(text)
    # letters only: base64-ish when case is mixed inside one unbroken run (no word separators)
    mixed_case = any(c.isupper() for c in text) and any(c.islower() for c in text)
    return mixed_case and not re.search(r"[-_.]", text)


def mask_url(raw: str) -> str:
    """The URL with user info, query and fragment removed and token-like path segments redacted."""
    text = raw.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return _mask_unparseable(text)
    if not parts.scheme or not parts.netloc or not parts.hostname:
        return _mask_unparseable(text)
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    userinfo = "***@" if "@" in parts.netloc else ""
    netloc = f"{userinfo}{host}{f':{port}' if port is not None else ''}"
    path = "/".join(REDACTED if is_token_like(seg) else seg for seg in parts.path.split("/"))
    masked = f"{parts.scheme.lower()}://{netloc}{path}"
    if parts.query:
        masked += f"?{REDACTED}"
    if parts.fragment:
        masked += f"#{REDACTED}"
    return masked


def _mask_unparseable(text: str) -> str:
    for sep in ("?", "#"):
        if sep in text:
            text = text.split(sep, 1)[0] + f"{sep}{REDACTED}"
    if "@" in text:
        text = "***@" + text.rsplit("@", 1)[1]
    text = "/".join(REDACTED if is_token_like(seg) else seg for seg in text.split("/"))
    return _TOKEN_RUN.sub(REDACTED, text)


class SecretUrl:
    """Holds the raw URL; its str() and repr() are the masked form, so it cannot leak by accident."""

    __slots__ = ("_raw", "masked")

    def __init__(self, raw: str) -> None:
        self._raw = raw.strip()
        self.masked = mask_url(self._raw)

    def reveal(self) -> str:
        """The raw URL, for handing to the browser in-process. Never log or store the result."""
        return self._raw

    def secrets(self) -> list[str]:
        """Every sensitive fragment of the raw URL, longest first, in raw, decoded and encoded spellings."""
        found: set[str] = {self._raw}
        try:
            parts = urlsplit(self._raw)
            pieces = [parts.query, parts.fragment, parts.username or "", parts.password or ""]
            pieces += [seg for seg in parts.path.split("/") if is_token_like(seg)]
            if parts.query:
                for pair in parts.query.split("&"):
                    pieces.extend(p for p in pair.split("=", 1)[1:] if len(p) >= 4)
        except ValueError:
            pieces = _TOKEN_RUN.findall(self._raw)
        for piece in pieces:
            if len(piece) >= 6:  # shorter pieces would mangle ordinary words; URLs are masked anyway
                found.update({piece, unquote(piece), quote(unquote(piece), safe="")})
        return sorted((s for s in found if s), key=len, reverse=True)

    def scrub(self, text: str) -> str:
        """Remove this URL's secrets and mask every other URL found in ``text`` (error messages, logs)."""
        for secret in self.secrets():
            text = text.replace(secret, self.masked if secret == self._raw else REDACTED)
        return scrub_urls(text)

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"SecretUrl({self.masked!r})"


def scrub_urls(text: str) -> str:
    """Mask every URL in free text."""
    return _URL_IN_TEXT.sub(lambda m: mask_url(m.group(0)), text)
