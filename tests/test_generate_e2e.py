"""End to end: the real pipeline (Piper, libass, ffmpeg), probed with PyAV."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import av
import jsonschema
import pytest

from reelforge.schemas import load_shipped
from tests.cli_helpers import run_json

BRIEF = "Sleep is a skill. Dim your screens an hour before bed. Keep the room cool and dark."

pytestmark = pytest.mark.slow


def _validate(run_dir: Path, name: str, schema: str) -> dict:
    data = json.loads((run_dir / name).read_text())
    jsonschema.validate(data, load_shipped(schema))
    return data


def test_dry_run_writes_valid_contracts(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out = run_json(capsys, "video", "generate", BRIEF, "--dry-run", "--seed", "3")
    assert code == 0
    run_dir = Path(out["runDir"])
    _validate(run_dir, "script.json", "script")
    _validate(run_dir, "timing.json", "timing")
    spec = _validate(run_dir, "render-spec.json", "render-spec")
    manifest = _validate(run_dir, "manifest.json", "manifest")
    assert manifest["status"] == "planned" and manifest["exitCode"] == 0
    assert not list(run_dir.glob("*.mp4"))
    assert spec["seed"] == 3


def test_same_brief_and_seed_give_identical_contracts(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    _, a = run_json(capsys, "video", "generate", BRIEF, "--dry-run", "--seed", "5")
    _, b = run_json(capsys, "video", "generate", BRIEF, "--dry-run", "--seed", "5")
    for name in ("script.json", "timing.json", "render-spec.json", "captions.ass"):
        assert (Path(a["runDir"]) / name).read_bytes() == (Path(b["runDir"]) / name).read_bytes(), name


def _assert_no_dead_air(video: Path) -> None:
    """The rendered audio (after loudnorm and AAC): no stretch under -40 dBFS longer than 0.6 s, at most 10 %
    of the video in such stretches of 0.3 s or more, and the last word within 0.6 s of the end."""
    import numpy as np

    with av.open(str(video)) as container:
        rate = container.streams.audio[0].codec_context.sample_rate
        samples = np.concatenate([f.to_ndarray()[0] for f in container.decode(audio=0)])  # fltp: channel 0
    loud = np.flatnonzero(np.abs(samples) > 0.01)
    edges = [0, *loud.tolist(), len(samples)]
    gaps = [(b - a) / rate for a, b in itertools.pairwise(edges)]
    total = len(samples) / rate
    assert max(gaps) <= 0.6, max(gaps)
    assert sum(g for g in gaps if g >= 0.3) / total <= 0.10
    assert gaps[-1] <= 0.6, "the video ends within 0.6 s of the last word"


def test_generate_then_rerender_is_byte_identical(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out = run_json(capsys, "video", "generate", BRIEF, "--seed", "2")
    assert code == 0, out
    run_dir = Path(out["runDir"])
    video = Path(out["video"])
    assert video.name == "shorts-9x16-sleep-is-a-skill.mp4" and run_dir.name.endswith("-shorts-9x16")
    spec = json.loads((run_dir / "render-spec.json").read_text())
    manifest = _validate(run_dir, "manifest.json", "manifest")

    with av.open(str(video)) as container:
        vstream = container.streams.video[0]
        astream = container.streams.audio[0]
        assert (vstream.codec_context.width, vstream.codec_context.height) == (1080, 1920)
        assert vstream.codec_context.profile == "High"
        assert astream.codec_context.sample_rate == 48000
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == spec["durationInFrames"] == manifest["outputs"]["frames"]
    assert abs(manifest["outputs"]["durationSec"] - frames / 30) <= 1 / 30
    assert (run_dir / "contact-sheet.png").is_file()
    assert abs(manifest["audio"]["integratedLufs"] + 14) <= 0.5
    assert manifest["audio"]["truePeakDb"] <= -1.0
    timing = json.loads((run_dir / "timing.json").read_text())
    assert timing["source"] == "tts-native"
    assert len(list((run_dir / "audio").glob("narration-*.wav"))) == len(spec["scenes"])
    _assert_no_dead_air(video)

    first_sha = manifest["outputs"]["sha256"]
    code, again = run_json(capsys, "video", "render", str(run_dir))
    assert code == 0
    assert again["sha256"] == first_sha
    assert again["identicalToRecorded"] is True

    code, verified = run_json(capsys, "verify", str(run_dir))
    assert code == 0 and verified["problems"] == []


def test_render_refuses_a_changed_asset(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out = run_json(capsys, "video", "generate", "One short line.", "--dry-run")
    run_dir = Path(out["runDir"])
    spec = json.loads((run_dir / "render-spec.json").read_text())
    visual = run_dir / spec["scenes"][0]["visual"]["src"]
    visual.write_bytes(visual.read_bytes() + b"tampered")
    code, err = run_json(capsys, "video", "render", str(run_dir))
    assert code == 4
    assert spec["scenes"][0]["visual"]["src"] in err["error"]["message"]
    assert not list(run_dir.glob("*.mp4"))
    code, verified = run_json(capsys, "verify", str(run_dir))
    assert code == 1 and verified["problems"][0]["status"] == "changed"


def test_narration_is_reused_only_when_its_fingerprint_matches(capsys: pytest.CaptureFixture[str],
                                                                workspace: Path) -> None:
    _, a = run_json(capsys, "video", "generate", BRIEF, "--dry-run")
    _, b = run_json(capsys, "video", "generate", BRIEF, "--dry-run", "--captions", "lower-third", "--seed", "9")
    _, c = run_json(capsys, "video", "generate", BRIEF, "--dry-run", "--speed", "1.1")

    def narration_stage(out: dict) -> dict:
        manifest = json.loads(Path(out["manifestPath"]).read_text())
        return next(s for s in manifest["stages"] if s["stage"] == "narration")

    first, second, third = narration_stage(a), narration_stage(b), narration_stage(c)
    assert first["reused"] is False and second["reused"] is True and third["reused"] is False
    assert first["fingerprint"] == second["fingerprint"] != third["fingerprint"]
    for name in ("timing.json", "audio/narration.wav", "audio/narration-01.wav"):
        assert (Path(a["runDir"]) / name).read_bytes() == (Path(b["runDir"]) / name).read_bytes(), name
    # a tampered cache entry is a miss, never a silent reuse
    cache = workspace / ".reelforge" / "cache" / "narration" / first["fingerprint"] / "audio" / "narration.wav"
    cache.write_bytes(cache.read_bytes()[:-10])
    _, d = run_json(capsys, "video", "generate", BRIEF, "--dry-run")
    assert narration_stage(d)["reused"] is False


def test_a_landscape_short_is_named_for_its_frame(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    long_title = "Drink a glass of water first thing in the morning. Then stretch for two minutes."
    code, out = run_json(capsys, "video", "generate", long_title, "--aspect", "16:9", "--dry-run")
    assert code == 0
    run_dir = Path(out["runDir"])
    spec = json.loads((run_dir / "render-spec.json").read_text())
    assert run_dir.name.endswith("-shorts-16x9")
    assert spec["output"] == "shorts-16x9-drink-a-glass-of-water-first-thing-in.mp4"  # whole words only
