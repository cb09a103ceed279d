"""A workspace made by earlier code (tests/fixtures/workspace-v1: an image job and a render job with a QA
verdict, made by running the commands of its README) still reads with today's commands, copied to another
folder than the one it was made in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reelforge.workspace.hashing import sha256_file
from tests.cli_helpers import run_cli, run_json

V1 = Path(__file__).parent / "fixtures" / "workspace-v1"
IMAGE_MANIFEST = "assets/female-1/runs/image/image-run-001/manifest.json"
RENDER_MANIFEST = "renders/an-001/manifest.json"


@pytest.fixture
def old(workspace: Path) -> Path:
    shutil.copytree(V1, workspace, dirs_exist_ok=True)
    return workspace


def test_fixture_stays_small() -> None:
    assert sum(p.stat().st_size for p in V1.rglob("*") if p.is_file()) < 200_000


def test_assets_list_and_show(old: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, listed = run_json(capsys, "asset", "list")
    assert code == 0
    assert {(a["assetId"], a["status"]) for a in listed["assets"]} == {("female-1", "approved"),
                                                                         ("take-1", "approved")}
    code, out, _ = run_cli(capsys, "asset", "show", "female-1")
    assert code == 0 and "images/approved/image-run-001-attempt-001-img-001.png" in out


def test_render_list_and_poll_read_the_job_without_calling_anyone(old: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    before = (old / RENDER_MANIFEST).read_bytes()
    code, listed = run_json(capsys, "render", "list")
    assert code == 0 and [(j["jobId"], j["status"]) for j in listed["jobs"]] == [("an-001", "approved")]
    code, polled = run_json(capsys, "render", "poll", "an-001")
    assert code == 0 and polled["status"] == "approved" and polled["submitted"] is False
    assert polled["files"] == ["renders/an-001/renders/render-001.mp4"]
    assert json.loads((old / RENDER_MANIFEST).read_bytes())["status"] == json.loads(before)["status"]


def test_trace_finds_every_file_unchanged(old: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, traced = run_json(capsys, "trace", "an-001")
    assert code == 0
    chain = traced["traces"][0]["chain"]
    assert [link["stage"] for link in chain] == ["campaign", "concept", "persona", "script", "voice take",
                                                 "image asset", "render job", "QA report"]
    files = [f for link in chain for f in link["files"]]
    assert files and not [f for f in files if f.get("missing") or f.get("changed")]
    assert "renders/an-001/renders/render-001.mp4" in {f["path"] for f in files}
    assert "renders/an-001/qa/qa-an-001-001.json" in {f["path"] for f in files}


@pytest.mark.parametrize(("manifest", "kind", "ident"), [(IMAGE_MANIFEST, "image_job", "image-run-001"),
                                                         (RENDER_MANIFEST, "render_job", "an-001")])
def test_manifests_read_as_envelopes_whose_hashes_hold(old: Path, capsys: pytest.CaptureFixture[str], manifest: str,
                                                       kind: str, ident: str) -> None:
    code, payload = run_json(capsys, "schema", "envelope", manifest)
    env = payload["envelope"]
    assert code == 0 and (env["kind"], env["id"]) == (kind, ident)
    assert env["lineage"]["campaignId"] == "camp-1" and env["pathTaken"] == "fallback"
    for asset in env["assets"]:
        path = old / asset["path"] if kind == "render_job" else old / "assets/female-1" / asset["path"]
        if kind == "image_job":  # the candidate was approved afterwards: it moved to images/approved/
            path = path.parent.parent / "approved" / path.name
        assert sha256_file(path) == asset["sha256"]


def test_image_poll_and_a_new_qa_verdict_work_on_the_old_records(old: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, polled = run_json(capsys, "image", "poll", "--request", "image.json")
    assert code == 0 and polled["state"] == "materialized"
    code, _out, err = run_cli(capsys, "qa", "record", "an-001", "--verdict", "revise", "--failed", "lips drift",
                              "--rerun-stage", "render", "--reviewer", "lead")
    assert code == 0, err
    manifest = json.loads((old / RENDER_MANIFEST).read_text())
    assert manifest["status"] == "revise_requested" and len(manifest["qaReports"]) == 2
    code, traced = run_json(capsys, "trace", "an-001")
    qa = traced["traces"][0]["chain"][-1]
    assert qa["id"] == "qa-an-001-002" and not qa["files"][0].get("missing")
