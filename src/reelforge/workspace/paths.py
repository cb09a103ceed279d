"""Workspace layout, run ids, slugs and path-containment checks."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reelforge.errors import InvalidInputError, SafetyError

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def sanitize_id(value: str, *, max_len: int = 64) -> str:
    """Make an id safe as one path component: only [A-Za-z0-9_-], never empty, never '.' or '..'."""
    cleaned = _ID_UNSAFE.sub("_", value)[:max_len].strip("_") or "item"
    return cleaned


def slugify(title: str, *, max_len: int = 40) -> str:
    """Lowercase; runs of non letters/digits become '-'; CJK and accented letters are kept.

    A slug longer than ``max_len`` ends on a whole word (``…-first-thing``, never ``…-first-thing-in-th``);
    only a first word longer than ``max_len`` (or unspaced CJK text) is cut inside it."""
    text = unicodedata.normalize("NFC", title).lower()
    out: list[str] = []
    dash = False
    for ch in text:
        if unicodedata.category(ch)[0] in ("L", "N"):
            out.append(ch)
            dash = False
        elif not dash:
            out.append("-")
            dash = True
    slug = "".join(out).strip("-")
    if len(slug) > max_len:
        cut = slug[: max_len + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:max_len]
    return slug.rstrip("-") or "video"


def short_id(length: int = 6) -> str:
    """Random id from [0-9a-z] without modulo bias (secrets.choice draws uniformly)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def aspect_tag(aspect: str) -> str:
    """``9:16`` -> ``9x16`` (a colon is not allowed in Windows file names)."""
    return aspect.replace(":", "x")


_FRAME_RATIOS = ("9:16", "16:9", "1:1", "4:3", "3:4", "16:10", "10:16", "4:5", "21:9")


def aspect_of(width: int, height: int) -> str:
    """The frame ratio of a ``width`` x ``height`` picture: a common ratio within 1 %, else ``WxH`` itself."""
    for ratio in _FRAME_RATIOS:
        a, b = (int(n) for n in ratio.split(":"))
        if height and abs(width / height - a / b) <= 0.01 * a / b:
            return ratio
    return f"{width}:{height}"


def video_file_name(mode: str, aspect: str, slug: str) -> str:
    """``<mode>-<aspect>-<slug>.mp4``: the real mode and frame of the video, e.g. ``shorts-16x9-…``."""
    return f"{sanitize_id(mode)}-{aspect_tag(aspect)}-{slug}.mp4"


def new_run_id(mode: str, aspect: str | None = None, *, now: datetime | None = None) -> str:
    """``YYYYMMDD-HHMMSS-<6 chars>-<mode>[-<aspect>]``; the timestamp is UTC so ids sort across DST changes."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    tail = f"-{aspect_tag(aspect)}" if aspect else ""
    return f"{moment:%Y%m%d-%H%M%S}-{short_id()}-{sanitize_id(mode)}{tail}"


def canonical(path: Path) -> Path:
    """Resolve symlinks, including for paths that do not exist yet."""
    try:
        path = path.expanduser()
    except RuntimeError:  # "~user" with no such user: keep the path as written
        pass
    return path.resolve(strict=False)


def is_inside(path: Path, root: Path) -> bool:
    try:
        canonical(path).relative_to(canonical(root))
    except ValueError:
        return False
    return True


def ensure_inside(path: Path, root: Path, *, what: str, flag: str, allow_external: bool = False) -> Path:
    """Return the canonical path, or refuse (exit 2) when it leaves ``root`` without consent."""
    resolved = canonical(path)
    if not allow_external and not is_inside(resolved, root):
        raise SafetyError(
            f"{what} {resolved} is outside the workspace {canonical(root)}",
            hint=f"choose a path inside the workspace, or pass {flag} if you mean it",
            file=str(resolved),
        )
    return resolved


def run_relative(path: Path, run_dir: Path) -> str:
    """A POSIX path relative to the run dir; refuses anything that escapes it."""
    try:
        return canonical(path).relative_to(canonical(run_dir)).as_posix()
    except ValueError:
        raise SafetyError(f"{path} is outside the run directory {run_dir}") from None


def resolve_in_run(run_dir: Path, rel: str) -> Path:
    """Turn a run-relative path from a spec back into a file path, refusing escapes (``../``, absolute)."""
    candidate = Path(rel)
    if candidate.is_absolute() or ".." in candidate.parts:
        raise SafetyError(f"path {rel!r} in the spec escapes the run directory",
                          hint="paths in render-spec.json must be run-relative")
    full = run_dir / candidate
    if not is_inside(full, run_dir):
        raise SafetyError(f"path {rel!r} resolves outside the run directory (symlink?)")
    return full


@dataclass(frozen=True)
class Workspace:
    """The root that all three surfaces write into (see ARCHITECTURE.md)."""

    root: Path

    @classmethod
    def at(cls, root: Path | None = None) -> Workspace:
        base = canonical(root or Path.cwd())
        if base.exists() and not base.is_dir():
            raise InvalidInputError(f"workspace {base} is not a directory", hint="pass --workspace DIR")
        return cls(base)

    @property
    def videos(self) -> Path:
        return self.root / "videos"

    @property
    def internal(self) -> Path:
        return self.root / ".reelforge"

    @property
    def config_file(self) -> Path:
        return self.root / "reelforge.toml"
