"""The key-free writer on ten briefs: hook first, one idea per scene, on-screen text that adds to the
narration (never a copy or a cut-off copy), --duration met by choosing and trimming, never by silence."""

from __future__ import annotations

import pytest

from reelforge.pipeline.skeleton import draft_from_brief, split_hook
from reelforge.text.onscreen import copies_narration, key_phrase
from reelforge.text.speech_rate import scene_seconds
from tests.briefs_keyfree import BRIEFS


@pytest.mark.parametrize("brief,duration", BRIEFS, ids=[b[:24] for b, _ in BRIEFS])
def test_ten_briefs(brief: str, duration: float | None) -> None:
    script, warnings = draft_from_brief(brief, mode="shorts", aspect="9:16", locale="en", duration=duration)
    assert script.to_json_dict() == draft_from_brief(brief, mode="shorts", aspect="9:16", locale="en",
                                                     duration=duration)[0].to_json_dict()
    for scene in script.scenes:
        assert scene.on_screen_text, scene.narration
        for line in scene.on_screen_text:
            assert not copies_narration(line, scene.narration), (line, scene.narration)
            assert line.strip().lower().rstrip(".!?") != scene.narration.strip().lower().rstrip(".!?")
            assert not line.endswith(("…", "...")) and len(line.split()) <= 6
        # a scene lasts its speech plus a breath: no silence is added anywhere
        assert scene.duration_sec == scene_seconds(scene.narration)
    assert len(script.scenes[0].narration.split()) <= 9  # the hook lands in about 2 s
    total = sum(s.duration_sec for s in script.scenes)
    if duration is not None:
        assert duration * 0.9 - 1e-6 <= total <= duration * 1.1 + 1e-6, (total, duration)
    assert not [w for w in warnings if "not padded" in w]


def test_call_to_action_closes_the_video() -> None:
    brief, _ = BRIEFS[0]
    script, _ = draft_from_brief(brief, mode="shorts", aspect="9:16", locale="en", duration=8)
    assert script.scenes[-1].narration == "Follow for more tips!"  # kept when others are left out
    assert script.scenes[0].narration == "Three tips for better sleep."
    own, _ = draft_from_brief("Dim the lights at nine. Keep the room cool.", mode="shorts", aspect="9:16",
                              locale="en", call_to_action="Try it tonight and tell me how you slept.")
    assert own.scenes[-1].narration == "Try it tonight and tell me how you slept."


def test_a_brief_too_short_for_the_target_is_not_padded() -> None:
    script, warnings = draft_from_brief("Three tips for better sleep.", mode="shorts", aspect="9:16", locale="en",
                                        duration=30)
    assert sum(s.duration_sec for s in script.scenes) < 5
    assert any("not padded with silence" in w for w in warnings)


def test_long_hook_is_split_at_its_first_clause() -> None:
    assert split_hook("Most people drink too little water during the day, and it shows by three o'clock.") == [
        "Most people drink too little water during the day.", "And it shows by three o'clock."]


def test_key_phrases() -> None:
    assert key_phrase("Bake it hot, at 250 degrees, in a covered pot.") == "250 degrees"
    assert key_phrase("Keep your bedroom cool, dark and quiet.") == "Bedroom cool"
    assert copies_narration("Keep your bedroom cool, dark", "Keep your bedroom cool, dark and quiet.")
    assert copies_narration("Three tips for better sleep", "Three tips for better sleep.")
    assert not copies_narration("Better sleep", "Three tips for better sleep.")


@pytest.mark.parametrize(("brief", "hook"), [
    ("Three money habits that quietly make you richer. First, pay yourself first.", ["3 money habits"]),
    ("Three tips for better sleep. Dim the lights.", ["3 tips for better sleep"]),
    ("3 habits of calm people. They breathe.", ["3 habits of calm people"]),
    ("Five ways to save money on groceries this month. Plan meals.", ["5 ways", "Save money on groceries"]),
    ("Five Google tricks that save hours. Use quotes.", ["5 Google tricks"]),  # a name keeps its capital
])
def test_the_hook_card_names_its_count_once(brief: str, hook: list[str]) -> None:
    """'3 habits / Three money habits' said the count twice; one line says it once."""
    script, _ = draft_from_brief(brief, mode="shorts", aspect="9:16", locale="en")
    assert script.scenes[0].on_screen_text == hook


