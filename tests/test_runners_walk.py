"""docs/runners.md, run as written: every `$ reelforge` line in order, key-free, no network."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest

from tests.cli_helpers import run_cli

DOC = Path(__file__).resolve().parents[1] / "docs" / "runners.md"
_FILE = re.compile(r"```\w+ file=(\S+)\n(.*?)```", re.S)
_CONSOLE = re.compile(r"```console\n(.*?)```", re.S)
_SHA = re.compile(r"sha256 [0-9a-f]{12}")


def _steps(text: str) -> list[tuple[str, list[str]]]:
    steps: list[tuple[str, list[str]]] = []
    for block in _CONSOLE.findall(text):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
    return steps


@pytest.mark.slow
def test_the_runners_walk_runs_as_documented(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = DOC.read_text(encoding="utf-8")
    for name, body in _FILE.findall(text):
        (workspace / name).parent.mkdir(parents=True, exist_ok=True)
        (workspace / name).write_text(body, encoding="utf-8")
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "sine=frequency=220:duration=2", "take.wav"], cwd=workspace, check=True)
    steps = _steps(text)
    assert len(steps) >= 9 and all(cmd.startswith("reelforge ") for cmd, _ in steps)
    for cmd, expected in steps:
        code, out, err = run_cli(capsys, *shlex.split(cmd)[1:])
        assert code == 0, f"{cmd}\n{err}"
        got = out.strip().splitlines()
        for want in expected[:2] if not cmd.startswith("reelforge trace") else expected[:1]:
            if "/work/walk" in want:
                continue
            assert _SHA.sub("sha256 *", want) in {_SHA.sub("sha256 *", g) for g in got}, f"{cmd}: {want!r} not in {got}"
    mp4 = workspace / "renders/an-001/renders/render-001.mp4"
    import av

    with av.open(str(mp4)) as container:
        assert container.streams.video and container.streams.audio and container.duration
    trace = out
    for link in ("persona", "voice take", "image asset", "render job", "QA report"):
        assert link in trace
    _records_fit_the_vocabulary(workspace)


def _records_fit_the_vocabulary(workspace: Path) -> None:
    """What today's runners write reads through the shared models (issue 15: one record vocabulary)."""
    import json

    from reelforge.models import ImageRequest, QARecord, RenderRequest
    from reelforge.workspace.records import read_envelope

    image = read_envelope(workspace / "assets/female-1/runs/image/image-run-001/manifest.json")
    render = read_envelope(workspace / "renders/an-001/manifest.json")
    assert (image.kind, render.kind) == ("image_job", "render_job")
    assert image.prompt_sha256 and image.assets and render.assets[0].kind == "video"
    assert [(a.state, a.phase) for a in render.attempts] == [("materialized", "materialized")]
    assert "resume" not in (render.attempts[0].next_action or "")
    ImageRequest.model_validate_json((workspace / "assets/female-1/runs/image/image-run-001/request.json").read_text())
    RenderRequest.model_validate_json((workspace / "renders/an-001/request.json").read_text())
    qa = json.loads(next((workspace / "renders/an-001/qa").glob("qa-*.json")).read_text())
    assert QARecord.model_validate(qa).target_version == render.assets[0].sha256


@pytest.mark.slow
def test_the_same_walk_on_hosted_routes_against_loopback_fakes(workspace: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Seedream for the image (Ark fake), InfiniteTalk for a real talking head (fal fake): same commands."""
    from tests.fakes.ark_server import ArkFake
    from tests.fakes.fal_server import FalFake

    text = DOC.read_text(encoding="utf-8")
    text = text.replace('"model": "image-local-designed"', '"model": "image-seedream-v5-lite-text"')
    text = text.replace('"model": "video-local-animatic", "assetPurpose": "animatic_preview"',
                        '"model": "video-infinitetalk", "assetPurpose": "talking_head"')
    text = text.replace("render submit --request render.json", "render submit --request render.json --yes")
    text = text.replace("render poll an-001", "render poll an-001 --wait 30")
    with ArkFake() as ark, FalFake() as fal:
        monkeypatch.setenv("ARK_API_KEY", ark.key)
        monkeypatch.setenv("REELFORGE_ARK_BASE_URL", ark.base + "/api/v3")
        monkeypatch.setenv("FAL_KEY", fal.key)
        monkeypatch.setenv("REELFORGE_FAL_BASE_URL", fal.base)
        monkeypatch.setenv("REELFORGE_RENDER_POLL_INTERVAL_S", "0.01")
        for name, body in _FILE.findall(text):
            (workspace / name).parent.mkdir(parents=True, exist_ok=True)
            (workspace / name).write_text(body, encoding="utf-8")
        subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                        "sine=frequency=220:duration=2", "take.wav"], cwd=workspace, check=True)
        for cmd, _expected in _steps(text):
            code, out, err = run_cli(capsys, *shlex.split(cmd)[1:])
            assert code == 0, f"{cmd}\n{out}\n{err}"
        assert ark.submits == 1 and fal.submits == 1 and fal.models == ["fal-ai/infinitalk"]
        assert "trace an-001" in out and "QA report" in out
    import av

    with av.open(str(workspace / "renders/an-001/renders/render-001.mp4")) as container:
        assert container.streams.video
