"""A brief written as instructions: the request is said as a narrator would open, directions are not read out."""

from __future__ import annotations

import pytest

from reelforge.pipeline.brief_directions import asked_length, is_direction, read_brief, spoken_opening
from reelforge.pipeline.skeleton import draft_from_brief
from reelforge.text.onscreen import copies_narration


@pytest.mark.parametrize(("request_", "narration", "title"), [
    ("Explain how a heat pump heats a home.", "Here's how a heat pump heats a home.", "How a heat pump heats a home"),
    ("Explain to beginners why compound interest matters.", "Here's why compound interest matters.",
     "Why compound interest matters"),
    ("Can you show viewers how to brew pour-over coffee?", "Here's how to brew pour-over coffee.",
     "How to brew pour-over coffee"),
    ("Make a 30-second video about why sleep matters.", "Here's why sleep matters.", "Why sleep matters"),
    ("Create a short TikTok on three ways to save water.", "Three ways to save water.", "Three ways to save water"),
    ("Tell me what a Roth IRA is.", "Here's what a Roth IRA is.", "What a Roth IRA is"),
    ("Describe the water cycle.", "The water cycle, explained.", "The water cycle"),
    ("Explain quantum computing in simple terms for kids who love games.", "Quantum computing, explained.",
     "Quantum computing"),
    ("Walk me through setting up a budget.", "Setting up a budget, step by step.", "Setting up a budget"),
    ("Show how to tie a tie in 30 seconds.", "Here's how to tie a tie.", "How to tie a tie"),
])
def test_an_opening_request_is_said_as_a_narrator_would(request_: str, narration: str, title: str) -> None:
    opening = spoken_opening(request_)
    assert opening is not None and (opening.narration, opening.title) == (narration, title)


@pytest.mark.parametrize("sentence", ["Most people sleep badly.", "Dim your screens an hour before bed.",
                                      "Check your insulation before you buy.", "Show up early."])
def test_content_is_not_taken_for_a_request(sentence: str) -> None:
    assert spoken_opening(sentence) is None


@pytest.mark.parametrize(("sentence", "direction"), [
    ("Keep it upbeat.", True), ("Use a friendly tone.", True), ("Keep it under 30 seconds.", True),
    ("Make it fun!", True), ("Aim for 45 seconds.", True), ("It's for TikTok.", True), ("Tone: calm.", True),
    ("Keep the bedroom cool and dark.", False), ("Use a timer for your showers.", False),
    ("Make it a habit.", False),
])
def test_directions_about_tone_length_and_platform(sentence: str, direction: bool) -> None:
    assert is_direction(sentence) is direction


def test_a_brief_of_directions_only_is_kept() -> None:
    read = read_brief(["Keep it upbeat."])
    assert read.sentences == ["Keep it upbeat."] and read.left_out == []


def test_the_heat_pump_brief_opens_on_its_topic_and_leaves_out_the_direction() -> None:
    """It opened 'Explain how a heat pump heats a home.' (read out as an order) and named its file after it."""
    brief = ("Explain how a heat pump heats a home. It moves warmth from cold outdoor air instead of making it, so "
             "it uses about a third of the power of a resistive heater. Keep it upbeat.")
    script, warnings = draft_from_brief(brief, mode="explainer", aspect="16:9", locale="en-US")
    narrated = [scene.narration for scene in script.scenes]
    assert narrated[0] == "Here's how a heat pump heats a home."
    assert not any("Explain" in n or "upbeat" in n for n in narrated)
    assert script.title == "How a heat pump heats a home"
    assert any("Keep it upbeat." in w for w in warnings)
    # the opening slide is a title card; the next one names the point, not 'Cold outdoor air instead'
    assert script.scenes[0].on_screen_text == ["How a heat pump heats a home"]
    assert script.scenes[1].on_screen_text == ["A third of the power"]


def test_an_instruction_after_a_leading_clause_names_its_card() -> None:
    brief = ("Heat pumps cut power bills. Before you buy one, check your insulation and the unit's cold-weather "
             "rating.")
    script, _ = draft_from_brief(brief, mode="explainer", aspect="16:9", locale="en")
    assert script.scenes[1].on_screen_text == ["Check your insulation"]  # it read "Unit's cold-weather rating"


