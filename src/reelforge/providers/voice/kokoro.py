"""Kokoro-82M through kokoro-onnx, offline, from a model file and a voices file the user supplies.

Nothing is downloaded: ``REELFORGE_KOKORO_MODEL`` names the ``.onnx`` (e.g. ``kokoro-v1.0.onnx`` or its int8
export) and ``REELFORGE_KOKORO_VOICES`` the voices file (``voices-v1.0.bin``, an npz of style vectors);
``--voice kokoro:<voice>`` picks a voice in it (``af_heart``, ``jf_alpha``...). The voice name's first letter
is its language (Kokoro's convention), which the locale check and espeak's phonemizer both use. Exports
with a ``duration`` output report phoneme times (tts-native timing); others are timed by the stt chain.

kokoro-onnx phonemizes with espeak-ng, which reads every kanji as "Chinese letter"; Kokoro's Japanese voices
were trained on a proper Japanese reading (misaki + a morphological analyser), so Japanese narration is
refused here rather than read as gibberish.
"""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from reelforge.config import environ_value
from reelforge.errors import InvalidInputError, NotFoundError, ProviderUnavailableError
from reelforge.providers.voice.base import Availability, PhonemeSpan, Synthesis, VoiceInfo, VoiceOptions
from reelforge.providers.voice.hosted import EngineVoice, unknown_voice
from reelforge.providers.voice.piper import MAX_SPEED, MIN_SPEED, model_sha256
from reelforge.providers.voice.registry import VoiceProfile
from reelforge.providers.voice.wavio import write_wav

ENGINE = "kokoro"
MODEL_ENV = "REELFORGE_KOKORO_MODEL"
VOICES_ENV = "REELFORGE_KOKORO_VOICES"
INSTALL = "pip install 'reelforge[kokoro]'"
# Kokoro voice prefix -> (BCP 47 language, espeak-ng language for kokoro-onnx's phonemizer)
LANGUAGES = {"a": ("en-US", "en-us"), "b": ("en-GB", "en-gb"), "e": ("es", "es"), "f": ("fr-FR", "fr-fr"),
             "h": ("hi", "hi"), "i": ("it", "it"), "j": ("ja", "ja"), "p": ("pt-BR", "pt-br"), "z": ("zh", "cmn")}
GENDERS = {"f": "female", "m": "male"}
FETCH_HINT = ("download kokoro-v1.0.onnx (or kokoro-v1.0.int8.onnx) and voices-v1.0.bin from the kokoro-onnx "
              f"releases yourself, then export {MODEL_ENV}=/path/kokoro-v1.0.onnx {VOICES_ENV}=/path/voices-v1.0.bin")

_LOCK = threading.Lock()
_ENGINES: dict[tuple[str, str], Any] = {}


def model_files() -> tuple[Path, Path]:
    """The model and voices files the user named; exit 3 naming the variable or the missing file."""
    model, voices = environ_value(MODEL_ENV), environ_value(VOICES_ENV)
    for name, value in ((MODEL_ENV, model), (VOICES_ENV, voices)):
        if not value:
            raise NotFoundError(f"Kokoro needs a model file and a voices file: {name} is not set",
                                hint=FETCH_HINT)
    paths = (Path(str(model)).expanduser(), Path(str(voices)).expanduser())
    for name, path in zip((MODEL_ENV, VOICES_ENV), paths, strict=True):
        if not path.is_file():
            raise NotFoundError(f"Kokoro {'model' if name == MODEL_ENV else 'voices'} file not found: {path} "
                                f"(from {name})", hint=FETCH_HINT, file=str(path))
    return paths


def voice_names(voices: Path) -> list[str]:
    """The voices in a voices file (an npz), read without loading the model; exit 4 when it is not one."""
    try:
        with np.load(voices) as data:
            return sorted(data.files)
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise InvalidInputError(f"{voices} is not a Kokoro voices file (an npz of style vectors): {exc}",
                                hint=f"point {VOICES_ENV} at voices-v1.0.bin from the kokoro-onnx releases",
                                file=str(voices)) from None


def language_of(voice: str) -> tuple[str, str]:
    found = LANGUAGES.get(voice[:1].lower())
    if found is None or len(voice) < 3 or voice[2] != "_":
        raise InvalidInputError(f"{voice!r} is not a Kokoro voice name (language letter, gender letter, '_', "
                                "name: af_heart, jf_alpha)", hint="run `reelforge voices` and pass --voice "
                                "kokoro:<voice>")
    return found


