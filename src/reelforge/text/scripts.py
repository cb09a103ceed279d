"""Which writing systems (scripts) a text uses, and which scripts a locale is written in.

Only letters count: digits, punctuation and spaces are shared by every script. Han ideographs are
shared by Chinese, Japanese (with kana) and, rarely, Korean, so a text of Han plus kana is Japanese.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

# Unicode blocks -> script name; the ranges cover the letters a brief or narration is written in.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "latin"),
    (0x1E00, 0x1EFF, "latin"),
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x08A0, 0x08FF, "arabic"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
    (0x0900, 0x097F, "devanagari"),
    (0x0E00, 0x0E7F, "thai"),
    (0x1100, 0x11FF, "hangul"),
    (0x3130, 0x318F, "hangul"),
    (0xA960, 0xA97F, "hangul"),
    (0xAC00, 0xD7AF, "hangul"),
    (0xD7B0, 0xD7FF, "hangul"),
    (0x3040, 0x309F, "kana"),
    (0x30A0, 0x30FF, "kana"),
    (0x31F0, 0x31FF, "kana"),
    (0xFF66, 0xFF9F, "kana"),
    (0x3400, 0x4DBF, "han"),
    (0x4E00, 0x9FFF, "han"),
    (0xF900, 0xFAFF, "han"),
    (0x20000, 0x2FA1F, "han"),
)

# The scripts each language is written in (the language subtag of a BCP 47 locale).
_LANGUAGE_SCRIPTS: dict[str, frozenset[str]] = {
    "ja": frozenset({"kana", "han", "latin"}),
    "zh": frozenset({"han", "latin"}),
    "ko": frozenset({"hangul", "han", "latin"}),
    "ru": frozenset({"cyrillic", "latin"}),
    "uk": frozenset({"cyrillic", "latin"}),
    "bg": frozenset({"cyrillic", "latin"}),
    "sr": frozenset({"cyrillic", "latin"}),
    "ar": frozenset({"arabic", "latin"}),
    "fa": frozenset({"arabic", "latin"}),
    "ur": frozenset({"arabic", "latin"}),
    "he": frozenset({"hebrew", "latin"}),
    "el": frozenset({"greek", "latin"}),
    "hi": frozenset({"devanagari", "latin"}),
    "th": frozenset({"thai", "latin"}),
}

# Scripts written without spaces between words: lines may break between any two characters (kinsoku aside).
UNSPACED_SCRIPTS = frozenset({"han", "kana", "thai"})


def char_script(ch: str) -> str | None:
    """The script of one character, or None for digits, punctuation, spaces and symbols."""
    cp = ord(ch)
    for low, high, name in _RANGES:
        if low <= cp <= high:
            if name == "latin" and not unicodedata.category(ch).startswith("L"):
                return None
            return name
    return None


def script_counts(text: str) -> Counter[str]:
    """How many letters of each script the text has."""
    counts: Counter[str] = Counter()
    for ch in text:
        name = char_script(ch)
        if name is not None:
            counts[name] += 1
    return counts


def scripts_of(text: str) -> frozenset[str]:
    return frozenset(script_counts(text))


def dominant_script(text: str) -> str | None:
    """The script most letters are in; Han with any kana counts as Japanese kana text."""
    counts = script_counts(text)
    if not counts:
        return None
    if counts.get("kana") and counts.get("han"):
        counts["kana"] += counts.pop("han")
    return counts.most_common(1)[0][0]


def language_of_locale(locale: str) -> str:
    return locale.replace("_", "-").split("-")[0].lower()


def locale_scripts(locale: str) -> frozenset[str]:
    """The scripts a locale's language is written in; Latin for every language not listed."""
    return _LANGUAGE_SCRIPTS.get(language_of_locale(locale), frozenset({"latin"}))


def foreign_scripts(text: str, locale: str) -> frozenset[str]:
    """Scripts in ``text`` that ``locale``'s language is not written in (empty when the text fits)."""
    return scripts_of(text) - locale_scripts(locale)


def is_unspaced(text: str) -> bool:
    """True when the text is mostly in a script written without spaces between words."""
    return dominant_script(text) in UNSPACED_SCRIPTS
