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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError

from reelforge.errors import InvalidInputError, NotFoundError
from reelforge.models.render_spec import FontRef
from reelforge.text.scripts import char_script, dominant_script, language_of_locale, scripts_of
from reelforge.workspace.hashing import sha256_file

FONTS_DIR = "fonts"
CAPTION_FONT_FLAG = "--caption-font"
CJK_FONT_PACKAGE = "noto-cjk-sans-jp-bold"
ARABIC_FONT_PACKAGE = "fontpkg-noto-sans-arabic"
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
    cap_height_em: float = 0.7  # OS/2 sCapHeight / unitsPerEm (height of "H"); 0.7 if the font has none

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
        cap = int(getattr(os2, "sCapHeight", 0) or 0)
    except (TTLibError, KeyError, OSError, AssertionError) as exc:
        raise InvalidInputError(f"caption font {path} is not a readable TrueType/OpenType font ({exc})",
                                hint=f"pass {CAPTION_FONT_FLAG} with a .ttf, .otf or .ttc file",
                                file=str(path)) from None
    if not family or win_height <= 0 or upem <= 0:
        raise InvalidInputError(f"caption font {path} has no family name or no vertical metrics",
                                hint=f"pass {CAPTION_FONT_FLAG} with another font file", file=str(path))
    return FontInfo(path=path, family=family, sha256=sha256_file(path), units_per_em=upem,
                    win_height=win_height, hhea_height=hhea_height or win_height, codepoints=frozenset(cmap),
                    cap_height_em=cap / upem if cap > 0 else 0.7)


def default_font_path() -> Path:
    """Roboto Black from the ``font-roboto`` package: bold and wide enough for burned-in captions."""
    try:
        import font_roboto
    except ImportError:
        raise NotFoundError("the default caption font package font-roboto is not installed",
                            hint=f"pip install font-roboto, or pass {CAPTION_FONT_FLAG} PATH") from None
    return Path(font_roboto.font_files["RobotoBlack"])


def cjk_font_path() -> Path | None:
    """Noto Sans CJK JP Bold from the ``noto-cjk-sans-jp-bold`` package, when installed."""
    try:
        module = importlib.import_module("noto_cjk_sans_jp_bold")
    except ImportError:
        return None
    path = Path(str(module.FONT_PATH))
    return path if path.is_file() else None


def arabic_font_path() -> Path | None:
    """Noto Sans Arabic (variable; libass draws its default instance) from ``fontpkg-noto-sans-arabic``."""
    try:
        import fontpkg
    except ImportError:
        return None
    try:
        return Path(fontpkg.path("Noto Sans Arabic"))
    except fontpkg.FontpkgError:  # FamilyNotInstalled: the font package itself is absent
        return None


@dataclass(frozen=True)
class ScriptFont:
    """Where the caption font for a group of scripts comes from."""

    scripts: frozenset[str]
    package: str
    locate: Callable[[], Path | None]


# The caption font of each script, from a PyPI package; the first whose cmap covers the whole text wins.
SCRIPT_FONTS: tuple[ScriptFont, ...] = (
    ScriptFont(frozenset({"latin", "cyrillic", "greek"}), "font-roboto", default_font_path),
    ScriptFont(frozenset({"hangul", "kana", "han"}), CJK_FONT_PACKAGE, cjk_font_path),
    ScriptFont(frozenset({"arabic"}), ARABIC_FONT_PACKAGE, arabic_font_path),
)


def is_emoji_char(ch: str) -> bool:
    cp = ord(ch)
    return (0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x1F1E6 <= cp <= 0x1F1FF
            or 0x2B00 <= cp <= 0x2BFF or unicodedata.category(ch) == "So")


def _fixes(missing: list[str]) -> list[str]:
    fixes: list[str] = []
    scripts = {char_script(c) for c in missing} - {None}
    for entry in SCRIPT_FONTS:
        if scripts & entry.scripts and entry.locate() is None:
            names = "/".join(sorted(str(x) for x in scripts & entry.scripts))
            fixes.append(f"pip install {entry.package} (picked automatically for {names})")
    if any(is_emoji_char(c) for c in missing):
        fixes.append("remove the emoji/symbols from the narration text (caption fonts have no colour emoji)")
    fixes.append(f"pass {CAPTION_FONT_FLAG} PATH with one font that has all of these characters")
    return fixes


def coverage_message(font: FontInfo, missing: list[str]) -> str | None:
    """Names the characters ``font`` cannot draw (with code points) and the fix; None when all are covered."""
    if not missing:
        return None
    shown = missing[:12]
    listed = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in shown)
    more = f" and {len(missing) - len(shown)} more" if len(missing) > len(shown) else ""
    plural = len(missing) != 1
    return (f"caption font '{font.family}' ({font.path.name}) cannot draw {len(missing)} "
            f"character{'s' if plural else ''}: {listed}{more}; {'they' if plural else 'it'} would render as "
            f"empty boxes or in a fallback font. Fix: {'; '.join(_fixes(missing))}")


def _missing_glyphs_error(font: FontInfo, missing: list[str]) -> InvalidInputError:
    message = coverage_message(font, missing) or ""
    head, _, fix = message.partition(" Fix: ")
    return InvalidInputError(head, hint=fix)


@dataclass(frozen=True)
class FontChoice:
    font: FontInfo
    warnings: tuple[str, ...]
    reason: str


def choose_font(text: str, *, locale: str = "en", font_path: Path | None = None) -> FontChoice:
    """Pick the caption font by the text's scripts: the user's file if given, else the packaged font of
    the text's main script (Roboto Black for Latin/Cyrillic/Greek, Noto Sans CJK JP for Hangul/Kana/Han,
    Noto Sans Arabic for Arabic), else any packaged font whose cmap covers every character.

    A character no chosen font can draw is exit 4 (InvalidInputError) naming the characters and the fix:
    libass would otherwise draw it as a box or in a system font the render does not record.
    """
    if font_path is not None:
        font = load_font(Path(font_path).expanduser())
        missing = font.missing(text)
        if missing:
            raise _missing_glyphs_error(font, missing)
        return FontChoice(font, (), "user font")
    main = dominant_script(text) or ("hangul" if language_of_locale(locale) == "ko" else None)
    if main is None and language_of_locale(locale) in _CJK_LOCALES:
        main = "han"
    ordered = sorted(SCRIPT_FONTS, key=lambda entry: main not in entry.scripts)
    best: tuple[int, FontInfo] | None = None
    for entry in ordered:
        path = entry.locate()
        if path is None:
            continue
        font = load_font(path)
        missing = font.missing(text)
        if not missing:
            covered = ", ".join(sorted(scripts_of(text))) or "no letters"
            return FontChoice(font, (), f"covers the text's scripts ({covered}); from {entry.package}")
        if best is None or len(missing) < best[0]:
            best = (len(missing), font)
    if best is None:
        raise NotFoundError("no caption font package is installed",
                            hint=f"pip install font-roboto, or pass {CAPTION_FONT_FLAG} PATH")
    raise _missing_glyphs_error(best[1], best[1].missing(text))


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
