"""text.fonts: a font per script, chosen by what the packaged files really cover."""

from __future__ import annotations

import pytest

from reelforge.errors import InvalidInputError
from reelforge.text.fonts import SOURCES, coverage, font_for_text


@pytest.mark.parametrize(("text", "family"), [
    ("Keep the room cool", "Roboto"),
    ("Ελληνικά γράμματα", "Roboto"),
    ("Спите в прохладной комнате", "Roboto"),
    ("잠을 잘 자려면", "Noto Sans CJK JP"),
    ("よく眠るコツ", "Noto Sans CJK JP"),
    ("睡前一小时", "Noto Sans CJK JP"),
    ("iPhone 15 화면을 어둡게", "Noto Sans CJK JP"),  # mixed: the CJK font has Latin too
    ("أطفئ الشاشة", "Noto Sans Arabic"),
])
def test_each_script_gets_a_font_that_covers_it(text: str, family: str) -> None:
    font = font_for_text(text)
    assert font.source.family == family
    assert font.missing(text) == []
    assert all(ord(c) in coverage(font.path) for c in text if not c.isspace())


def test_the_coverage_is_read_from_the_files() -> None:
    roboto = coverage(SOURCES[0].path("black"))  # type: ignore[arg-type]
    cjk = coverage(SOURCES[1].path("black"))  # type: ignore[arg-type]
    assert ord("A") in roboto and ord("Ж") in roboto and ord("잠") not in roboto
    assert ord("잠") in cjk and ord("の") in cjk and ord("中") in cjk


def test_no_font_is_an_error_naming_characters_and_fix() -> None:
    with pytest.raises(InvalidInputError) as info:
        font_for_text("Sleep well 😴 ✈", what="card headline")
    err = info.value
    assert err.exit_code == 4
    assert "U+1F634" in err.message and "card headline" in err.message
    assert err.hint and "onScreenText" in err.hint


def test_a_script_without_a_card_font_names_another_way() -> None:
    with pytest.raises(InvalidInputError) as info:
        font_for_text("नींद बेहतर करें")
    assert "devanagari" in (info.value.hint or "") and "--media" in (info.value.hint or "")
