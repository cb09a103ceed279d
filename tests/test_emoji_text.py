"""Emoji in a brief: left out of captions and cards (libass and the packaged fonts draw no colour emoji)."""

from pathlib import Path

from reelforge.compose.captions import write_captions
from reelforge.providers.visual.card_theme import choose_look
from reelforge.providers.visual.designed import draw_card
from reelforge.text.symbols import strip_emoji
from tests.test_captions_files import make_timing


def test_strip_emoji_keeps_letters_and_symbols_fonts_draw() -> None:
    assert strip_emoji("Sleep better 😴 tonight") == ("Sleep better tonight", ["😴"])
    assert strip_emoji("Family 👨‍👩‍👧 time") == ("Family time", ["👨", "👩", "👧"])
    assert strip_emoji("Reelforge™ © 2026 → go") == ("Reelforge™ © 2026 → go", [])
    assert strip_emoji("잠을 잘 자요 🌙") == ("잠을 잘 자요", ["🌙"])


def test_captions_leave_emoji_out_with_a_warning(tmp_path: Path) -> None:
    timing = make_timing(["Sleep better tonight 😴", "🔥🔥 Keep the room cool"])
    result = write_captions(timing, tmp_path, style="word-highlight", platform="tiktok", width=1080, height=1920)
    srt = (tmp_path / "captions.srt").read_text()
    assert "😴" not in srt and "🔥" not in srt
    assert "Sleep better tonight" in srt and "room cool" in srt
    assert any("emoji" in w and "😴" in w for w in result.warnings)


def test_a_card_with_emoji_draws_its_words(tmp_path: Path) -> None:
    look = choose_look("sleep better", seed=3)
    card = draw_card("Sleep better tonight 😴", tmp_path / "a.png", width=180, height=320, seed=3, index=0, look=look)
    drawn = " ".join(line for block in card.layout.texts for line in block.lines)
    assert "Sleep" in drawn and "😴" not in drawn
