"""Emoji in on-screen text: spoken around, never drawn.

libass draws no colour emoji and no packaged font has them, so an emoji would render as an empty box.
Captions and cards leave such characters out (with a warning naming them) instead of refusing the run:
a brief that ends in "😴" is ordinary short-form writing, not bad input. Letters no font can draw stay
an error.
"""

from __future__ import annotations

# Joiners, selectors and skin-tone/tag modifiers that only glue emoji together; dropped after one.
_EMOJI_GLUE = {0x200D, 0xFE0E, 0xFE0F, 0x20E3}
_CJK_EMOJI = {0x3030, 0x303D, 0x3297, 0x3299}


def is_pictograph(ch: str) -> bool:
    """An emoji or pictographic symbol (not ©, ®, ™ or arrows that text fonts draw)."""
    cp = ord(ch)
    if cp < 0x2000:
        return False
    return (0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x2B00 <= cp <= 0x2BFF
            or 0x2300 <= cp <= 0x23FF or 0xE0020 <= cp <= 0xE007F or cp in _CJK_EMOJI)


def strip_emoji(text: str) -> tuple[str, list[str]]:
    """``text`` without emoji/pictographs (and the joiners that follow them), and the characters removed."""
    removed: list[str] = []
    kept: list[str] = []
    after_emoji = False
    for ch in text:
        if is_pictograph(ch):
            removed.append(ch)
            after_emoji = True
        elif after_emoji and ord(ch) in _EMOJI_GLUE:
            continue
        else:
            kept.append(ch)
            after_emoji = False
    return " ".join("".join(kept).split()) if removed else text, removed
