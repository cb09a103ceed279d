"""What each mood plays in one bar. Levels are per-note gains before the bed is mastered to its loudness."""

from __future__ import annotations

import numpy as np

from reelforge.providers.music.score import Score, pad_voicing

Motif = list[tuple[float, float, int]]  # (beat in a 2-bar phrase, length in beats, step in the chord's tones)

_RHYTHMS: tuple[tuple[tuple[float, float], ...], ...] = (
    ((0, 1.5), (1.5, 0.5), (2, 2), (4, 1), (5, 1), (6, 2)),
    ((0, 1), (1, 1), (2, 1.5), (3.5, 0.5), (4, 3)),
    ((0.5, 1), (1.5, 0.5), (2, 1), (3, 1), (4, 2), (6, 1), (7, 1)),
    ((0, 2), (2, 1), (3, 1), (4, 1.5), (5.5, 0.5), (6, 2)),
)


def make_motif(rng: np.random.Generator) -> Motif:
    """A short melodic cell: one of a few rhythms, its pitches a seeded walk over the chord's tones."""
    rhythm = _RHYTHMS[int(rng.integers(len(_RHYTHMS)))]
    step = int(rng.integers(2, 5))
    motif: Motif = []
    for beat, length in rhythm:
        motif.append((beat, length, step))
        step = int(np.clip(step + rng.choice([-2, -1, -1, 1, 1, 2]), 0, 6))
    return motif


def _tones(chord: list[int], low: int, count: int) -> list[int]:
    """The chord's tones from ``low`` upwards, ``count`` of them (spanning octaves)."""
    classes = sorted({p % 12 for p in chord})
    out: list[int] = []
    pitch = low
    while len(out) < count:
        if pitch % 12 in classes:
            out.append(pitch)
        pitch += 1
    return out


def _root(chord: list[int], low: int) -> int:
    return low + (chord[0] - low) % 12


def _melody(score: Score, bar: int, motif: Motif, voice: str, low: int, gain: float, send: float) -> None:
    half = 4.0 * (bar % 2)
    tones = _tones(score.chord(bar), low, 8)
    for beat, length, step in motif:
        if half <= beat < half + 4:
            score.add(score.at(bar, beat - half), voice, tones[step], length * score.plan.beat, gain, pan=0.1,
                      send=send)