def _load(model: Path, voices: Path) -> Any:
    """One kokoro-onnx engine per model and voices file per process (loading takes seconds)."""
    try:
        from kokoro_onnx import Kokoro
    except ImportError:
        raise ProviderUnavailableError("kokoro-onnx is not installed", hint=INSTALL) from None
    key = (str(model.resolve()), str(voices.resolve()))
    with _LOCK:
        engine = _ENGINES.get(key)
    if engine is not None:
        return engine
    try:  # loaded outside _LOCK, which must never be held across an import (onnxruntime imports lazily)
        engine = Kokoro(str(model), str(voices))
    except Exception as exc:  # onnxruntime and numpy raise their own types for a bad file
        raise ProviderUnavailableError(
            f"Kokoro could not load model {model} with voices {voices}: {type(exc).__name__}: {exc}",
            hint=f"check that {MODEL_ENV} is a Kokoro .onnx export and {VOICES_ENV} its voices file; "
                 + FETCH_HINT) from None
    with _LOCK:
        return _ENGINES.setdefault(key, engine)


class KokoroVoice(EngineVoice):
    """One Kokoro voice from the user's voices file, synthesized on this machine."""

    engine = ENGINE
    offline = True

    def __init__(self, profile: VoiceProfile, *, variation: bool = False,
                 options: VoiceOptions | None = None) -> None:
        super().__init__(profile, variation=variation, options=options)
        self.espeak = language_of(profile.voice_id)[1]

    # ---- the engine side (class-level, no network)

    @classmethod
    def profile_for(cls, voice: str, options: VoiceOptions) -> VoiceProfile:
        language = language_of(voice)[0]
        model, voices = model_files()
        names = voice_names(voices)
        if voice not in names:
            raise unknown_voice("Kokoro", voice, names)
        return VoiceProfile(id=f"{ENGINE}:{voice}", engine=ENGINE, model_path=model, config_path=voices,
                            language=language, voice_id=voice, offline=True,
                            provenance=f"Kokoro-82M (kokoro-onnx) from {model.name} and {voices.name}",
                            identity={"voice": voice})

    @classmethod
    def usd_per_1k_chars(cls, options: VoiceOptions) -> float:
        return 0.0

    @classmethod
    def list_voices(cls, options: VoiceOptions) -> list[VoiceInfo]:
        """The voices of the user's voices file; until both files are named, the error that says how (the
        voice listing shows it as the engine's status)."""
        _, voices = model_files()
        names = voice_names(voices)
        rows = []
        for name in names:
            lang = LANGUAGES.get(name[:1])
            rows.append(VoiceInfo(engine=ENGINE, voice=name, name=name, locales=(lang[0],) if lang else (),
                                  gender=GENDERS.get(name[1:2], ""), offline=True, model=voices.name))
        return rows

    # ---- one voice

    def available(self) -> Availability:
        try:
            import kokoro_onnx  # noqa: F401
        except ImportError:
            return Availability(False, "kokoro-onnx is not installed", INSTALL)
        try:
            model_files()
        except NotFoundError as exc:
            return Availability(False, exc.message, exc.hint)
        return Availability(True)

    def phonemize_word(self, word: str) -> str:
        model, voices = model_files()
        return str(_load(model, voices).tokenizer.phonemize(word, self.espeak))

    def synthesize(self, text: str, out_wav: Path, *, speed: float) -> Synthesis:
        if not MIN_SPEED <= speed <= MAX_SPEED:
            raise InvalidInputError(f"speed {speed} is outside {MIN_SPEED}..{MAX_SPEED}",
                                    hint=f"pass --speed between {MIN_SPEED} and {MAX_SPEED}")
        if self.espeak == "ja":
            raise ProviderUnavailableError(
                f"Kokoro voice {self.profile.voice_id} cannot read Japanese here: kokoro-onnx's espeak-ng "
                "phonemizer reads kanji as 'Chinese letter', not as Japanese",
                hint="pick another Japanese voice (`reelforge voices --locale ja`), e.g. a hosted one")
        model, voices = model_files()
        engine = _load(model, voices)
        try:
            audio, rate, timed = engine.create_timed(text, voice=self.profile.voice_id, speed=speed,
                                                     lang=self.espeak)
        except ValueError as exc:  # kokoro-onnx: unknown voice, nothing to synthesize
            raise InvalidInputError(f"Kokoro could not read this narration: {exc}",
                                    hint="check the voice and the narration text") from None
        samples = (np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0) * 32767).astype(np.int16)
        write_wav(out_wav, samples, int(rate))
        spans = [PhonemeSpan(t.phoneme, float(t.start), float(t.end)) for t in timed] or None
        params = {"voice": self.profile.id, "engine": ENGINE, "model": model.name,
                  "modelSha256": model_sha256(model), "voices": voices.name, "language": self.profile.language,
                  "espeak": self.espeak, "speed": speed, "characters": len(text), "usdPer1kChars": 0.0}
        return Synthesis(wav_path=out_wav, sample_rate=int(rate), duration_sec=len(samples) / int(rate),
                         alignments=spans, params=params, timing_provider="kokoro-durations" if spans else "")