def test_a_listed_item_is_labelled_by_what_it_says_to_do() -> None:
    """After 'First,' / 'Third,' the item names itself: its opening clause gives the phrase, not a later
    clause ('Market news never talks' stopped mid-sentence; 'People waste forty dollars' was the aside)."""
    brief = ("Three money habits that quietly make you richer. First, pay yourself first: move ten percent of every "
             "paycheck into savings the day it arrives. Second, kill the subscriptions you forgot about; most "
             "people waste forty dollars a month. Third, automate your investing so market news never talks you "
             "out of it.")
    script, _ = draft_from_brief(brief, mode="shorts", aspect="9:16", locale="en")
    assert [s.on_screen_text for s in script.scenes[1:]] == [
        ["Habit 1", "Pay yourself first"], ["Habit 2", "Kill the subscriptions"],
            ["Habit 3", "Automate your investing"]]
    tips, _ = draft_from_brief("Three tips for better sleep. First, dim your screens an hour before bed.",
                               mode="shorts", aspect="9:16", locale="en")
    assert tips.scenes[1].on_screen_text == ["Tip 1", "Dim your screens"]


def test_key_phrase_ties_go_to_the_later_run_unless_earliest() -> None:
    assert key_phrase("Dim your screens an hour before bed.") == "Hour before bed"
    assert key_phrase("Dim your screens an hour before bed.", earliest=True) == "Dim your screens"


def test_a_decimal_does_not_end_a_listed_item_s_clause() -> None:
    script, _ = draft_from_brief("Three tips for saving. First, save 3.5 percent of your pay every month.",
                                 mode="shorts", aspect="9:16", locale="en")
    assert script.scenes[1].on_screen_text == ["Tip 1", "Save 3.5 percent"]  # not 'Save', cut at the point


@pytest.mark.parametrize(("sentence", "phrase"), [
    ("Move ten percent of every paycheck into savings.", "10%"),
    ("People waste forty dollars a month on them.", "$40"),
    ("It uses about a third of the power of a resistive heater.", "A third of the power"),
    ("It takes half the time.", "Half the time"),
    ("It moves warmth from cold outdoor air instead of making it.", "Cold outdoor air"),
])
def test_amounts_read_as_digits_and_phrases_do_not_end_on_an_adverb(sentence: str, phrase: str) -> None:
    assert key_phrase(sentence) == phrase


def test_a_listed_item_opens_on_its_verb() -> None:
    """'Keep' and 'take' are stop words for a key phrase, so the cards read 'Bedroom cool' and 'Time every day'."""
    brief = ("Three tips for better sleep. First, dim your screens an hour before bed. Second, keep your bedroom "
             "cool, around eighteen degrees. Third, wake up at the same time every day, even on weekends.")
    script, _ = draft_from_brief(brief, mode="shorts", aspect="9:16", locale="en")
    assert [s.on_screen_text for s in script.scenes[1:]] == [
        ["Tip 1", "Dim your screens"], ["Tip 2", "Keep your bedroom cool"], ["Tip 3", "Wake up at the same time"]]


def test_ways_are_numbered_and_a_short_counted_hook_is_one_line() -> None:
    brief = "Three ways to save water. First, fix the dripping tap. Second, take five minute showers."
    script, _ = draft_from_brief(brief, mode="shorts", aspect="9:16", locale="en")
    assert [s.on_screen_text for s in script.scenes] == [
        ["3 ways to save water"], ["#1", "Fix the dripping tap"], ["#2", "Take five minute showers"]]


def test_the_readme_brief_names_the_wake_up_card_by_its_point() -> None:
    brief = ("Most people sleep badly because of light. Dim your screens an hour before bed. Keep the room cool. "
             "Wake up at the same time every day.")
    script, _ = draft_from_brief(brief, mode="shorts", aspect="9:16", locale="en")
    assert script.scenes[3].on_screen_text == ["Same time every day"]  # it read 'Time every day'
