"""Image and render job manifests are written in the one envelope shape (kind, lineage, attempts, assets with
sha256, cost, warnings, exitCode), with the exit code of the command that last worked on the job."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from reelforge.errors import ReelforgeError
from reelforge.models.envelope import ENVELOPE_KEYS, envelope_from, envelope_part
from reelforge.schemas import load_shipped
from reelforge.workspace.hashing import sha256_file
from tests.cli_helpers import run_cli, run_json
from tests.fakes.fal_server import FalImageFake
from tests.fakes.image_requests import request, runner

V1 = Path(__file__).parent / "fixtures" / "workspace-v1"


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _is_envelope(manifest: dict[str, Any]) -> None:
    assert set(ENVELOPE_KEYS) - {"stages"} <= set(manifest)
    env = envelope_from(manifest)
    jsonschema.validate(env.to_json_dict(), load_shipped("manifest-envelope"))
    legacy = envelope_from({k: v for k, v in manifest.items() if k not in ENVELOPE_KEYS or k in (
        "kind", "status", "provider", "model", "pathTaken", "promptSha256", "assets", "cost")})
    assert (env.kind, env.id, env.lineage, [a.sha256 for a in env.assets]) == (
        legacy.kind, legacy.id, legacy.lineage, [a.sha256 for a in legacy.assets])


def test_a_new_image_job_and_render_job_are_envelopes_with_exit_code_0(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(V1, workspace, dirs_exist_ok=True)
    image = {**json.loads((workspace / "image.json").read_text()), "runId": "image-run-002"}
    (workspace / "image2.json").write_text(json.dumps(image))
    code, _out, err = run_cli(capsys, "image", "generate", "--request", "image2.json")
    assert code == 0, err
    manifest = _read(workspace / "assets/female-1/runs/image/image-run-002/manifest.json")
    _is_envelope(manifest)
    assert (manifest["kind"], manifest["id"], manifest["exitCode"], manifest["status"]) == (
        "image_job", "image-run-002", 0, "materialized")
    assert manifest["lineage"] == {"assetId": "female-1", "campaignId": "camp-1", "conceptId": "gmail-fixer",
                                   "personaId": "female-1"}
    assert [a["state"] for a in manifest["attempts"]] == ["materialized"]
    assert manifest["warnings"] and manifest["warnings"][0].startswith("fallback: local designed still")
    asset = manifest["assets"][0]
    assert sha256_file(workspace / "assets/female-1" / asset["path"]) == asset["sha256"]

    render = {**json.loads((workspace / "render.json").read_text()), "jobId": "an-002",
              "localOutputDir": "renders/an-002"}
    (workspace / "render2.json").write_text(json.dumps(render))
    code, _out, err = run_cli(capsys, "render", "submit", "--request", "render2.json")
    assert code == 0, err
    manifest = _read(workspace / "renders/an-002/manifest.json")
    _is_envelope(manifest)
    assert (manifest["kind"], manifest["id"], manifest["exitCode"]) == ("render_job", "an-002", 0)
    assert manifest["lineage"]["voiceTakeId"] == "take-1" and manifest["pathTaken"] == "fallback"
    assert manifest["cost"]["usd"] == 0.0 and manifest["cost"]["breakdown"] == {"video-local-animatic": 0.0}
    assert sha256_file(workspace / manifest["assets"][0]["path"]) == manifest["assets"][0]["sha256"]
    code, env = run_json(capsys, "schema", "envelope", "renders/an-002/manifest.json")
    assert code == 0 and env["envelope"]["exitCode"] == 0 and env["envelope"]["attempts"][0]["state"] == "materialized"


def test_a_failed_poll_records_its_exit_code(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FalImageFake(plan=["failed"]) as fake:
        monkeypatch.setenv("FAL_KEY", fake.key)
        monkeypatch.setenv("REELFORGE_FAL_BASE_URL", fake.base)
        run = runner(workspace)
        item = run.prepare(request(model="image-flux-dev-text"), "text")
        assert run.submit(item).state == "submitted_processing"
        path = item.log.run_dir / "manifest.json"
        assert _read(path)["exitCode"] == 0  # the submit command ended well: the job is pending
        with pytest.raises(ReelforgeError) as caught:
            run.poll(item)
    manifest = _read(path)
    assert caught.value.exit_code != 0 and manifest["exitCode"] == caught.value.exit_code
    assert manifest["attempts"][0]["phase"] == "failed" and "face not detected" in " ".join(manifest["warnings"])
    assert envelope_part(manifest)["exitCode"] == caught.value.exit_code


def test_schema_export_has_the_envelope_and_both_requests(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_json(capsys, "schema", "export", "--out", str(tmp_path))
    names = {Path(p).name for p in out["files"]}
    assert code == 0 and {"manifest-envelope.schema.json", "image-request.schema.json",
                          "render-request.schema.json", "qa-record.schema.json"} <= names
    envelope = json.loads((tmp_path / "manifest-envelope.schema.json").read_text())
    assert {"kind", "lineage", "attempts", "assets", "cost", "warnings", "exitCode"} <= set(envelope["properties"])
