"""`reelforge trace` prints every link of a job made from an approved image and voice take, with hashes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reelforge.cli.trace_cmd import trace_command
from reelforge.errors import NotFoundError
from reelforge.qa import record_qa
from reelforge.renders.trace import STAGES, trace
from tests.fakes.fal_server import FalFake
from tests.fakes.render_assets import IMAGE, PERSONA, TAKE, runner, talking_head, upstream


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_trace_prints_every_link_with_paths_and_hashes(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    upstream(workspace)
    with FalFake(plan=["running", "succeeded"]) as fal:
        monkeypatch.setenv("FAL_KEY", fal.key)
        monkeypatch.setenv("REELFORGE_FAL_BASE_URL", fal.base)
        run = runner(workspace)
        run.submit(run.prepare(talking_head()))
        run.poll("th-001", wait=5)
    record_qa("th-001", verdict="approved", worked=["lip sync holds"], workspace=workspace)
    result = CliRunner().invoke(trace_command, ["th-001"])
    assert result.exit_code == 0, result.output
    text = result.output
    image = workspace / f"assets/{IMAGE}/images/approved/{IMAGE}-img-001.png"
    take = workspace / f"assets/{TAKE}/audio/approved/{TAKE}.wav"
    video = workspace / "renders/th-001/renders/render-001.mp4"
    for needle in ("camp-1", "gmail-fixer", PERSONA, "script-1", TAKE, IMAGE, "th-001", "qa-th-001-001",
                   "briefs/concept.md", "scripts/script-1.json", f"assets/{PERSONA}/asset.json",
                   str(image.relative_to(workspace)), str(take.relative_to(workspace)),
                   "renders/th-001/manifest.json", "renders/th-001/qa/qa-th-001-001.json",
                   _sha(image), _sha(take), _sha(video), _sha(workspace / "scripts/script-1.json")):
        assert needle in text, needle
    data = json.loads(CliRunner().invoke(trace_command, ["th-001", "--format", "json"]).stdout)
    chain = data["traces"][0]["chain"]
    assert [link["stage"] for link in chain] == list(STAGES)
    assert all(link["files"] for link in chain), [link["stage"] for link in chain if not link["files"]]
    assert all(f["sha256"] for link in chain for f in link["files"])
    # an asset id finds the jobs that use it; a changed input is flagged
    image.write_bytes(b"edited by hand")
    by_asset = trace(IMAGE, workspace=workspace)
    assert by_asset["kind"] == "asset" and by_asset["traces"][0]["jobId"] == "th-001"
    image_link = next(link for link in by_asset["traces"][0]["chain"] if link["stage"] == "image asset")
    assert any(f.get("changed") for f in image_link["files"])


def test_trace_unknown_id(workspace: Path) -> None:
    with pytest.raises(NotFoundError) as info:
        trace("nope", workspace=workspace)
    assert info.value.exit_code == 3