def _arpeggio(score: Score, bar: int, voice: str, pattern: list[int], low: int, division: int, gain: float, *,
              send: float, length: float) -> None:
    tones = _tones(score.chord(bar), low, max(pattern) + 1)
    per_beat = division // 4
    for i, step in enumerate(pattern * (division // len(pattern))):
        if step < 0:
            continue
        pan = 0.3 if i % 2 else -0.3
        score.add(score.at(bar, i / per_beat), voice, tones[step], length * score.plan.beat, gain, pan=pan,
                  send=send)


def _pads(score: Score, bar: int, voice: str, low: int, gain: float, send: float) -> None:
    pitches = pad_voicing(score, bar, low)
    spread = np.linspace(-0.45, 0.45, len(pitches))
    for pitch, pan in zip(pitches, spread, strict=True):
        score.add(score.at(bar, 0), voice, pitch, score.plan.bar * 1.02, gain, pan=float(pan), send=send,
                  jitter=0.0)


def calm(score: Score, bar: int, motif: Motif) -> None:
    kind, _within = score.section(bar)
    _pads(score, bar, "pad", 55, 0.16, 0.5)
    if kind == "intro":
        return
    score.add(score.at(bar, 0), "bass_round", _root(score.chord(bar), 36), score.plan.bar * 0.95, 0.18, send=0.1)
    pattern = [0, 1, 2, -1, 3, 2, 1, -1] if kind == "A" else [2, 1, 0, 1, 2, -1, 3, 2]
    _arpeggio(score, bar, "bell", pattern, 67, 8, 0.13, send=0.55, length=1.0)
    if kind == "B":
        _melody(score, bar, motif, "bell", 72, 0.13, 0.5)
    for i in range(8):
        score.add(score.at(bar, i / 2), "shaker", 0, 0.1, 0.05 if i % 2 else 0.03, pan=0.35, send=0.2)


def upbeat(score: Score, bar: int, motif: Motif) -> None:
    kind, within = score.section(bar)
    _pads(score, bar, "pad", 57, 0.11, 0.35)
    pattern = [0, 1, 2, 3, 2, 1, 2, 3] if kind != "B" else [0, 2, 1, 3, 2, 4, 3, 1]
    _arpeggio(score, bar, "pluck", pattern, 64, 16, 0.14 if kind != "intro" else 0.10, send=0.25, length=0.5)
    if kind == "intro":
        return
    root = _root(score.chord(bar), 36)
    for i, shift in enumerate([0, 0, 12, 0, 0, 12, 0, 7]):
        score.add(score.at(bar, i / 2), "bass", root + shift, 0.42 * score.plan.beat, 0.20, send=0.0, jitter=0.002)
    if within == 0:
        score.add(score.at(bar, 0), "cymbal", 0, 2.0, 0.10, pan=-0.2, send=0.3, jitter=0.0)
    for beat in range(4):
        score.add(score.at(bar, beat), "kick", 0, 0.4, 0.55, send=0.05, jitter=0.0)
        if beat in (1, 3):
            score.add(score.at(bar, beat), "snare", 0, 0.3, 0.42, send=0.25, jitter=0.002)
        score.add(score.at(bar, beat + 0.5), "hat", 0, 0.1, 0.22, pan=0.25, send=0.05, jitter=0.002)
        if kind == "B":
            for sixteenth in (0.25, 0.75):
                score.add(score.at(bar, beat + sixteenth), "hat", 0, 0.1, 0.08, pan=0.25, send=0.05)
    if kind == "B" and bar % 2:
        score.add(score.at(bar, 3.5), "open_hat", 0, 0.3, 0.10, pan=0.25, send=0.1)
    if within == 7:
        for i in range(4):
            score.add(score.at(bar, 3 + i / 4), "snare", 0, 0.3, 0.18 + 0.07 * i, send=0.25, jitter=0.0)


def cinematic(score: Score, bar: int, motif: Motif) -> None:
    kind, within = score.section(bar)
    _pads(score, bar, "strings", 55, 0.15, 0.6)
    root = _root(score.chord(bar), 36)
    score.add(score.at(bar, 0), "strings", root, score.plan.bar * 1.02, 0.16, send=0.5, jitter=0.0)
    if kind == "intro":
        return
    score.add(score.at(bar, 0), "bass_round", root, score.plan.bar * 0.98, 0.16, send=0.1, jitter=0.0)
    chord = score.chord(bar)
    fifth = root + 12 + (chord[2] - chord[0]) % 12
    for i, pitch in enumerate([root + 24, fifth, root + 24, fifth + 12] * 2):
        score.add(score.at(bar, i / 2), "piano", pitch, 0.5 * score.plan.beat, 0.11 if i % 2 else 0.15,
                  pan=-0.15, send=0.45)
    build = min(1.0, 0.55 + 0.06 * within)
    score.add(score.at(bar, 0), "timpani", root - 12 if root - 12 >= 36 else root, 1.5, 0.34 * build, send=0.4)
    if kind == "B":
        score.add(score.at(bar, 2.5), "timpani", root, 1.5, 0.2, send=0.4)
        score.add(score.at(bar, 3), "timpani", root, 1.5, 0.24, send=0.4)
        _melody(score, bar, motif, "strings", 67, 0.10, 0.6)
    if within == 0:
        score.add(score.at(bar, 0), "cymbal", 0, 2.0, 0.07, pan=0.2, send=0.6, jitter=0.0)


def lofi(score: Score, bar: int, motif: Motif) -> None:
    kind, within = score.section(bar)
    pitches = pad_voicing(score, bar, 53)
    for beat, length in ((0, 1.5), (2.5, 1.5)):
        for pitch in pitches:
            score.add(score.at(bar, beat), "epiano", pitch, length * score.plan.beat, 0.12, pan=-0.1, send=0.3)
    if kind == "intro":
        return
    chord = score.chord(bar)
    root = _root(chord, 36)
    score.add(score.at(bar, 0), "bass_round", root, 1.5 * score.plan.beat, 0.26, send=0.05)
    second = root + (chord[2] - chord[0]) % 12 if within % 2 else root
    score.add(score.at(bar, 2.5), "bass_round", second, 1.2 * score.plan.beat, 0.22, send=0.05)
    score.add(score.at(bar, 0), "kick_soft", 0, 0.4, 0.40, send=0.05)
    score.add(score.at(bar, 2.5), "kick_soft", 0, 0.4, 0.30, send=0.05)
    for beat in (1, 3):
        score.add(score.at(bar, beat), "snare_soft", 0, 0.3, 0.30, pan=0.05, send=0.2, jitter=0.008)
    for i in range(8):
        score.add(score.at(bar, i / 2), "hat", 0, 0.1, 0.10 if i % 2 else 0.14, pan=0.3, send=0.05, jitter=0.006)
    if kind == "B":
        _melody(score, bar, motif, "epiano", 67, 0.09, 0.35)


def piano(score: Score, bar: int, motif: Motif) -> None:
    kind, _within = score.section(bar)
    chord = score.chord(bar)
    root = _root(chord, 36)
    third = (chord[1] - chord[0]) % 12
    fifth = (chord[2] - chord[0]) % 12
    for i, pitch in enumerate([root, root + fifth, root + 12 + third, root + fifth + 12] * 2):
        score.add(score.at(bar, i / 2), "piano", pitch, 1.6 * score.plan.beat, 0.15 if i % 4 == 0 else 0.10,
                  pan=-0.25, send=0.4)
    _pads(score, bar, "pad", 55, 0.035, 0.5)
    if kind == "intro":
        return
    _melody(score, bar, motif, "piano", 67, 0.26, 0.45)
