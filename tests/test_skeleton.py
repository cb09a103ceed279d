from __future__ import annotations

import pytest

from reelforge.errors import InvalidInputError
from reelforge.pipeline.skeleton import WORDS_PER_SECOND, skeleton_script

BRIEF = ("Most people sleep badly because of light. Dim the screens an hour before bed. Keep the room cool, "
         "around eighteen degrees. Wake up at the same time every day, even on weekends. Your body will thank you.")


def test_deterministic_and_covers_every_sentence() -> None:
    a = skeleton_script(BRIEF, mode="shorts", aspect="9:16", locale="en")
    b = skeleton_script(BRIEF, mode="shorts", aspect="9:16", locale="en")
    assert a.to_json_dict() == b.to_json_dict()
    assert " ".join(s.narration for s in a.scenes) == BRIEF
    assert 2 <= len(a.scenes) <= 6
    assert [s.id for s in a.scenes] == [f"scene-{i:02d}" for i in range(1, len(a.scenes) + 1)]
    assert a.scenes[-1].transition is None


def test_durations_follow_word_counts() -> None:
    script = skeleton_script(BRIEF, mode="shorts", aspect="9:16", locale="en")
    for scene in script.scenes:
        assert scene.duration_sec >= len(scene.narration.split()) / WORDS_PER_SECOND


def test_duration_flag_scales_the_total() -> None:
    script = skeleton_script(BRIEF, mode="shorts", aspect="9:16", locale="en", duration=40)
    assert sum(s.duration_sec for s in script.scenes) == pytest.approx(40, abs=0.1)


def test_empty_brief_is_invalid() -> None:
    with pytest.raises(InvalidInputError):
        skeleton_script("   ", mode="shorts", aspect="9:16", locale="en")


def test_one_line_brief_makes_one_scene() -> None:
    script = skeleton_script("Three tips for better sleep", mode="shorts", aspect="9:16", locale="en")
    assert len(script.scenes) == 1 and script.title == "Three tips for better sleep"
