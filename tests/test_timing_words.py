from __future__ import annotations

import pytest

from reelforge.providers.timing import estimate
from reelforge.providers.timing.words import finalize, script_words, word_key


def _check(spans: list, lo: float, hi: float) -> None:
    prev = lo
    for s in spans:
        assert s.start_sec >= prev - 1e-9
        assert s.end_sec > s.start_sec
        assert s.end_sec <= hi + 1e-9
        prev = s.end_sec


def test_script_words_keep_punctuation_and_glue_dashes() -> None:
    assert script_words("Hello, world — it's 3.5x faster!  ") == ["Hello,", "world —", "it's", "3.5x", "faster!"]
    assert script_words("... wait & see") == ["... wait &", "see"]
    assert script_words("   ") == []


def test_script_words_split_cjk_per_character() -> None:
    assert script_words("你好，世界") == ["你", "好，", "世", "界"]


def test_word_key_is_letters_and_digits() -> None:
    assert word_key("Don't,") == "dont"
    assert word_key("U.S.") == "us"
    assert word_key("3.5") == "35"


def test_finalize_fills_unknown_words_between_neighbours() -> None:
    words = ["one", "two", "three", "four"]
    spans = finalize(words, [(0.1, 0.3), None, None, (1.0, 1.2)], 0.0, 2.0)
    _check(spans, 0.0, 2.0)
    assert [s.t for s in spans] == words
    assert spans[1].start_sec == pytest.approx(0.3) and spans[2].end_sec == pytest.approx(1.0)


def test_finalize_clamps_zero_overlapping_and_outside_spans() -> None:
    words = ["a", "b", "c", "d"]
    raw = [(-0.5, -0.2), (0.5, 0.5), (0.4, 0.45), (3.0, 9.0)]
    spans = finalize(words, raw, 0.0, 2.0)
    _check(spans, 0.0, 2.0)
    assert all(s.end_sec - s.start_sec >= 0.029 for s in spans)


def test_finalize_makes_room_when_unknown_words_have_no_gap() -> None:
    words = ["x", "y", "z"]
    spans = finalize(words, [(0.0, 1.0), None, (1.0, 2.0)], 0.0, 2.0)
    _check(spans, 0.0, 2.0)
    assert spans[1].end_sec - spans[1].start_sec >= 0.029


def test_finalize_crowded_window_still_orders_every_word() -> None:
    words = [f"w{i}" for i in range(50)]
    spans = finalize(words, [None] * 50, 1.0, 1.2)
    _check(spans, 1.0, 1.2)
    assert len(spans) == 50


def test_estimate_is_proportional_to_letters() -> None:
    guess = estimate.word_times(["a", "abcdefg"], 0.0, 1.0)
    assert guess[0] is not None and guess[1] is not None
    assert guess[1][1] - guess[1][0] == pytest.approx(4 * (guess[0][1] - guess[0][0]))
    assert estimate.speech_seconds(["hello", "world"], speed=2.0) == pytest.approx(
        estimate.speech_seconds(["hello", "world"]) / 2)
