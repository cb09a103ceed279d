"""tts-native timing: Piper's phoneme alignments mapped back to the script's words.

Each script word is phonemized on its own (same espeak voice) and the concatenation is aligned with the
phonemes Piper actually spoke. Stress marks carry their own duration in Piper's alignments; they belong to
the syllable after them, so their time is given to the next phoneme. Spaces, punctuation and the BOS/EOS/PAD
symbols are pauses that no word owns.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

from reelforge.providers.timing.align import Unit, project
from reelforge.providers.voice.base import PhonemeSpan

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
