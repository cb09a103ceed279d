"""Caption fonts: resolve a real font file, read the family name libass matches, check glyph coverage.

libass matches the ASS style's Fontname against the font's family name (name table ID 1) and
silently falls back to another font (DejaVu here) when nothing matches, so the family is read from
the file, never typed by hand. Fonts are copied into ``<run>/fonts`` so the render reads only
run-relative files whose sha256 is recorded in render-spec.json.
"""

from __future__ import annotations

import importlib
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError

from reelforge.errors import InvalidInputError, NotFoundError
from reelforge.models.render_spec import FontRef
from reelforge.workspace.hashing import sha256_file

FONTS_DIR = "fonts"
CAPTION_FONT_FLAG = "--caption-font"
CJK_FONT_PACKAGE = "noto-cjk-sans-jp-bold"
_CJK_LOCALES = ("zh", "ja", "ko")
# Characters that never need a glyph of their own: joiners, variation selectors, marks of direction.
_INVISIBLE = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x200E, 0x200F}


@dataclass(frozen=True)
class FontInfo:
    """One font file as libass and Pillow will see it."""

    path: Path
    family: str
    sha256: str
    units_per_em: int
    win_height: int  # usWinAscent + usWinDescent: libass sizes fonts by this (the VSFilter rule)
    hhea_height: int  # hhea ascender - descender: the height of one libass line box
    codepoints: frozenset[int]

    def em_px(self, ass_size: float) -> float:
        """The em size in pixels that libass uses for an ASS ``Fontsize`` (what Pillow's size means)."""
        return ass_size * self.units_per_em / self.win_height

    def line_height(self, ass_size: float) -> float:
        """Pixel height of one line box as libass lays it out."""
        return ass_size * self.hhea_height / self.win_height

    def missing(self, text: str) -> list[str]:
        """Characters of ``text`` this font has no glyph for, in first-seen order, without repeats."""
        seen: dict[str, None] = {}
        for ch in text:
            cp = ord(ch)
            if ch.isspace() or cp in _INVISIBLE or _is_variation_selector(cp):
                continue
            if unicodedata.category(ch) in ("Cc", "Cf"):
                continue
            if cp not in self.codepoints:
                seen.setdefault(ch, None)
        return list(seen)


def _is_variation_selector(cp: int) -> bool:
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


def _family_name(font: TTFont) -> str | None:
    """Name ID 1 from the Windows platform (what libass reads), English first."""
    names = font["name"].names
    candidates = [r for r in names if r.nameID == 1 and r.platformID == 3]
    candidates.sort(key=lambda r: (r.langID != 0x409, r.langID))
    for record in candidates or [r for r in names if r.nameID == 1]:
        try:
            value = record.toUnicode().strip()
        except UnicodeDecodeError:
            continue
        if value:
            return value
    return None


def load_font(path: Path) -> FontInfo:
    """Read a .ttf/.otf/.ttc (first face) and return its family, metrics, coverage and sha256."""
    if not path.is_file():
        raise NotFoundError(f"caption font not found: {path}",
                            hint=f"pass {CAPTION_FONT_FLAG} with the path of a .ttf, .otf or .ttc file",
                            file=str(path))
    try:
        font = TTFont(str(path), fontNumber=0, lazy=True)
        family = _family_name(font)
        cmap = font.getBestCmap() or {}
        upem = int(font["head"].unitsPerEm)
        os2 = font["OS/2"]
        win_height = int(os2.usWinAscent) + int(os2.usWinDescent)
        hhea_height = int(font["hhea"].ascent) - int(font["hhea"].descent)
    except (TTLibError, KeyError, OSError, AssertionError) as exc:
        raise InvalidInputError(f"caption font {path} is not a readable TrueType/OpenType font ({exc})",
                                hint=f"pass {CAPTION_FONT_FLAG} with a .ttf, .otf or .ttc file",
                                file=str(path)) from None
    if not family or win_height <= 0 or upem <= 0:
        raise InvalidInputError(f"caption font {path} has no family name or no vertical metrics",
                                hint=f"pass {CAPTION_FONT_FLAG} with another font file", file=str(path))
    return FontInfo(path=path, family=family, sha256=sha256_file(path), units_per_em=upem,
                    win_height=win_height, hhea_height=hhea_height or win_height, codepoints=frozenset(cmap))


