"""Pacing follows the voice: a drafted scene lasts its measured speech plus a breath, an authored
durationSec stays a minimum, the video ends a breath after the last word, transitions stay in the breath."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from reelforge.config import resolve_settings
from reelforge.errors import InvalidInputError
from reelforge.models import Script, Timing
from reelforge.pipeline.narration import narrate
from reelforge.pipeline.pacing import DEFAULT_BREATH_SEC, FIRST_LEAD_IN_SEC, Pacing, pacing_for
from reelforge.pipeline.spec_builder import SpecInputs, VisualAsset, build_render_spec, quiet_tail_frames
from reelforge.providers.voice.wavio import read_wav, speech_bounds

FPS = 30
FRAME = 1 / FPS
DRAFTED = ("Most people sleep badly because of light. Dim your screens an hour before bed.",
           "Keep the room cool.",
           "Wake up at the same time every day, even on weekends.")


def _script(narrations: tuple[str, ...], durations: tuple[float, ...]) -> Script:
    return Script.model_validate({
        "schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": "en-US", "title": "Sleep",
        "scenes": [{"id": f"s{i}", "durationSec": d, "narration": n, "transition": "fade"}
                   for i, (n, d) in enumerate(zip(narrations, durations, strict=True), 1)]})


def _silences(track: np.ndarray, rate: int, *, level: float = 0.01) -> list[tuple[float, float]]:
    """Stretches where the mixed track stays under ``level`` of full scale (-40 dBFS), in seconds."""
    loud = np.flatnonzero(np.abs(track[:, 0].astype(np.int32)) > level * 32767)
    edges = [0, *loud.tolist(), len(track) - 1]
    return [(a / rate, b / rate) for a, b in itertools.pairwise(edges) if b - a > 1]


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Script, Timing, Path]:
    # The draft's estimates are far too long on purpose: a drafted script must not keep them.
    script = _script(DRAFTED, (9.0, 9.0, 9.0))
    run_dir = tmp_path_factory.mktemp("drafted")
    result = narrate(script, run_dir, fps=FPS, pacing=Pacing(fit_to_speech=True))
    assert result.params["pacing"] == "speech" and result.params["breathSec"] == DEFAULT_BREATH_SEC
    return script, result.timing, run_dir


def test_a_drafted_scene_lasts_its_measured_speech_plus_a_breath(drafted: tuple[Script, Timing, Path]) -> None:
    _, timing, run_dir = drafted
    for index, seg in enumerate(timing.segments, 1):
        assert seg.audio and seg.speech_start_sec is not None and seg.speech_end_sec is not None
        lo, hi = speech_bounds(*read_wav(run_dir / seg.audio))  # measured here, independently of the stage
        assert seg.speech_end_sec - seg.speech_start_sec == pytest.approx(hi - lo, abs=1e-3)
        lead = FIRST_LEAD_IN_SEC if index == 1 else 0.0
        assert seg.speech_start_sec == pytest.approx(seg.start_sec + lead, abs=1e-6)
        wanted = lead + (hi - lo) + DEFAULT_BREATH_SEC
        length = seg.end_sec - seg.start_sec
        assert wanted - 1e-6 <= length <= wanted + FRAME + 1e-6, (seg.scene_id, length, wanted)
        assert length < 9.0
    last = timing.segments[-1]
    assert last.speech_end_sec is not None
    assert DEFAULT_BREATH_SEC <= timing.total_sec - last.speech_end_sec <= 0.6


def test_the_drafted_mix_has_no_dead_air(drafted: tuple[Script, Timing, Path]) -> None:
    _, timing, run_dir = drafted
    track, rate = read_wav(run_dir / timing.audio)
    quiet = _silences(track, rate)
    assert quiet, "the measurement must see at least the lead-in and the breaths"
    assert max(b - a for a, b in quiet) <= 0.6
    assert len(track) / rate - quiet[-1][0] <= 0.6, "the video ends within 0.6 s of the last word"
    silent = sum(b - a for a, b in quiet if b - a >= 0.3)
    assert silent / (len(track) / rate) <= 0.10


def test_transitions_stay_inside_the_breath(drafted: tuple[Script, Timing, Path]) -> None:
    script, timing, _run_dir = drafted
    visuals = [VisualAsset(scene_id=s.id, src=f"visuals/{s.id}.png", sha256="0" * 64, type="image",
                           provider="test") for s in script.scenes]
    spec = build_render_spec(SpecInputs(script=script, timing=timing, visuals=visuals, slug="sleep", seed=1,
                                        caption_style="tiktok", platform="tiktok"))
    assert spec.duration_in_frames == round(timing.total_sec * FPS), "transitions add no time"
    assert spec.output == "shorts-9x16-sleep.mp4"
    for scene, seg in zip(spec.scenes[:-1], timing.segments, strict=False):
        d = scene.transition_out.duration_frames
        assert scene.transition_out.kind == "fade" and d >= 2, "a breath still holds a short crossfade"
        assert seg.speech_end_sec is not None
        fade_starts = scene.from_frame + scene.duration_in_frames - d
        assert fade_starts >= math.ceil(seg.speech_end_sec * FPS - 1e-6), "the fade starts after the last word"


def test_quiet_tail_caps_the_transition() -> None:
    from reelforge.models.timing import Segment

    seg = Segment.model_validate({"sceneId": "a", "startSec": 0, "endSec": 2.0, "speechStartSec": 0.15,
                                  "speechEndSec": 1.8})
    assert quiet_tail_frames(seg, 60) == 60 - math.ceil(1.8 * FPS)
    assert quiet_tail_frames(Segment.model_validate({"sceneId": "b", "startSec": 0, "endSec": 1}), 30) is None


def test_an_authored_duration_stays_a_minimum(tmp_path: Path) -> None:
    script = _script(("Keep the room cool.", DRAFTED[2]), (5.0, 1.0))
    timing = narrate(script, tmp_path, fps=FPS).timing
    short, long_ = timing.segments
    assert short.end_sec - short.start_sec == pytest.approx(5.0), "the author's 5 s is kept"
    assert long_.speech_end_sec is not None
    assert long_.end_sec - long_.start_sec > 1.0, "speech makes a scene longer, never shorter"
    assert timing.total_sec - long_.speech_end_sec == pytest.approx(DEFAULT_BREATH_SEC, abs=FRAME + 1e-6)


def test_silent_voice_fits_the_estimated_reading_time_plus_the_breath(tmp_path: Path) -> None:
    script = _script(DRAFTED, (9.0, 9.0, 9.0))
    timing = narrate(script, tmp_path, voice="none", fps=FPS, pacing=Pacing(breath_sec=0.5, fit_to_speech=True)).timing
    for seg in timing.segments:
        said = seg.words[-1].end_sec
        assert said + 0.5 - 1e-6 <= seg.end_sec <= said + 0.5 + FRAME + 1e-3
    assert timing.total_sec < 20


def test_only_drafted_scripts_follow_the_speech() -> None:
    assert pacing_for("skeleton", breath_sec=0.25, duration_setting="auto").fit_to_speech
    assert pacing_for("explainer-draft", breath_sec=0.25, duration_setting="auto").fit_to_speech
    assert not pacing_for("script-file", breath_sec=0.25, duration_setting="auto").fit_to_speech
    # the writers meet --duration by choosing what is said, so even then no silence is added
    assert pacing_for("skeleton", breath_sec=0.25, duration_setting="30").fit_to_speech


def test_breath_is_a_setting_with_an_origin(tmp_path: Path) -> None:
    assert resolve_settings(workspace_root=tmp_path, environ={}).values["breath"].value == DEFAULT_BREATH_SEC
    (tmp_path / "reelforge.toml").write_text("[video]\nbreath = 0.3\n", encoding="utf-8")
    toml = resolve_settings(workspace_root=tmp_path, environ={})
    assert (toml["breath"], toml.origin("breath")) == (0.3, "reelforge.toml")
    env = resolve_settings(workspace_root=tmp_path, environ={"REELFORGE_BREATH": "0.4"})
    assert (env["breath"], env.origin("breath")) == (0.4, "env:REELFORGE_BREATH")
    flag = resolve_settings(workspace_root=tmp_path, environ={"REELFORGE_BREATH": "0.4"}, flags={"breath": 0.1})
    assert (flag["breath"], flag.origin("breath")) == (0.1, "flag:--breath")
    with pytest.raises(InvalidInputError) as bad:
        resolve_settings(workspace_root=tmp_path, environ={"REELFORGE_BREATH": "-1"})
    assert bad.value.exit_code == 4 and "REELFORGE_BREATH" in bad.value.message
