"""A font for every script, chosen by what each packaged font file really covers (read with fontTools).

Roboto (font-roboto) draws Latin, Greek and Cyrillic; Noto Sans CJK JP Bold (noto-cjk-sans-jp-bold)
draws Hangul, Kana and Han (and Latin); Noto Sans Arabic (fontpkg-noto-sans-arabic, a variable font)
draws Arabic (and Latin). A text gets the first font, in the order its dominant script prefers, that has
a glyph for every character; when none has, that is an error naming the characters and the fix.
"""

from __future__ import annotations

import importlib
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from fontTools.ttLib import TTFont, TTLibError

from reelforge.errors import InvalidInputError
from reelforge.text.scripts import dominant_script

Weight = Literal["black", "bold", "medium"]

# Characters that never need a glyph of their own: joiners, variation selectors, marks of direction.
_INVISIBLE = frozenset({0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x200E, 0x200F})


@dataclass(frozen=True)
class FontSource:
    """One packaged font family: where its files come from and under which licence."""

    key: str
    family: str
    package: str
    licence: str
    scripts: tuple[str, ...]  # the scripts this family is the first choice for

    def path(self, weight: Weight) -> Path | None:
        """The file for ``weight`` (the nearest the package has), or None when the package is missing."""
        try:
            if self.key == "roboto":
                import font_roboto

                name = {"black": "RobotoBlack", "bold": "RobotoBold", "medium": "RobotoMedium"}[weight]
                return Path(font_roboto.font_files[name])
            if self.key == "noto-cjk":
                module = importlib.import_module("noto_cjk_sans_jp_bold")
                return Path(str(module.FONT_PATH))
            if self.key == "noto-arabic":
                module = importlib.import_module("fontpkg_noto_sans_arabic")
                files = sorted((Path(module.ROOT) / "files").glob("NotoSansArabic*.ttf"))
                return files[0] if files else None
        except ImportError:
            return None
        return None

    def variation(self, weight: Weight) -> dict[str, float]:
        """Axis values for variable fonts (Noto Sans Arabic has wght 100..900)."""
        if self.key == "noto-arabic":
            return {"wght": {"black": 900.0, "bold": 700.0, "medium": 500.0}[weight]}
        return {}


SOURCES: tuple[FontSource, ...] = (
    FontSource("roboto", "Roboto", "font-roboto", "Apache-2.0", ("latin", "greek", "cyrillic")),
    FontSource("noto-cjk", "Noto Sans CJK JP", "noto-cjk-sans-jp-bold", "OFL-1.1", ("hangul", "kana", "han")),
    FontSource("noto-arabic", "Noto Sans Arabic", "fontpkg-noto-sans-arabic", "OFL-1.1", ("arabic",)),
)


@dataclass(frozen=True)
class ScriptFont:
    """A resolved font file for one weight, with the code points it has glyphs for."""

    source: FontSource
    weight: Weight
    path: Path
    codepoints: frozenset[int] = field(repr=False)

    @property
    def variation(self) -> dict[str, float]:
        return self.source.variation(self.weight)

    def missing(self, text: str) -> list[str]:
        """Characters of ``text`` without a glyph here, first-seen order, no repeats."""
        return missing_glyphs(text, self.codepoints)

    def describe(self) -> dict[str, str]:
        return {"family": self.source.family, "file": self.path.name, "package": self.source.package,
                "licence": self.source.licence}


_LOCK = threading.Lock()
_COVERAGE: dict[Path, frozenset[int]] = {}


def coverage(path: Path) -> frozenset[int]:
    """The code points ``path`` (first face) maps to a glyph, read once per process."""
    with _LOCK:
        known = _COVERAGE.get(path)
    if known is not None:
        return known
    try:  # read outside _LOCK: fontTools imports each table's module when it is first read
        font = TTFont(str(path), fontNumber=0, lazy=True)
        read = frozenset(font.getBestCmap() or {})
    except (TTLibError, OSError, KeyError) as exc:
        raise InvalidInputError(f"font {path} is not a readable TrueType/OpenType font ({exc})",
                                hint="reinstall the font package", file=str(path)) from None
    with _LOCK:
        return _COVERAGE.setdefault(path, read)


def missing_glyphs(text: str, codepoints: frozenset[int]) -> list[str]:
    seen: dict[str, None] = {}
    for ch in text:
        cp = ord(ch)
        if ch.isspace() or cp in _INVISIBLE or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:
            continue
        if unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        if cp not in codepoints:
            seen.setdefault(ch, None)
    return list(seen)


def _ordered(text: str) -> list[FontSource]:
    script = dominant_script(text)
    first = [s for s in SOURCES if script in s.scripts]
    return first + [s for s in SOURCES if s not in first]


def font_for_text(text: str, weight: Weight = "black", *, what: str = "card text") -> ScriptFont:
    """The font that draws every character of ``text``; InvalidInputError (exit 4) naming what is missing."""
    best: tuple[int, ScriptFont] | None = None
    for source in _ordered(text):
        path = source.path(weight)
        if path is None or not path.is_file():
            continue
        font = ScriptFont(source, weight, path, coverage(path))
        n_missing = len(font.missing(text))
        if n_missing == 0:
            return font
        if best is None or n_missing < best[0]:
            best = (n_missing, font)
    missing = best[1].missing(text) if best else sorted(set(text) - {" "})
    raise InvalidInputError(missing_message(missing, what=what), hint=missing_hint(missing))


def missing_message(missing: list[str], *, what: str) -> str:
    shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in missing[:12])
    more = f" and {len(missing) - 12} more" if len(missing) > 12 else ""
    return (f"no installed font can draw {len(missing)} character{'s' if len(missing) != 1 else ''} of the "
            f"{what}: {shown}{more}; they would show as empty boxes")


def missing_hint(missing: list[str]) -> str:
    if any(dominant_script(c) in ("hangul", "kana", "han") for c in missing):
        return "pip install noto-cjk-sans-jp-bold (Korean, Japanese and Chinese glyphs)"
    if any(dominant_script(c) == "arabic" for c in missing):
        return "pip install fontpkg-noto-sans-arabic (Arabic glyphs)"
    letters = sorted({dominant_script(c) or "" for c in missing if unicodedata.category(c).startswith("L")} - {""})
    if letters:
        return (f"the card fonts do not cover {', '.join(letters)} yet: give the scenes your own images "
                "(--media DIR or visual.ref) so no card is drawn")
    return ("remove these characters (emoji and symbols have no glyph in the card fonts) from the brief, "
            "the scene's narration or its onScreenText")
