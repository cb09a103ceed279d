"""The moods a bed can have (the seed tool's five: calm, upbeat, cinematic, lofi, piano) and their harmony."""

from __future__ import annotations

from dataclasses import dataclass

SCALES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "aeolian": (0, 2, 3, 5, 7, 8, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
}
_MINOR = frozenset({"dorian", "aeolian", "phrygian"})
# Four-bar progressions as 0-based scale degrees (I-V-vi-IV, vi-IV-I-V, i-VI-III-VII, ...).
_MAJOR_PROGRESSIONS = ((0, 4, 5, 3), (5, 3, 0, 4), (0, 5, 3, 4), (3, 0, 4, 5), (0, 3, 5, 4))
_MINOR_PROGRESSIONS = ((0, 5, 2, 6), (0, 3, 5, 4), (0, 6, 5, 6), (0, 5, 3, 6), (0, 2, 5, 6))
_LOFI_PROGRESSIONS = ((1, 4, 0, 0), (3, 2, 1, 0), (0, 5, 1, 4), (3, 4, 2, 5))


@dataclass(frozen=True)
class Mood:
    name: str
    bpm: tuple[int, int]
    modes: tuple[str, ...]
    reverb_sec: float
    sevenths: bool
    swing: float
    """0.5 is straight eighths; 0.58 pushes every off-beat eighth late (a lazy swing)."""
    description: str

    def progressions(self, mode: str) -> tuple[tuple[int, ...], ...]:
        if self.name == "lofi":
            return _LOFI_PROGRESSIONS
        return _MINOR_PROGRESSIONS if mode in _MINOR else _MAJOR_PROGRESSIONS


MOODS: dict[str, Mood] = {m.name: m for m in (
    Mood("calm", (66, 76), ("major", "dorian", "aeolian", "lydian"), 2.8, False, 0.5,
         "slow pads, a soft mallet arpeggio and a sine bass; a light shaker after the intro"),
    Mood("upbeat", (108, 124), ("major", "mixolydian", "lydian"), 1.3, False, 0.5,
         "plucked 16th arpeggio, pumping pads, eighth-note bass, four-on-the-floor kick, claps and hats"),
    Mood("cinematic", (70, 84), ("aeolian", "dorian", "phrygian"), 3.2, False, 0.5,
         "string ensemble chords, a piano ostinato, sub bass and timpani that build section by section"),
    Mood("lofi", (72, 88), ("dorian", "major", "mixolydian"), 1.2, True, 0.58,
         "swung electric-piano seventh chords, round bass, soft kick/snare/hats and record crackle"),
    Mood("piano", (68, 80), ("major", "aeolian", "dorian", "lydian"), 2.2, False, 0.5,
         "solo piano: broken-chord left hand and a simple repeated melody, with a faint pad beneath"),
)}
MOOD_NAMES: tuple[str, ...] = tuple(MOODS)


def degree_pitch(scale: tuple[int, ...], root: int, degree: int) -> int:
    octave, index = divmod(degree, len(scale))
    return root + 12 * octave + scale[index]


def chord_tones(scale: tuple[int, ...], root: int, degree: int, size: int) -> list[int]:
    """Stacked thirds on ``degree`` of the scale (size 3: triad, 4: seventh chord)."""
    return [degree_pitch(scale, root, degree + 2 * k) for k in range(size)]


def voice(pitches: list[int], low: int) -> list[int]:
    """Close voicing inside [low, low + 12): chords near one register move smoothly from bar to bar."""
    return sorted(low + (p - low) % 12 for p in pitches)
