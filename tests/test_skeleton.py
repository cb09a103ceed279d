from __future__ import annotations

import pytest

from reelforge.errors import InvalidInputError
from reelforge.pipeline.skeleton import skeleton_script
from reelforge.text.speech_rate import scene_seconds

BRIEF = ("Most people sleep badly because of light. Dim the screens an hour before bed. Keep the room cool, "
         "around eighteen degrees. Wake up at the same time every day, even on weekends. Your body will thank you.")


def test_deterministic_and_covers_every_sentence() -> None:
    a = skeleton_script(BRIEF, mode="shorts", aspect="9:16", locale="en")
    b = skeleton_script(BRIEF, mode="shorts", aspect="9:16", locale="en")
    assert a.to_json_dict() == b.to_json_dict()
    assert " ".join(s.narration for s in a.scenes) == BRIEF
    assert len(a.scenes) == 5  # one idea (sentence) per scene
    assert [s.id for s in a.scenes] == [f"scene-{i:02d}" for i in range(1, len(a.scenes) + 1)]
    assert a.scenes[-1].transition is None


def test_durations_follow_word_counts_at_the_measured_pace() -> None:
    script = skeleton_script(BRIEF, mode="shorts", aspect="9:16", locale="en")
    for scene in script.scenes:
        assert scene.duration_sec == scene_seconds(scene.narration)


def test_duration_flag_is_met_by_choosing_not_by_silence() -> None:
    full = skeleton_script(BRIEF, mode="shorts", aspect="9:16", locale="en")
    short = skeleton_script(BRIEF, mode="shorts", aspect="9:16", locale="en", duration=8)
    total = sum(s.duration_sec for s in short.scenes)
    assert 8 * 0.9 - 1e-6 <= total <= 8 * 1.1 + 1e-6 and len(short.scenes) < len(full.scenes)
    assert short.scenes[0].narration == full.scenes[0].narration  # the hook is never dropped
    for scene in short.scenes:  # no scene is longer than its speech plus a breath
        assert scene.duration_sec == scene_seconds(scene.narration)


def test_empty_brief_is_invalid() -> None:
    with pytest.raises(InvalidInputError):
        skeleton_script("   ", mode="shorts", aspect="9:16", locale="en")


def test_one_line_brief_makes_one_scene() -> None:
    script = skeleton_script("Three tips for better sleep", mode="shorts", aspect="9:16", locale="en")
    assert len(script.scenes) == 1 and script.title == "Three tips for better sleep"
