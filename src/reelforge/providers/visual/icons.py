"""Pictograms for cards: Material Design Icons, shipped as a font by the fonticon-materialdesignicons7 package.

The icons and the font are Apache-2.0 (Pictogrammers Free License; the package's code is MIT). Drawing a
glyph of an icon font with Pillow needs no SVG renderer and is as fast as drawing a letter.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import ImageFont

from reelforge.errors import NotFoundError

PACKAGE = "fonticon-materialdesignicons7"
ICON_SET = "Material Design Icons (Pictogrammers)"
LICENCE = "Apache-2.0"


def _module() -> Any:
    try:
        import fonticon_mdi7
    except ImportError:
        raise NotFoundError(f"the card icon package {PACKAGE} is not installed",
                            hint=f"pip install {PACKAGE} (it ships with reelforge's base install)") from None
    return fonticon_mdi7


def font_path() -> Path:
    return Path(str(_module().MDI7.__font_file__))


def version() -> str:
    return str(getattr(_module(), "__version__", "unknown"))


@lru_cache(maxsize=512)
def glyph(name: str) -> str:
    """The character that draws icon ``name`` (e.g. ``chef_hat``)."""
    value = getattr(_module().MDI7, name, None)
    if not isinstance(value, str):
        raise NotFoundError(f"icon {name!r} is not in {ICON_SET}", hint="pick an icon name from the package")
    return value.split(".", 1)[1]  # the package stores "mdi7.<char>"


@lru_cache(maxsize=64)
def icon_font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path()), size)


def attribution() -> dict[str, str]:
    """What the manifest and doctor say about the icons."""
    return {"iconSet": ICON_SET, "package": PACKAGE, "version": version(), "licence": LICENCE}
