"""Numbers as they are said, so a transcript that writes "10 %" and a script that says "ten percent" agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelforge.check.ass_cues import read_ass
from reelforge.check.captions import sync_check, sync_stats
from reelforge.providers.timing.stt import align_transcript
from reelforge.providers.timing.words import spoken_key
from reelforge.text.spoken_numbers import cardinal, ordinal, spoken_english


@pytest.mark.parametrize(("written", "said"), [
    ("$40", "forty dollars"), ("10%", "ten percent"), ("10 %", "ten percent"), ("3.5", "three point five"),
    ("1st", "first"), ("21st", "twenty first"), ("12th", "twelfth"), ("40th", "fortieth"),
    ("1,000", "one thousand"), ("2026", "twenty twenty six"), ("1990", "nineteen ninety"),
    ("2005", "two thousand five"), ("$1", "one dollar"), ("$3.50", "three dollars fifty"), ("$1.00", "one dollar"),
    ("$1.5", "one point five dollars"), ("€20", "twenty euros"), ("5G", "five G"), ("you & me", "you and me"),
    ("save 305 a year", "save three hundred five a year"), ("no digits here", "no digits here"),
])
def test_spoken_english(written: str, said: str) -> None:
    assert spoken_english(written) == said


def test_cardinal_and_ordinal_cover_the_scales() -> None:
    assert cardinal(0) == "zero" and cardinal(1_000_000) == "one million"
    assert cardinal(2_500_017) == "two million five hundred thousand seventeen"
    assert ordinal(100) == "one hundredth" and ordinal(3) == "third"
    assert spoken_english("1234567890123456789") == " ".join(
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "zero"] * 2)[: -len(" zero")]


def test_spoken_keys_only_spell_english() -> None:
    assert spoken_key("$40", "en") == spoken_key("forty", "en") + spoken_key("dollars", "en")
    assert spoken_key("10", "en-US") == "ten"
    assert spoken_key("10", "de") == "10"


ASS = """[Script Info]
PlayResX: 1080
PlayResY: 1920

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 1,0:00:00.00,0:00:00.30,Caption,,0,0,0,,{\\1c&H00D7FF&}Save{\\1c&HFFFFFF&} ten percent
Dialogue: 1,0:00:00.30,0:00:00.60,Caption,,0,0,0,,Save {\\1c&H00D7FF&}ten{\\1c&HFFFFFF&} percent
Dialogue: 1,0:00:00.60,0:00:01.20,Caption,,0,0,0,,Save ten {\\1c&H00D7FF&}percent{\\1c&HFFFFFF&}
Dialogue: 1,0:00:01.20,0:00:01.50,Caption,,0,0,0,,{\\1c&H00D7FF&}not{\\1c&HFFFFFF&} forty dollars
Dialogue: 1,0:00:01.50,0:00:01.90,Caption,,0,0,0,,not {\\1c&H00D7FF&}forty{\\1c&HFFFFFF&} dollars
Dialogue: 1,0:00:01.90,0:00:02.40,Caption,,0,0,0,,not forty {\\1c&H00D7FF&}dollars{\\1c&HFFFFFF&}
"""


def test_the_check_hears_spelled_numbers_that_whisper_wrote_as_digits(tmp_path: Path) -> None:
    """The money short's check warned '2 of 16 words not heard' for 'ten percent' and 'forty dollars'."""
    path = tmp_path / "captions.ass"
    path.write_text(ASS, encoding="utf-8")
    heard = [(" Save", 0.02, 0.28), (" 10", 0.32, 0.55), (" %", 0.62, 1.1), (" not", 1.22, 1.45),
             (" $40", 1.52, 2.35)]
    stats = sync_stats(read_ass(path), heard)
    assert stats is not None and stats.words == 6 and stats.matched == 6
    assert stats.p95 < 0.1
    assert sync_check(stats).status == "pass"


def test_stt_timing_places_spelled_words_on_the_digits_whisper_wrote() -> None:
    spans = align_transcript(["Save", "ten", "percent."], [(" Save", 0.0, 0.3), (" 10%.", 0.4, 1.0)])
    assert spans is not None and all(span is not None for span in spans)
    assert spans[1][0] == pytest.approx(0.4, abs=0.01)  # type: ignore[index]
    assert spans[2][1] == pytest.approx(1.0, abs=0.01)  # type: ignore[index]


def test_number_words_read_back_to_their_values() -> None:
    from reelforge.text.spoken_numbers import number_value

    assert [number_value(w) for w in ("Ten", "forty-five", "forty five", "hundred", "zero")] == [10, 45, 45, 100, 0]
    assert [number_value(w) for w in ("five forty", "tens", "", "forty-five-six", "3")] == [None] * 5
