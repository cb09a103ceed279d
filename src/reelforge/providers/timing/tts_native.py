"""tts-native timing: the engine's own alignments mapped back to the script's words.

Hosted engines report the text they spoke with times (ElevenLabs per character, word-boundary engines per
word): each span's letters are spread over its time and aligned, letter for letter, with the script's words
(the same projection the STT path uses), so scripts without spaces (Japanese, Chinese) map per character.

Piper reports phonemes:
Each script word is phonemized on its own (same espeak voice) and the concatenation is aligned with the
phonemes Piper actually spoke. Stress marks carry their own duration in Piper's alignments; they belong to
the syllable after them, so their time is given to the next phoneme. Spaces, punctuation and the BOS/EOS/PAD
symbols are pauses that no word owns.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

from reelforge.providers.timing.align import Unit, project
from reelforge.providers.timing.words import word_key
from reelforge.providers.voice.base import PhonemeSpan, TextSpan

PROVIDER_ID = "piper-alignments"
MIN_MATCHED_SHARE = 0.5
_STRESS = {"ˈ", "ˌ"}
_SILENT = {"^", "$", "_", " "}


def _is_key(ch: str) -> bool:
    return ch not in _STRESS and ch not in _SILENT and unicodedata.category(ch)[0] not in ("P", "Z", "S")


def phoneme_key(phonemes: str) -> str:
    """The characters of a phoneme string that take part in matching."""
    return "".join(ch for ch in unicodedata.normalize("NFD", phonemes) if _is_key(ch))


def units_from_alignments(alignments: Sequence[PhonemeSpan]) -> list[Unit]:
    units: list[Unit] = []
    group = 0
    pending: float | None = None
    for span in alignments:
        ch = span.phoneme
        if ch in _STRESS:
            pending = span.start_sec if pending is None else pending
            continue
        if not _is_key(ch):
            group += 1
            pending = None
            continue
        start = span.start_sec if pending is None else pending
        units.append(Unit(ch, start, span.end_sec, group))
        pending = None
    return units


def word_times(words: Sequence[str], alignments: Sequence[PhonemeSpan],
               phonemize_word: Callable[[str], str]) -> list[tuple[float, float] | None] | None:
    """Per-word (start, end) in seconds of the wav, None for words left unmatched; None overall when the
    alignment is too poor to trust (then the caller falls back to stt)."""
    keys = [phoneme_key(phonemize_word(w)) for w in words]
    projection = project(keys, units_from_alignments(alignments))
    if projection.matched_share < MIN_MATCHED_SHARE:
        return None
    return projection.spans


def units_from_text_spans(spans: Sequence[TextSpan]) -> list[Unit]:
    """Each span's letters and digits (as ``word_key`` keeps them) spread evenly over the span; whitespace
    and punctuation spans end a group (a word boundary)."""
    units: list[Unit] = []
    group = 0
    for span in spans:
        letters = word_key(span.text)
        if not letters:
            group += 1
            continue
        step = max(span.end_sec - span.start_sec, 0.0) / len(letters)
        for k, ch in enumerate(letters):
            units.append(Unit(ch, span.start_sec + k * step, span.start_sec + (k + 1) * step, group))
        if len(span.text.strip()) > 1:  # a word-boundary span is a word of its own
            group += 1
    return units


def word_times_from_text(words: Sequence[str], spans: Sequence[TextSpan]
                         ) -> list[tuple[float, float] | None] | None:
    """Per-word (start, end) from an engine's character or word spans; None when too little matched."""
    projection = project([word_key(w) for w in words], units_from_text_spans(spans))
    if projection.matched_share < MIN_MATCHED_SHARE:
        return None
    return projection.spans
