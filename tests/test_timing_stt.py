from __future__ import annotations

from pathlib import Path

import pytest

from reelforge.providers.timing import stt
from reelforge.providers.timing.words import finalize, script_words
from reelforge.providers.voice.piper import PiperProvider
from reelforge.providers.voice.registry import resolve_profile


def test_transcript_tokens_are_aligned_back_to_script_words() -> None:
    words = script_words("The state-of-the-art model runs 3.5 times faster.")
    transcript = [(" The", 0.0, 0.26), (" state", 0.26, 0.48), ("-of", 0.48, 0.66), ("-the", 0.66, 0.78),
                  ("-art", 0.78, 0.98), (" model", 0.98, 1.28), (" runs", 1.28, 1.58), (" 3", 1.58, 1.98),
                  (".5", 1.98, 2.58), (" times", 2.58, 2.94), (" faster.", 2.94, 3.34)]
    spans = stt.align_transcript(words, transcript)
    assert spans is not None
    assert spans[1] == pytest.approx((0.26, 0.98))
    assert spans[4] == pytest.approx((1.58, 2.58))
    assert spans[-1] == pytest.approx((2.94, 3.34))


def test_a_misheard_word_is_interpolated_and_the_rest_keep_their_times() -> None:
    words = script_words("Meet Zyxwq at noon today")
    transcript = [(" Meet", 0.0, 0.3), (" at", 0.9, 1.0), (" noon", 1.0, 1.4), (" today", 1.4, 1.9)]
    spans = stt.align_transcript(words, transcript)
    assert spans is not None and spans[1] is None
    final = finalize(words, spans, 0.0, 2.0)
    assert final[1].start_sec == pytest.approx(0.3) and final[1].end_sec == pytest.approx(0.9)
    assert final[3].start_sec == pytest.approx(1.0)


def test_whisper_only_transcribes_english() -> None:
    check = stt.available("de")
    assert not check.ok and "English" in check.reason


@pytest.mark.slow
def test_whisper_times_a_real_piper_wav(tmp_path: Path) -> None:
    assert stt.available().ok
    profile = resolve_profile("joe")
    assert profile is not None
    text = "Don't worry: one of the best tools in the U.S. costs nothing, and runs 3.5 times faster."
    synthesis = PiperProvider(profile).synthesize(text, tmp_path / "w.wav", speed=1.0)
    words = script_words(text)
    raw = stt.word_times(words, synthesis.wav_path)
    assert raw is not None
    assert sum(s is not None for s in raw) >= len(words) - 2
    spans = finalize(words, raw, 0.0, synthesis.duration_sec)
    assert [s.t for s in spans] == words
    assert spans[0].start_sec < 0.5 and spans[-1].end_sec > synthesis.duration_sec - 1.0