def test_other_languages_are_left_as_written() -> None:
    script, _ = draft_from_brief("Explain how sleep works. Sleep matters a lot for everyone.", mode="shorts",
                                 aspect="9:16", locale="de")
    assert script.scenes[0].narration.startswith("Explain how sleep works")


@pytest.mark.parametrize(("sentence", "seconds", "at_most"), [
    ("Make a 30 second video about sleep.", 30, False), ("Make a 45-second video about sleep.", 45, False),
    ("Make a thirty-second video about sleep.", 30, False), ("Make a one minute video about sleep.", 60, False),
    ("Aim for 45 seconds.", 45, False), ("Keep it under 30 seconds.", 30, True),
])
def test_the_length_a_brief_asks_for(sentence: str, seconds: float, at_most: bool) -> None:
    length = asked_length(sentence)
    assert length is not None and (length.seconds, length.at_most) == (seconds, at_most)


def test_a_length_is_read_only_from_requests_and_directions() -> None:
    assert read_brief(["Sleep 8 hours.", "Nap for 20 minutes."]).length is None
    assert asked_length("Keep it under a minute.") is None


def test_a_brief_asking_for_30_seconds_is_held_to_it() -> None:
    short = ("Make a 30 second video about three tips for better sleep. First, dim your screens an hour before bed. "
             "Second, keep your bedroom cool. Third, wake up at the same time every day.")
    _, warnings = draft_from_brief(short, mode="shorts", aspect="9:16", locale="en")
    assert any("the brief's 30 s needs about" in w and "not padded with silence" in w for w in warnings)
    long = "Make a video about sleep. Keep it under 10 seconds. " + " ".join(
        f"Habit number {i} changes how you sleep tonight." for i in range(2, 9))
    script, warnings = draft_from_brief(long, mode="shorts", aspect="9:16", locale="en")
    assert sum(scene.duration_sec for scene in script.scenes) <= 11
    assert any("left out to fit 10 s" in w for w in warnings)
    script, _ = draft_from_brief(long, mode="shorts", aspect="9:16", locale="en", duration=20)
    assert sum(scene.duration_sec for scene in script.scenes) > 15  # --duration wins over the brief's words


def test_a_number_in_the_topic_is_not_a_length() -> None:
    assert read_brief(["Explain the five-second rule.", "It is a myth."]).length is None
    assert read_brief(["Make a video about the 10-second rule."]).length is None
    nap = read_brief(["Explain how to nap in 20 minutes."])
    assert nap.length is None and nap.sentences == ["Here's how to nap in 20 minutes."]
    length = read_brief(["Show how to tie a tie in 30 seconds."]).length
    assert length is not None and length.seconds == 30  # 'in 30 seconds' is how it is told


def test_a_length_past_the_mode_limit_aims_at_the_limit() -> None:
    brief = "Make a 5 minute video about sleep. " + " ".join(
        f"Habit number {i} changes how you sleep tonight." for i in range(2, 9))
    _, warnings = draft_from_brief(brief, mode="shorts", aspect="9:16", locale="en")
    assert any("asks for 300 s; a shorts video is at most 180 s" in w for w in warnings)
    assert any("the brief's 180 s needs about" in w for w in warnings)



def test_a_request_said_as_its_own_title_gets_no_copy_card() -> None:
    brief = "Make a video explaining the five-second rule for dropped food. Bacteria move onto food within a second."
    script, _ = draft_from_brief(brief, mode="shorts", aspect="9:16", locale="en")
    hook = script.scenes[0]
    assert hook.narration == "The five-second rule for dropped food."
    assert hook.on_screen_text and all(not copies_narration(line, hook.narration) for line in hook.on_screen_text)


@pytest.mark.parametrize("text", ["", "   ", "?", "Explain.", "Make a video about", "Explain in simple terms."])
def test_empty_or_bare_requests_are_no_opening(text: str) -> None:
    assert spoken_opening(text) is None
