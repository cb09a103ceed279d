"""Captions: timing.json -> captions.ass (burned in by libass), captions.srt and captions.vtt.

See docs/captions.md for the styles, the per-platform safe areas and the font rules.
"""

from reelforge.compose.captions.fonts import FontInfo, choose_font, install_font, load_font
from reelforge.compose.captions.presets import PRESET_NAMES, STYLES, CaptionLook, style_named
from reelforge.compose.captions.writer import CAPTION_FILES, CaptionResult, write_captions
from reelforge.models.safe_area import SafeArea, safe_area

__all__ = [
    "CAPTION_FILES",
    "PRESET_NAMES",
    "STYLES",
    "CaptionLook",
    "CaptionResult",
    "FontInfo",
    "SafeArea",
    "choose_font",
    "install_font",
    "load_font",
    "safe_area",
    "style_named",
    "write_captions",
]
