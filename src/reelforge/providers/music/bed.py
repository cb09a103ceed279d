"""Key-free music beds: synthesize a mood's score to a 48 kHz stereo wav, mastered to a stated loudness.

Everything is numpy on the seeded generator: no samples, no downloads, no clock. The same (mood, seed,
seconds) give the same bytes. The beds are this project's own output and ship under its licence
(Apache-2.0, see README "Music beds"), so a video made with one carries no third-party music rights.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from reelforge.errors import InvalidInputError
from reelforge.providers.music import instruments as ins
from reelforge.providers.music.loudness import integrated_lufs, sample_peak_db
from reelforge.providers.music.moods import MOOD_NAMES, MOODS, Mood
from reelforge.providers.music.score import Note, make_plan, write_score
from reelforge.providers.voice.wavio import write_wav

PROVIDER_ID = "reelforge-synth"
GENERATOR_VERSION = "1"
LICENCE = "Apache-2.0 (reelforge's own synthesized output; no third-party samples or recordings)"
RATE = ins.RATE
TARGET_LUFS = -14.0
PEAK_CEILING_DB = -1.0
MAX_SECONDS = 600.0
_FADE_OUT_SEC = 1.0
_DRUMS = ("kick", "kick_soft", "snare", "snare_soft", "hat", "open_hat", "shaker", "cymbal")
_PUMPED = frozenset({"pad", "bass"})  # upbeat: ducked by the kick (sidechain pumping)


@dataclass(frozen=True)
class Bed:
    path: Path
    mood: str
    seed: int
    seconds: float
    lufs: float
    peak_db: float
    params: dict[str, Any]


def _rng(seed: int, mood: str, stream: str) -> np.random.Generator:
    digest = hashlib.sha256(f"music:{GENERATOR_VERSION}:{mood}:{stream}:{seed}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


class _Voices:
    """Renders notes; drum one-shots are drawn once per bed (four variants each) from the seeded noise."""

    def __init__(self, rng: np.random.Generator) -> None:
        makers: dict[str, Callable[[], np.ndarray]] = {
            "kick": lambda: ins.kick(rng), "kick_soft": lambda: ins.kick(rng, soft=True),
            "snare": lambda: ins.snare(rng), "snare_soft": lambda: ins.snare(rng, soft=True),
            "hat": lambda: ins.hat(rng), "open_hat": lambda: ins.hat(rng, open_hat=True),
            "shaker": lambda: ins.shaker(rng), "cymbal": lambda: ins.cymbal(rng),
        }
        self.hits = {name: [make() for _ in range(4)] for name, make in makers.items()}
        self.hammer = rng.standard_normal(RATE // 50)
        self.rng = rng
        self.count = 0
        self.cache: dict[tuple[str, float, float], np.ndarray] = {}

    def render(self, note: Note) -> np.ndarray:
        self.count += 1
        if note.voice in self.hits:
            return self.hits[note.voice][self.count % 4]
        # Progressions repeat every few bars, so most tonal notes recur exactly: render each once.
        key = (note.voice, note.pitch, round(note.seconds, 3))
        cached = self.cache.get(key)
        if cached is None:
            cached = self.cache[key] = self._tone(note).astype(np.float32)
        return cached

    def _tone(self, note: Note) -> np.ndarray:
        freq = ins.midi_hz(note.pitch)
        phase = (note.pitch * 0.618) % 1.0
        match note.voice:
            case "pad":
                return ins.pad(freq, note.seconds, detune_cents=7.0, phase=phase)
            case "strings":
                return ins.strings(freq, note.seconds, phase=phase)
            case "pluck":
                return ins.pluck(freq, note.seconds)
            case "bell":
                return ins.bell(freq, note.seconds)
            case "epiano":
                return ins.epiano(freq, note.seconds)
            case "piano":
                return ins.piano(freq, note.seconds, noise=self.hammer)
            case "bass":
                return ins.bass(freq, note.seconds)
            case "bass_round":
                return ins.bass(freq, note.seconds, round_tone=True)
            case "timpani":
                return ins.timpani(freq, self.rng)
        raise ValueError(f"unknown voice {note.voice}")


def _reverb_ir(rng: np.random.Generator, seconds: float) -> np.ndarray:
    """A stereo room tail: decorrelated noise decaying by 60 dB over ``seconds``, darker as it decays."""
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    tail = rng.standard_normal((n, 2)) * np.exp(-6.9 * t / seconds)[:, None]
    spectrum = np.fft.rfft(tail, axis=0)
    freqs = np.fft.rfftfreq(n, 1 / RATE)
    spectrum *= (1 / (1 + (freqs / 5000.0) ** 2))[:, None]
    ir = np.fft.irfft(spectrum, n, axis=0)
    ir[: int(0.012 * RATE)] = 0.0  # pre-delay keeps the dry attack clear
    return ir / np.sqrt(np.sum(ir**2, axis=0, keepdims=True))


def _convolve(signal: np.ndarray, ir: np.ndarray) -> np.ndarray:
    n = signal.shape[0] + ir.shape[0] - 1
    size = 1 << (n - 1).bit_length()
    out = np.fft.irfft(np.fft.rfft(signal, size, axis=0) * np.fft.rfft(ir, size, axis=0), size, axis=0)
    return out[: signal.shape[0]]


def _pump(starts: list[float], n: int, depth: float = 0.45, recover: float = 0.16) -> np.ndarray:
    gain = np.ones(n)
    length = int(recover * 4 * RATE)
    shape = 1 - depth * np.exp(-np.arange(length) / (recover * RATE))
    for start in starts:
        i = int(start * RATE)
        seg = gain[i:i + length]
        np.minimum(seg, shape[: seg.size], out=seg)
    return gain


def _soft_limit(x: np.ndarray, ceiling: float) -> np.ndarray:
    """Linear up to 70 % of the ceiling, then a tanh knee that never exceeds it."""
    knee = 0.7 * ceiling
    over = np.abs(x) > knee
    out = x.copy()
    excess = np.abs(x[over]) - knee
    out[over] = np.sign(x[over]) * (knee + (ceiling - knee) * np.tanh(excess / (ceiling - knee)))
    return out


def synthesize(mood_name: str, seed: int, seconds: float) -> tuple[np.ndarray, dict[str, Any]]:
    """Float stereo samples (n, 2) of a bed exactly ``seconds`` long, not yet mastered, and its plan."""
    mood: Mood = MOODS[mood_name]
    plan = make_plan(mood, _rng(seed, mood_name, "plan"), seconds)
    notes = write_score(plan, _rng(seed, mood_name, "score"))
    voices = _Voices(_rng(seed, mood_name, "voices"))
    n = round(seconds * RATE)
    pad = int(4 * RATE)
    dry = np.zeros((n + pad, 2))
    pumped = np.zeros((n + pad, 2))
    send = np.zeros((n + pad, 2))
    for note in notes:
        start = int(note.start * RATE)
        if start >= n:
            continue
        mono = voices.render(note)[: n + pad - start] * note.gain
        angle = (note.pan + 1) * np.pi / 4
        stereo = mono[:, None] * np.array([np.cos(angle), np.sin(angle)])
        target = pumped if (mood.name == "upbeat" and note.voice in _PUMPED) else dry
        target[start:start + mono.size] += stereo
        if note.send > 0:
            send[start:start + mono.size] += stereo * note.send
    if mood.name == "upbeat":
        kicks = [note.start for note in notes if note.voice == "kick"]
        gain = _pump(kicks, n + pad)[:, None]
        dry += pumped * gain
    if mood.name == "lofi":
        crackle = ins.vinyl(_rng(seed, mood_name, "vinyl"), n + pad)
        dry += np.stack([crackle, np.roll(crackle, 331)], axis=1) * 0.05
    wet = _convolve(send, _reverb_ir(_rng(seed, mood_name, "reverb"), mood.reverb_sec))
    mix = (dry + 0.35 * wet)[:n]
    mix -= mix.mean(axis=0, keepdims=True)
    fade = min(n, int(_FADE_OUT_SEC * RATE))
    mix[n - fade:] *= np.linspace(1.0, 0.0, fade)[:, None]
    mix[: int(0.01 * RATE)] *= np.linspace(0.0, 1.0, int(0.01 * RATE))[:, None]
    params = {"mood": mood.name, "description": mood.description, **plan.to_json(), "notes": len(notes)}
    return mix, params


def master(mix: np.ndarray) -> np.ndarray:
    """Gain to TARGET_LUFS, then a soft limiter under PEAK_CEILING_DB."""
    lufs = integrated_lufs(mix)
    if not np.isfinite(lufs):
        raise ValueError("the synthesized bed is silent")
    out = mix * 10 ** ((TARGET_LUFS - lufs) / 20)
    return _soft_limit(out, 10 ** (PEAK_CEILING_DB / 20))


def make_bed(mood: str, seed: int, seconds: float, out: Path) -> Bed:
    """Write ``out`` (16-bit 48 kHz stereo wav) and measure what was written."""
    if mood not in MOODS:
        raise InvalidInputError(f"music mood {mood!r} is not one of {', '.join(MOOD_NAMES)}",
                                hint=f"pass --music {' | '.join(MOOD_NAMES)} | none | PATH")
    if not 1.0 <= seconds <= MAX_SECONDS:
        raise InvalidInputError(f"music bed length {seconds:.1f}s is outside 1..{MAX_SECONDS:.0f}s",
                                hint="this is the video's length; check the script's durations")
    mix, params = synthesize(mood, seed, seconds)
    pcm = np.round(np.clip(master(mix), -1.0, 1.0) * 32767).astype(np.int16)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_wav(out, pcm, RATE)
    written = pcm.astype(np.float64) / 32768
    lufs = round(integrated_lufs(written), 2)
    peak = round(sample_peak_db(written), 2)
    params.update({"generator": f"{PROVIDER_ID} v{GENERATOR_VERSION}", "licence": LICENCE, "seed": seed,
                   "seconds": round(pcm.shape[0] / RATE, 3), "sampleRate": RATE, "lufs": lufs,
                   "samplePeakDb": peak, "targetLufs": TARGET_LUFS})
    return Bed(out, mood, seed, pcm.shape[0] / RATE, lufs, peak, params)
