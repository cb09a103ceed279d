"""What cards say: a whole phrase, never a cut copy, never an ellipsis; CJK lines break by the rules."""

from __future__ import annotations

import re

import pytest
from PIL import ImageFont

from reelforge.providers.visual import card_wrap
from reelforge.providers.visual.card_text import ELLIPSES, headline_text, hook_phrase
from reelforge.providers.visual.card_wrap import NO_LINE_END, NO_LINE_START, balanced_wrap, wrap
from reelforge.text.fonts import font_for_text

NARRATIONS = [
    "How to sleep better: keep the room cool, wake up at the same time every day and put the phone away an "
    "hour before bed.",
    "Wake up at the same time every day, even on weekends.",
    "Put your phone in another room an hour before bed so the light and the notifications do not keep your "
    "brain awake and you fall asleep faster than you would with it on the nightstand next to you.",
    "Salt the pasta water until it tastes like the sea, then cook the pasta two minutes less than the packet says.",
    "Stop.",
    "Why do cities run hot... and what can you do?",
    "잠을 잘 자려면 자기 전 한 시간 동안 화면을 어둡게 하세요. 방을 시원하게 유지하세요.",
    "寝る前の一時間は画面を暗くしましょう。部屋を涼しく保つことも大切です。",
    "睡前一小时调暗屏幕。保持房间凉爽。",
    "لكي تنام جيدا، أطفئ الشاشة قبل النوم بساعة.",
]


def _plain(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


@pytest.mark.parametrize("narration", NARRATIONS)
def test_the_hook_is_a_whole_phrase_of_the_narration_without_an_ellipsis(narration: str) -> None:
    hook = hook_phrase(narration)
    assert hook and not any(mark in hook for mark in ELLIPSES)
    assert _plain(hook) in _plain(narration)  # a phrase of it, not a paraphrase
    # whole: it starts at a phrase start and ends at a word end (no word cut in two)
    start = _plain(narration).index(_plain(hook))
    end = start + len(_plain(hook))
    assert start == 0 or _plain(narration)[start - 1] == " " or not narration.isascii()
    assert end == len(_plain(narration)) or _plain(narration)[end] == " " or not narration.isascii()


def test_the_hook_prefers_a_short_head_phrase() -> None:
    assert hook_phrase(NARRATIONS[0]) == "How to sleep better"
    assert hook_phrase(NARRATIONS[1]) == "Wake up at the same time every day"  # not the fragment after the comma
    assert hook_phrase(NARRATIONS[3]) == "Salt the pasta water"
    assert len(hook_phrase(NARRATIONS[2]).split()) <= 12


def test_on_screen_text_wins_and_a_cut_copy_is_replaced() -> None:
    narration = NARRATIONS[0]
    assert headline_text(["  Sleep like a cat ", ""], narration, "T") == "Sleep like a cat"
    assert headline_text(["Three habits", "that fix sleep"], narration, "T") == "Three habits\nthat fix sleep"
    cut = "How to sleep better: keep the room…"  # what the old skeleton wrote
    assert headline_text([cut], narration, "T") == "How to sleep better"
    assert headline_text(["Wait for it…"], narration, "T") == "Wait for it…"  # authored, not a cut copy
    assert headline_text([narration], narration, "T") == "How to sleep better"  # a whole copy reads twice
    assert headline_text(["Stop."], "Stop.", "T") == "Stop."  # short enough to be the hook itself
    assert headline_text([], "", "The Title") == "The Title"
    for narration in NARRATIONS:
        assert not headline_text([], narration, "T").endswith(ELLIPSES)


def _font(text: str, size: int = 100) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_for_text(text).path), size)


@pytest.mark.parametrize("text", [
    "寝る前の一時間は画面を暗くしましょう。「静かな部屋」で眠る。ゆっくり休みましょう！",
    "睡前一小时调暗屏幕，保持房间凉爽。（很重要）",
    "カーテンを閉めて、ベッドに入ったら、スマートフォンを見ない。",
])
@pytest.mark.parametrize("width", [260, 330, 420, 610])
def test_japanese_and_chinese_wrap_by_characters_with_kinsoku(text: str, width: int) -> None:
    font = _font(text)
    for lines in (wrap(text, font.getlength, width), balanced_wrap(text, font.getlength, width, max_lines=8)):
        assert "".join(lines) == text  # every character kept, no spaces invented
        assert all(font.getlength(line) <= width for line in lines)
        assert not any(line[0] in NO_LINE_START for line in lines)
        assert not any(line[-1] in NO_LINE_END for line in lines)
        assert len(lines) > 1


def test_korean_wraps_at_spaces() -> None:
    text = "잠을 잘 자려면 자기 전 한 시간 동안 화면을 어둡게 하세요"
    font = _font(text)
    lines = balanced_wrap(text, font.getlength, 700)
    assert " ".join(lines) == text and len(lines) > 1
    assert all(word in text.split() for line in lines for word in line.split())


def test_japanese_prefers_breaks_after_particles() -> None:
    text = "部屋を涼しく保つことも大切です"
    font = _font(text)
    lines = balanced_wrap(text, font.getlength, 620, max_lines=4)
    assert card_wrap.break_cost(lines) < 1.0, lines


def test_a_word_longer_than_the_line_is_split_not_cut() -> None:
    text = "Donaudampfschifffahrtsgesellschaftskapitän"
    font = _font(text)
    lines = wrap(text, font.getlength, 500)
    assert len(lines) > 1 and all(font.getlength(line) <= 500 for line in lines)
    assert "".join(line.rstrip("-") for line in lines) == text


BRIEFS = [
    "How to sleep better: keep the room cool, wake up at the same time every day and put the phone away an "
    "hour before bed.",
    "Perfect pasta: salt the water until it tastes like the sea. Cook it two minutes less than the packet says. "
    "Finish it in the pan with a splash of pasta water and a knob of butter for a glossy sauce.",
    "Save money without noticing by moving ten percent of your salary to savings on the very day it arrives, "
    "before you have any chance to spend it on things you did not plan to buy this month.",
    "잠을 잘 자려면 자기 전 한 시간 동안 화면을 어둡게 하세요. 방을 시원하게 유지하세요.",
]


@pytest.mark.parametrize("brief", BRIEFS)
def test_no_card_text_drafted_from_a_brief_has_an_ellipsis(brief: str) -> None:
    from reelforge.pipeline.skeleton import skeleton_script
    from reelforge.providers.visual.card_theme import choose_look, language_of
    from reelforge.providers.visual.designed import kicker_text

    script = skeleton_script(brief, mode="shorts", aspect="9:16", locale="en")
    look = choose_look(brief, seed=1)
    for index, scene in enumerate(script.scenes):
        headline = headline_text(scene.on_screen_text, scene.narration, script.title)
        kicker = kicker_text(look, language_of(headline), index, len(script.scenes))
        for text in (headline, kicker):
            assert text.strip() and not any(mark in text for mark in ELLIPSES), text
