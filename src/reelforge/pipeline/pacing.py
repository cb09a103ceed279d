"""How long a scene lasts: the speech decides, the script's durationSec only where an author wrote it.

A drafted script (skeleton, explainer draft or an LLM writer's) is *fitted to the speech*: a scene lasts
its audible speech plus a breath, so nothing is silent but the breath between scenes and the video ends
a breath after the last word. An authored script.json keeps its durationSec as a minimum (the seed says
so): speech may make a scene longer, never shorter.

Only the first scene has a lead-in: every later scene's speech starts on its first frame, so the pause
between two scenes is exactly one breath (transitions happen inside that breath, see spec_builder).
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_BREATH_SEC = 0.25
FIRST_LEAD_IN_SEC = 0.15
# A fitted scene is never shorter than this, so a one-word scene is still on screen long enough to see.
MIN_FITTED_SCENE_SEC = 1.0
# Audio kept around the audible speech when a scene's wav is placed: the last phoneme's decay below the
# -40 dBFS edge (measured at 20-60 ms on joe) must not be cut off.
SPEECH_PAD_SEC = 0.04

# How fast the default voice (Piper joe, speed 1.0) speaks: 146 words in 41.85 s of audible speech over ten
# scene-sized narrations = 3.49 words/s (bench/voice_rate.py). Only first estimates of a drafted scene's
# length use it; the narration stage measures every scene's real speech.
DEFAULT_WORDS_PER_SEC = 3.49

SCRIPT_SOURCES_FITTED = frozenset({"skeleton", "explainer-draft"})


@dataclass(frozen=True)
class Pacing:
    """Where each scene's speech sits and how long each scene lasts."""

    breath_sec: float = DEFAULT_BREATH_SEC
    fit_to_speech: bool = False
    """True for drafted scripts: a scene lasts its speech plus a breath, durationSec is only an estimate."""

    def lead_in(self, index: int) -> float:
        """Silence before the speech of scene ``index`` (1-based)."""
        return FIRST_LEAD_IN_SEC if index == 1 else 0.0

    def scene_seconds(self, index: int, speech_sec: float | None, duration_sec: float) -> float:
        """How long scene ``index`` lasts given its audible speech (None: the scene says nothing)."""
        if speech_sec is None:
            return duration_sec
        needed = self.lead_in(index) + speech_sec + self.breath_sec
        if self.fit_to_speech:
            return max(needed, MIN_FITTED_SCENE_SEC)
        return max(duration_sec, needed)

    def params(self) -> dict[str, object]:
        return {"pacing": "speech" if self.fit_to_speech else "minimum", "breathSec": self.breath_sec,
                "leadInSec": FIRST_LEAD_IN_SEC}


def pacing_for(script_source: str, *, breath_sec: float, duration_setting: str) -> Pacing:
    """Drafted scripts always follow the speech: the writers meet --duration by choosing and trimming what
    is said (pipeline/writers), never by stretching scenes, so a durationSec there is only an estimate."""
    del duration_setting  # kept for callers; --duration no longer changes the pacing
    return Pacing(breath_sec=breath_sec, fit_to_speech=script_source in SCRIPT_SOURCES_FITTED)

