"""The score of a bed: which voice plays which note when, as a pure function of (mood, seed, bars).

A bed is an intro (pads only), then 8-bar sections alternating A and B (a second progression, a varied
arpeggio, busier drums), each section's last bar ending in a fill. Timing and velocity are humanized a
little with the seeded generator, never with the clock.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reelforge.providers.music.moods import SCALES, Mood, chord_tones, voice


@dataclass(frozen=True)
class Note:
    start: float
    voice: str
    pitch: float  # MIDI note number; drums use 0
    seconds: float
    gain: float
    pan: float  # -1 left .. +1 right
    send: float  # reverb send 0..1


@dataclass(frozen=True)
class Plan:
    mood: Mood
    bpm: int
    key: int  # pitch class of the tonic, 0 = C
    mode: str
    progressions: tuple[tuple[int, ...], tuple[int, ...]]
    intro_bars: int
    bars: int

    @property
    def beat(self) -> float:
        return 60.0 / self.bpm

    @property
    def bar(self) -> float:
        return 4 * self.beat

    def to_json(self) -> dict[str, object]:
        names = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
        return {"tempoBpm": self.bpm, "key": f"{names[self.key]} {self.mode}", "bars": self.bars,
                "introBars": self.intro_bars, "progressions": [list(p) for p in self.progressions]}


def make_plan(mood: Mood, rng: np.random.Generator, seconds: float) -> Plan:
    bpm = int(rng.integers(mood.bpm[0], mood.bpm[1] + 1))
    mode = str(mood.modes[int(rng.integers(len(mood.modes)))])
    choices = mood.progressions(mode)
    first, second = rng.choice(len(choices), size=2, replace=False)
    bar = 240.0 / bpm
    bars = int(np.ceil(seconds / bar)) + 1
    return Plan(mood, bpm, int(rng.integers(12)), mode, (choices[int(first)], choices[int(second)]),
                1 if bars < 10 else 2, bars)


class Score:
    """Collects notes; ``at(bar, beat)`` turns musical time into seconds (with the mood's swing)."""

    def __init__(self, plan: Plan, rng: np.random.Generator) -> None:
        self.plan = plan
        self.rng = rng
        self.notes: list[Note] = []

    def at(self, bar: int, beat: float) -> float:
        whole, frac = divmod(beat * 2, 1.0)
        if int(whole) % 2 == 1 and frac == 0.0:  # an off-beat eighth
            beat = beat - 0.5 + self.plan.mood.swing
        return bar * self.plan.bar + beat * self.plan.beat

    def add(self, start: float, voice_name: str, pitch: float, seconds: float, gain: float, *, pan: float = 0.0,
            send: float = 0.2, jitter: float = 0.004) -> None:
        start = max(0.0, start + float(self.rng.uniform(-jitter, jitter)))
        gain *= 1.0 + float(self.rng.uniform(-0.08, 0.08))
        self.notes.append(Note(start, voice_name, pitch, seconds, gain, pan, send))

    def section(self, bar: int) -> tuple[str, int]:
        """('intro', bar) or ('A'|'B', bar within the 8-bar section)."""
        if bar < self.plan.intro_bars:
            return "intro", bar
        index, within = divmod(bar - self.plan.intro_bars, 8)
        return ("A" if index % 2 == 0 else "B"), within

    def chord(self, bar: int) -> list[int]:
        """The bar's chord as absolute pitches (root in octave 3)."""
        kind, within = self.section(bar)
        progression = self.plan.progressions[1 if kind == "B" else 0]
        degree = progression[within % len(progression)]
        size = 4 if self.plan.mood.sevenths else 3
        return chord_tones(SCALES[self.plan.mode], 48 + self.plan.key, degree, size)


def write_score(plan: Plan, rng: np.random.Generator) -> list[Note]:
    from reelforge.providers.music import parts

    score = Score(plan, rng)
    writer = {"calm": parts.calm, "upbeat": parts.upbeat, "cinematic": parts.cinematic, "lofi": parts.lofi,
              "piano": parts.piano}[plan.mood.name]
    motif = parts.make_motif(rng)
    for bar in range(plan.bars):
        writer(score, bar, motif)
    return sorted(score.notes, key=lambda n: (n.start, n.voice, n.pitch))


def pad_voicing(score: Score, bar: int, low: int) -> list[int]:
    return voice(score.chord(bar), low)