def default_font_path() -> Path:
    """Roboto Black from the ``font-roboto`` package: bold and wide enough for burned-in captions."""
    try:
        import font_roboto
    except ImportError:
        raise NotFoundError("the default caption font package font-roboto is not installed",
                            hint=f"pip install font-roboto, or pass {CAPTION_FONT_FLAG} PATH") from None
    return Path(font_roboto.font_files["RobotoBlack"])


def cjk_font_path() -> Path | None:
    """Noto Sans CJK JP Bold from the optional ``noto-cjk-sans-jp-bold`` package, when installed."""
    try:
        module = importlib.import_module("noto_cjk_sans_jp_bold")
    except ImportError:
        return None
    path = Path(str(module.FONT_PATH))
    return path if path.is_file() else None


def is_cjk_char(ch: str) -> bool:
    cp = ord(ch)
    return (0x2E80 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7AF or 0xF900 <= cp <= 0xFAFF
            or 0xFF00 <= cp <= 0xFFEF or 0x20000 <= cp <= 0x3134F or 0x1100 <= cp <= 0x11FF)


def is_emoji_char(ch: str) -> bool:
    cp = ord(ch)
    return (0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x1F1E6 <= cp <= 0x1F1FF
            or 0x2B00 <= cp <= 0x2BFF or unicodedata.category(ch) == "So")


def coverage_warning(font: FontInfo, missing: list[str]) -> str | None:
    """A warning naming the characters the font cannot draw and the fix, or None when all are covered."""
    if not missing:
        return None
    shown = missing[:12]
    listed = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in shown)
    more = f" and {len(missing) - len(shown)} more" if len(missing) > len(shown) else ""
    fixes: list[str] = []
    if any(is_cjk_char(c) for c in missing):
        fixes.append(f"for CJK text pass a CJK font with {CAPTION_FONT_FLAG} PATH "
                     f"(or pip install {CJK_FONT_PACKAGE}, which is picked up automatically)")
    if any(is_emoji_char(c) for c in missing):
        fixes.append("remove the emoji/symbols from the narration text (caption fonts have no colour emoji)")
    if len(fixes) < 1 or not all(is_cjk_char(c) or is_emoji_char(c) for c in missing):
        fixes.append(f"pass {CAPTION_FONT_FLAG} PATH with a font that has these characters")
    return (f"caption font '{font.family}' ({font.path.name}) cannot draw {len(missing)} "
            f"character{'s' if len(missing) != 1 else ''}: {listed}{more}; they would render as "
            f"empty boxes or in a fallback font. Fix: {'; '.join(fixes)}")


@dataclass(frozen=True)
class FontChoice:
    font: FontInfo
    warnings: tuple[str, ...]
    reason: str


def choose_font(text: str, *, locale: str = "en", font_path: Path | None = None) -> FontChoice:
    """Pick the caption font: the user's file if given, else Roboto Black, else the CJK font when it
    covers text that Roboto cannot draw (or the locale is zh/ja/ko). Missing glyphs become a warning."""
    if font_path is not None:
        font = load_font(Path(font_path).expanduser())
        warning = coverage_warning(font, font.missing(text))
        return FontChoice(font, tuple(w for w in [warning] if w), "user font")
    candidates: list[tuple[Path, str]] = [(default_font_path(), "default")]
    cjk = cjk_font_path()
    if cjk is not None:
        entry = (cjk, f"CJK font from {CJK_FONT_PACKAGE}")
        if locale.lower().replace("_", "-").split("-")[0] in _CJK_LOCALES:
            candidates.insert(0, entry)
        else:
            candidates.append(entry)
    best: tuple[int, FontInfo, str] | None = None
    for path, reason in candidates:
        font = load_font(path)
        n_missing = len(font.missing(text))
        if n_missing == 0:
            return FontChoice(font, (), reason)
        if best is None or n_missing < best[0]:
            best = (n_missing, font, reason)
    assert best is not None
    font = best[1]
    warning = coverage_warning(font, font.missing(text))
    return FontChoice(font, tuple(w for w in [warning] if w), best[2])


def install_font(font: FontInfo, run_dir: Path) -> FontRef:
    """Copy the font into ``<run>/fonts/`` (unchanged bytes) and return its render-spec record."""
    target_dir = run_dir / FONTS_DIR
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / font.path.name
    if not (target.is_file() and sha256_file(target) == font.sha256):
        tmp = target_dir / f".{font.path.name}.tmp"
        shutil.copyfile(font.path, tmp)
        tmp.replace(target)
    return FontRef(src=f"{FONTS_DIR}/{font.path.name}", sha256=font.sha256, family=font.family)
