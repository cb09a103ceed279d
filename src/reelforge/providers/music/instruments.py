"""Instrument voices for the music beds: each returns one note (or hit) as mono float64 at 48 kHz.

Tones are band-limited: wavetables hold only harmonics below Nyquist for the note's pitch, and the
additive voices drop partials above it, so high notes do not alias. Noise for the drums comes from the
caller's seeded generator, so a bed is a pure function of (mood, seed, length).
"""

from __future__ import annotations

import numpy as np

RATE = 48000
_TABLE = 2048


def midi_hz(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def _t(n: int) -> np.ndarray:
    return np.arange(n) / RATE


def _table(freq: float, slope: float, harmonics: int, odd_only: bool = False) -> np.ndarray:
    """One cycle of sum(k^-slope * sin(2 pi k x)), partials kept below 0.45 * RATE."""
    x = np.arange(_TABLE) / _TABLE
    table = np.zeros(_TABLE)
    top = max(1, min(harmonics, int(0.45 * RATE / max(freq, 1.0))))
    for k in range(1, top + 1):
        if odd_only and k % 2 == 0:
            continue
        table += np.sin(2 * np.pi * k * x) / k**slope
    return table / np.max(np.abs(table))


def _read(table: np.ndarray, phase: np.ndarray) -> np.ndarray:
    pos = (phase % 1.0) * _TABLE
    i = pos.astype(np.int64)
    frac = pos - i
    return table[i % _TABLE] * (1 - frac) + table[(i + 1) % _TABLE] * frac


def envelope(n: int, attack: float, release: float, hold: int | None = None) -> np.ndarray:
    """Linear attack, flat, then a cosine release over the last ``release`` s (``hold``: samples before it)."""
    env = np.ones(n)
    a = min(n, max(1, int(attack * RATE)))
    env[:a] = np.linspace(0.0, 1.0, a, endpoint=False)
    r = min(n, max(1, int(release * RATE)))
    start = n - r if hold is None else min(hold, n - r)
    env[start:start + r] *= 0.5 * (1 + np.cos(np.linspace(0, np.pi, r)))
    env[start + r:] = 0.0
    return env


def pad(freq: float, seconds: float, *, detune_cents: float, phase: float, bright: float = 1.6,
        attack: float = 0.9, release: float = 1.2) -> np.ndarray:
    """A warm sustained pad: two slightly detuned saw-like voices, slow swell, soft release."""
    n = int((seconds + release) * RATE)
    t = _t(n)
    out = np.zeros(n)
    for cents, offset in ((-detune_cents, phase), (detune_cents, phase + 0.37)):
        f = freq * 2 ** (cents / 1200)
        out += _read(_table(f, bright, 24), offset + f * t)
    tremolo = 1 + 0.06 * np.sin(2 * np.pi * 0.23 * t + phase * 6.28)
    return 0.5 * out * tremolo * envelope(n, attack, release, hold=int(seconds * RATE))


def strings(freq: float, seconds: float, *, phase: float) -> np.ndarray:
    """An ensemble string section: three detuned voices with delayed vibrato and a slow bow attack."""
    release = 1.5
    n = int((seconds + release) * RATE)
    t = _t(n)
    vib_depth = 0.0025 * np.clip((t - 0.5) / 1.0, 0, 1)
    out = np.zeros(n)
    for i, cents in enumerate((-9.0, 0.0, 8.0)):
        f = freq * 2 ** (cents / 1200)
        rate = 4.8 + 0.4 * i
        inst = f * (1 + vib_depth * np.sin(2 * np.pi * rate * t))
        out += _read(_table(f, 1.25, 30), phase + 0.29 * i + np.cumsum(inst) / RATE)
    return out / 3 * envelope(n, 1.4, release, hold=int(seconds * RATE))


def pluck(freq: float, seconds: float, *, decay: float = 0.22) -> np.ndarray:
    """A plucked synth: a bright transient fading into a mellow body."""
    n = int((min(seconds, decay * 5) + 0.05) * RATE)
    t = _t(n)
    bright = _read(_table(freq, 1.0, 40), freq * t) * np.exp(-t / (decay * 0.25))
    body = _read(_table(freq, 2.2, 12), freq * t) * np.exp(-t / decay)
    return (0.45 * bright + 0.7 * body) * envelope(n, 0.002, 0.04)


def bell(freq: float, seconds: float) -> np.ndarray:
    """A soft mallet/music-box tone: a sine with two quickly fading inharmonic partials."""
    n = int((min(seconds, 2.4) + 0.1) * RATE)
    t = _t(n)
    tone = np.sin(2 * np.pi * freq * t) * np.exp(-t / 0.9)
    if freq * 3.0 < 0.45 * RATE:
        tone += 0.25 * np.sin(2 * np.pi * freq * 3.0 * t) * np.exp(-t / 0.25)
    if freq * 4.2 < 0.45 * RATE:
        tone += 0.10 * np.sin(2 * np.pi * freq * 4.2 * t) * np.exp(-t / 0.08)
    return tone * envelope(n, 0.004, 0.08)


def epiano(freq: float, seconds: float) -> np.ndarray:
    """A Rhodes-like electric piano (2-operator FM, the index decaying with the note)."""
    release = 0.35
    n = int((seconds + release) * RATE)
    t = _t(n)
    index = 2.2 * np.exp(-t / 0.3) + 0.45
    tone = np.sin(2 * np.pi * freq * t + index * np.sin(2 * np.pi * freq * t))
    if freq * 14 < 0.45 * RATE:
        tone += 0.06 * np.sin(2 * np.pi * freq * 14 * t) * np.exp(-t / 0.03)  # the tine's knock
    amp = 0.75 * np.exp(-t / 1.6) + 0.25 * np.exp(-t / 0.25)
    return tone * amp * envelope(n, 0.003, release, hold=int(seconds * RATE))


def piano(freq: float, seconds: float, *, noise: np.ndarray) -> np.ndarray:
    """An acoustic piano: stretched partials (string inharmonicity), upper partials dying first, a
    two-stage decay and a short felt-hammer thump (``noise``: a few ms of the caller's seeded noise)."""
    release = 0.25
    n = int((seconds + release) * RATE)
    t = _t(n)
    tau = 2.6 * (261.6 / freq) ** 0.45
    out = np.zeros(n)
    stretch = 0.00035
    for k in range(1, 13):
        fk = k * freq * np.sqrt(1 + stretch * k * k)
        if fk > 0.45 * RATE:
            break
        amp = 1.0 / k**1.15 * (1.0 if k > 1 else 1.3)
        decay = tau / (1 + 0.55 * (k - 1))
        shape = 0.65 * np.exp(-t / (decay * 0.18)) + 0.35 * np.exp(-t / decay)
        out += amp * np.sin(2 * np.pi * fk * t + 0.3 * k) * shape
    thump = noise[: min(n, noise.size)] * np.exp(-_t(min(n, noise.size)) / 0.004)
    out[: thump.size] += 0.15 * thump
    return 0.6 * out * envelope(n, 0.001, release, hold=int(seconds * RATE))


def bass(freq: float, seconds: float, *, round_tone: bool = False) -> np.ndarray:
    """A bass note: a sine with a little 2nd and 3rd harmonic (``round_tone``: almost pure, for lofi)."""
    release = 0.06
    n = int((seconds + release) * RATE)
    t = _t(n)
    tone = np.sin(2 * np.pi * freq * t)
    # even the round tone keeps some 2nd harmonic: a phone speaker cannot play the fundamental
    tone += (0.18 if round_tone else 0.35) * np.sin(4 * np.pi * freq * t)
    if not round_tone:
        tone += 0.12 * np.sin(6 * np.pi * freq * t)
    amp = 0.55 + 0.45 * np.exp(-t / 0.18)
    return tone * amp * envelope(n, 0.006, release, hold=int(seconds * RATE))


def _highpass(noise: np.ndarray, cutoff: float, top: float = 16000.0) -> np.ndarray:
    spectrum = np.fft.rfft(noise)
    freqs = np.fft.rfftfreq(noise.size, 1 / RATE)
    mask = np.clip((freqs - cutoff * 0.6) / (cutoff * 0.4), 0, 1) * np.clip((top * 1.3 - freqs) / (top * 0.3), 0, 1)
    return np.fft.irfft(spectrum * mask, noise.size)


def kick(rng: np.random.Generator, *, soft: bool = False) -> np.ndarray:
    n = int(0.45 * RATE)
    t = _t(n)
    sweep = 48 + 90 * np.exp(-t / 0.035)
    body = np.sin(2 * np.pi * np.cumsum(sweep) / RATE) * np.exp(-t / (0.14 if soft else 0.17))
    click = _highpass(rng.standard_normal(n), 2500) * np.exp(-t / 0.003)
    return body + (0.05 if soft else 0.12) * click


def snare(rng: np.random.Generator, *, soft: bool = False) -> np.ndarray:
    n = int(0.3 * RATE)
    t = _t(n)
    noise = _highpass(rng.standard_normal(n), 1200, 11000)
    noise /= np.max(np.abs(noise))
    tone = np.sin(2 * np.pi * 185 * t) * np.exp(-t / 0.05)
    rattle = noise * np.exp(-t / (0.06 if soft else 0.09))
    return 0.45 * tone + (0.45 if soft else 0.7) * rattle


def hat(rng: np.random.Generator, *, open_hat: bool = False) -> np.ndarray:
    n = int((0.35 if open_hat else 0.09) * RATE)
    t = _t(n)
    noise = _highpass(rng.standard_normal(n), 7000)
    noise /= np.max(np.abs(noise))
    return noise * np.exp(-t / (0.11 if open_hat else 0.018))


def shaker(rng: np.random.Generator) -> np.ndarray:
    n = int(0.12 * RATE)
    t = _t(n)
    noise = _highpass(rng.standard_normal(n), 5000, 12000)
    noise /= np.max(np.abs(noise))
    return noise * np.sin(np.pi * np.clip(t / 0.1, 0, 1)) ** 2


def cymbal(rng: np.random.Generator) -> np.ndarray:
    n = int(2.2 * RATE)
    t = _t(n)
    noise = _highpass(rng.standard_normal(n), 4500)
    noise /= np.max(np.abs(noise))
    return noise * np.exp(-t / 0.7) * envelope(n, 0.002, 0.3)


def timpani(freq: float, rng: np.random.Generator) -> np.ndarray:
    n = int(1.8 * RATE)
    t = _t(n)
    tone = np.sin(2 * np.pi * freq * t) + 0.5 * np.sin(2 * np.pi * freq * 1.51 * t) * np.exp(-t / 0.3)
    felt = _highpass(rng.standard_normal(n), 150, 1500) * np.exp(-t / 0.02)
    return (tone * np.exp(-t / 0.6) + 0.2 * felt / np.max(np.abs(felt))) * envelope(n, 0.002, 0.2)


def vinyl(rng: np.random.Generator, n: int) -> np.ndarray:
    """Soft record crackle: sparse clicks over a faint band-limited hiss."""
    hiss = _highpass(rng.standard_normal(n), 1500, 8000) * 0.04
    clicks = np.zeros(n)
    positions = rng.integers(0, n, size=max(1, n // (RATE // 6)))
    clicks[positions] = rng.uniform(-1, 1, positions.size)
    return hiss + _highpass(clicks, 2000) * 0.6
