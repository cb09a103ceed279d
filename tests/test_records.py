"""One record vocabulary: the request, QA and manifest-envelope models read records written by earlier code
(tests/fixtures/records-v1, made by running it) and by today's runners; the exported schemas agree."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import ValidationError

from reelforge.errors import InvalidInputError
from reelforge.models import ImageRequest, Manifest, QARecord, RenderRequest, envelope_from
from reelforge.schemas import load_shipped
from reelforge.workspace.records import read_envelope

V1 = Path(__file__).parent / "fixtures" / "records-v1"


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((V1 / name).read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(("name", "model", "schema"), [
    ("image-input.json", ImageRequest, "image-request"), ("image-request.json", ImageRequest, "image-request"),
    ("render-input.json", RenderRequest, "render-request"), ("render-request.json", RenderRequest, "render-request"),
    ("qa-record.json", QARecord, "qa-record")])
def test_records_of_earlier_code_fit_the_models_and_the_exported_schemas(name: str, model: Any, schema: str) -> None:
    data = _load(name)
    model.model_validate(data)
    jsonschema.validate(data, load_shipped(schema))


def test_the_models_refuse_what_the_runners_refuse() -> None:
    image = _load("image-input.json")
    with pytest.raises(ValidationError, match="prompt"):
        ImageRequest.model_validate({k: v for k, v in image.items() if k != "prompt"})
    with pytest.raises(ValidationError, match=r"promtp"):
        ImageRequest.model_validate({**image, "promtp": "typo"})
    with pytest.raises(ValidationError, match="jobId"):
        RenderRequest.model_validate({k: v for k, v in _load("render-input.json").items() if k != "jobId"})
    qa = _load("qa-record.json")
    with pytest.raises(ValidationError, match="goodReasons"):
        QARecord.model_validate({**qa, "goodReasons": []})
    with pytest.raises(ValidationError, match="rerunStage"):
        QARecord.model_validate({**qa, "verdict": "revise", "badReasons": ["lips drift"], "rerunStage": None})


def test_an_old_image_manifest_reads_as_an_image_job_envelope() -> None:
    data = _load("image-manifest.json")
    assert "kind" not in data and data["promptHash"].startswith("sha256:")
    env = envelope_from(data)
    prompt = _load("image-request.json")["prompt"]
    assert (env.kind, env.id, env.path_taken) == ("image_job", "image-run-001", "fallback")
    assert env.prompt_sha256 == hashlib.sha256(prompt.encode()).hexdigest()
    assert env.lineage == {"campaignId": "camp-1", "conceptId": "gmail-fixer", "personaId": "female-1",
                           "assetId": "female-1"}
    assert [(a.path, a.sha256) for a in env.assets] == [(data["assets"][0]["assetRelativePath"],
                                                         data["assets"][0]["sha256"])]
    assert [(a.attempt_id, a.state) for a in env.attempts] == [("attempt-001", "materialized")]
    jsonschema.validate(env.to_json_dict(), load_shipped("manifest-envelope"))


def test_an_old_render_manifest_reads_as_a_render_job_envelope() -> None:
    data = _load("render-manifest.json")
    env = envelope_from(data)
    assert (env.kind, env.id, env.status, env.model) == ("render_job", "an-001", "approved", "video-local-animatic")
    assert env.lineage["voiceTakeId"] == "take-1" and env.lineage["imageAssetId"] == "female-1"
    assert env.assets[0].sha256 == _load("qa-record.json")["targetVersion"]
    assert env.prompt_sha256 == hashlib.sha256(b"").hexdigest()
    jsonschema.validate(env.to_json_dict(), load_shipped("manifest-envelope"))


def test_an_old_video_manifest_still_parses_and_reads_as_a_video_run_envelope() -> None:
    data = _load("video-manifest.json")
    assert "kind" not in data
    assert Manifest.model_validate(data).kind == "video_run"
    env = envelope_from(data)
    assert env.kind == "video_run" and env.exit_code == 0 and env.status == "succeeded"
    assert [s.stage for s in env.stages][:2] == ["script", "narration"]
    assert env.path_taken == "fallback" and "voice none: silent video" in env.warnings
    assert env.assets[-1].kind == "video" and env.assets[-1].sha256 == data["outputs"]["sha256"]
    jsonschema.validate(env.to_json_dict(), load_shipped("manifest-envelope"))


def test_read_envelope_names_a_file_that_is_no_manifest(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        read_envelope(path)
    assert caught.value.exit_code == 4 and str(path) in caught.value.message
    path.write_text(json.dumps(_load("render-manifest.json")), encoding="utf-8")
    assert read_envelope(path).kind == "render_job"


def test_schema_envelope_reads_any_manifest_from_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.cli_helpers import run_cli

    code, out, _ = run_cli(capsys, "schema", "envelope", str(V1 / "image-manifest.json"), "--format", "json")
    payload = json.loads(out)
    assert code == 0 and payload["envelope"]["kind"] == "image_job" and payload["exitCode"] == 0
    (tmp_path / "other.json").write_text('{"hello": 1}', encoding="utf-8")
    code, out, _ = run_cli(capsys, "schema", "envelope", str(tmp_path / "other.json"), "--format", "json")
    assert code == 4 and json.loads(out)["exitCode"] == 4
