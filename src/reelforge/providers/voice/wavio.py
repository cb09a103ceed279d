"""16-bit PCM wav in and out, resampling (libswresample via PyAV) and speech bounds."""

from __future__ import annotations

import struct
import wave
from pathlib import Path

import numpy as np

from reelforge.errors import InvalidInputError
from reelforge.workspace.atomic import write_parts_atomic


def _wav_parts(samples: np.ndarray, rate: int) -> tuple[bytes, memoryview]:
    """The 44-byte PCM header (the one the wave module writes) and the sample bytes as a view of the array,
    not a copy."""
    data = np.ascontiguousarray(samples, dtype="<i2")
    channels = 1 if data.ndim == 1 else data.shape[1]
    size = data.nbytes
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + size, b"WAVE", b"fmt ", 16, 1, channels, rate,
                         rate * channels * 2, channels * 2, 16, b"data", size)
    return header, memoryview(data.reshape(-1)).cast("B")


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    """Encode int16 samples, shape (n,) mono or (n, channels), as a wav file."""
    header, data = _wav_parts(samples, rate)
    return header + data.tobytes()


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    write_parts_atomic(path, _wav_parts(samples, rate))


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Read a 16-bit wav as int16, shape (n,) for mono or (n, channels)."""
    try:
        with wave.open(str(path), "rb") as src:
            if src.getsampwidth() != 2:
                raise InvalidInputError(f"{path} is not 16-bit PCM", hint="re-synthesize the narration",
                                        file=str(path))
            channels = src.getnchannels()
            rate = src.getframerate()
            raw = src.readframes(src.getnframes())
    except (wave.Error, EOFError) as exc:
        raise InvalidInputError(f"{path} is not a readable wav: {exc}", hint="re-synthesize the narration",
                                file=str(path)) from None
    data = np.frombuffer(raw, dtype="<i2").astype(np.int16)
    return (data if channels == 1 else data.reshape(-1, channels)), rate


def resample_mono_to_stereo(samples: np.ndarray, rate: int, out_rate: int) -> np.ndarray:
    """Mono int16 at ``rate`` -> stereo int16 (n, 2) at ``out_rate`` (deterministic libswresample)."""
    import av

    if samples.size == 0:
        return np.zeros((0, 2), dtype=np.int16)
    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples, dtype=np.int16).reshape(1, -1),
                                       format="s16", layout="mono")
    frame.sample_rate = rate
    frame.pts = 0
    resampler = av.AudioResampler(format="s16", layout="stereo", rate=out_rate)
    chunks = [f.to_ndarray().reshape(-1, 2) for f in [*resampler.resample(frame), *resampler.resample(None)]]
    return np.concatenate(chunks).astype(np.int16) if chunks else np.zeros((0, 2), dtype=np.int16)


def speech_bounds(samples: np.ndarray, rate: int, *, threshold: float = 0.01) -> tuple[float, float]:
    """First and last moment the signal exceeds ``threshold`` of full scale; the whole wav if it never does."""
    mono = samples if samples.ndim == 1 else samples.mean(axis=1)
    loud = np.flatnonzero(np.abs(mono.astype(np.float64)) > threshold * 32767)
    if loud.size == 0:
        return 0.0, samples.shape[0] / rate
    return float(loud[0]) / rate, float(loud[-1] + 1) / rate
