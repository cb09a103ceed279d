from __future__ import annotations

from pathlib import Path

import pytest

from reelforge.providers.timing import tts_native
from reelforge.providers.timing.align import Unit, project
from reelforge.providers.timing.words import finalize, script_words
from reelforge.providers.voice.base import PhonemeSpan
from reelforge.providers.voice.piper import PiperProvider
from reelforge.providers.voice.registry import resolve_profile


def _units(groups: list[str], step: float = 0.1) -> list[Unit]:
    out: list[Unit] = []
    t = 0.0
    for g, text in enumerate(groups):
        for ch in text:
            out.append(Unit(ch, t, t + step, g))
            t += step
        t += step  # a pause between stream words
    return out


def test_projection_splits_a_merged_group_over_its_words() -> None:
    # espeak says "of the" as one word: the stream has one group for two script words
    proj = project(["kʌt", "ʌv", "ðə", "tɑp"], _units(["kʌt", "ʌvðə", "tɑp"]))
    assert proj.matched_share == 1.0
    cut, of, the, top = proj.spans
    assert of is not None and the is not None and cut is not None and top is not None
    assert of[1] == pytest.approx(the[0])
    assert cut[1] < of[0] and the[1] < top[0]


def test_projection_lets_one_word_cover_several_stream_groups() -> None:
    proj = project(["θɹiːpɔɪntfaɪv", "taɪmz"], _units(["θɹiː", "pɔɪnt", "faɪv", "taɪmz"]))
    three_point_five = proj.spans[0]
    assert three_point_five is not None
    assert three_point_five == pytest.approx((0.0, 1.5))


def test_projection_gives_inserted_phonemes_to_their_stream_word() -> None:
    # the sentence says "twɛntiʲ" where the lone word said "twɛnti": the extra phoneme stays with "twenty"
    proj = project(["twɛnti", "ɔn"], _units(["twɛntiʲ", "ɔn"]))
    twenty, on = proj.spans
    assert twenty == pytest.approx((0.0, 0.7)) and on is not None and on[0] == pytest.approx(0.8)


def test_stress_marks_lend_their_time_to_the_next_phoneme() -> None:
    spans = [PhonemeSpan("^", 0.0, 0.05), PhonemeSpan("ˈ", 0.05, 0.1), PhonemeSpan("a", 0.1, 0.2),
             PhonemeSpan(" ", 0.2, 0.25), PhonemeSpan("b", 0.25, 0.3), PhonemeSpan("$", 0.3, 0.32)]
    units = tts_native.units_from_alignments(spans)
    assert [(u.ch, u.start_sec, u.group) for u in units] == [("a", 0.05, 1), ("b", 0.25, 2)]


TRICKY = ("The state-of-the-art model is 3.5 times faster in the U.S. market. Don't settle for less: "
          "one of the best, on 12/05/2024, for $20!")


def test_tts_native_times_every_word_of_tricky_text(tmp_path: Path) -> None:
    profile = resolve_profile("joe")
    assert profile is not None
    provider = PiperProvider(profile)
    synthesis = provider.synthesize(TRICKY, tmp_path / "t.wav", speed=1.0)
    assert synthesis.alignments is not None
    words = script_words(TRICKY)
    raw = tts_native.word_times(words, synthesis.alignments, provider.phonemize_word)
    assert raw is not None
    assert all(span is not None for span in raw), [w for w, s in zip(words, raw, strict=True) if s is None]
    spans = finalize(words, raw, 0.0, synthesis.duration_sec)
    assert [s.t for s in spans] == words
    by_word = {s.t: s for s in spans}
    # a number read as three words, and a word spelled with hyphens, take proportionally long
    assert by_word["3.5"].end_sec - by_word["3.5"].start_sec > 0.5
    assert by_word["state-of-the-art"].end_sec - by_word["state-of-the-art"].start_sec > 0.5
    assert by_word["U.S."].end_sec - by_word["U.S."].start_sec > 0.2
    of, the = spans[words.index("of", 10)], spans[words.index("of", 10) + 1]
    assert the.t == "the" and of.end_sec <= the.start_sec
    assert spans[-1].end_sec <= synthesis.duration_sec


def test_poor_alignment_is_refused_so_the_caller_falls_back() -> None:
    spans = [PhonemeSpan("x", 0.0, 0.1), PhonemeSpan("q", 0.1, 0.2)]
    assert tts_native.word_times(["hello", "world"], spans, lambda w: "hɛloʊ" if w == "hello" else "wɜːld") is None
