"""Request records through the CLI: refusals before any network call, defaults, guardrail, idempotency."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reelforge.cli.asset_cmd import asset_group
from reelforge.cli.image_cmd import image_group
from reelforge.cli.main import cli
from tests.cli_helpers import run_json
from tests.fakes.image_requests import request
from tests.fakes.openai_server import OpenAIFake

cli.add_command(image_group)
cli.add_command(asset_group)


def _write(path: Path, data: dict[str, Any]) -> str:
    path.write_text(json.dumps(data))
    return str(path)


@pytest.mark.parametrize(("drop", "field"), [
    (("personaId",), "personaId"), (("assetPurpose",), "assetPurpose"), (("sourceBasis",), "sourceBasis"),
    (("localAssetDir",), "localAssetDir")])
def test_under_specified_requests_are_refused_before_any_call(capsys: pytest.CaptureFixture[str],
                                                              openai_fake: OpenAIFake, workspace: Path,
                                                              drop: tuple[str, ...], field: str) -> None:
    data = {k: v for k, v in request(model="image-gpt-image-2-text").items() if k not in drop}
    code, out = run_json(capsys, "image", "generate", "--request", _write(workspace / "r.json", data))
    assert code == 4 and openai_fake.submits == 0
    assert field in [f["path"] for f in out["error"]["fields"]]
    assert not (workspace / "assets").exists()


def test_edit_without_an_approved_source_is_refused(capsys: pytest.CaptureFixture[str], openai_fake: OpenAIFake,
                                                   workspace: Path) -> None:
    data = request(model="image-gpt-image-2-edit", sourceImages=["images/approved/nope.png"])
    code, out = run_json(capsys, "image", "edit", "--request", _write(workspace / "e.json", data))
    assert code == 4 and "not an approved image" in out["error"]["message"] and openai_fake.submits == 0
    data.pop("sourceImages")
    code, out = run_json(capsys, "image", "edit", "--request", _write(workspace / "e.json", data))
    assert code == 4 and "sourceImages" in [f["path"] for f in out["error"]["fields"]]


def test_snake_case_and_unknown_model_are_named(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    data = request(aspect_ratio="9:16", model="image-dalle-9")
    code, out = run_json(capsys, "image", "generate", "--request", _write(workspace / "r.json", data))
    paths = {f["path"]: f["message"] for f in out["error"]["fields"]}
    assert code == 4 and "aspectRatio" in paths["aspect_ratio"] and "unknown" in paths["model"]


def test_missing_key_exits_5_naming_the_env_var(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    data = request(model="image-seedream-v5-lite-text")
    code, out = run_json(capsys, "image", "generate", "--request", _write(workspace / "r.json", data))
    assert code == 5 and "ARK_API_KEY" in out["error"]["message"]


def test_quality_defaults_to_the_highest_tier_and_is_persisted(capsys: pytest.CaptureFixture[str],
                                                               openai_fake: OpenAIFake, workspace: Path) -> None:
    req = _write(workspace / "r.json", request(model="image-gpt-image-2-text"))
    code, out = run_json(capsys, "image", "generate", "--request", req, "--yes")
    assert code == 0 and out["state"] == "materialized"
    assert openai_fake.requests[0]["quality"] == "high" and openai_fake.requests[0]["size"] == "1152x2048"
    run = workspace / "assets/female-1-cover-v1/runs/image/image-run-001"
    assert json.loads((run / "request.json").read_text())["chosenSettings"]["source"]["quality"] == \
        "highest-practical"
    assert json.loads((run / "manifest.json").read_text())["settings"]["quality"] == "high"
    draft = _write(workspace / "d.json", request(model="image-gpt-image-2-text", runId="image-run-002", draft=True))
    code, out = run_json(capsys, "image", "generate", "--request", draft)
    assert code == 0 and openai_fake.requests[1]["quality"] == "low"  # 1 draft image is under $0.20


def test_cost_guardrail_refuses_without_yes(capsys: pytest.CaptureFixture[str], openai_fake: OpenAIFake,
                                            workspace: Path) -> None:
    req = _write(workspace / "r.json", request(model="image-gpt-image-2-text"))
    code, out = run_json(capsys, "image", "generate", "--request", req)
    assert code == 4 and "$0.25" in out["error"]["message"] and openai_fake.submits == 0
    code, out = run_json(capsys, "image", "generate", "--request", req, "--max-usd", "1")
    assert code == 0 and openai_fake.submits == 1


def test_second_submit_refused_unless_new_attempt(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    req = _write(workspace / "r.json", request())
    assert run_json(capsys, "image", "generate", "--request", req)[0] == 0
    code, out = run_json(capsys, "image", "generate", "--request", req)
    assert code == 4 and "attempt-001 is materialized" in out["error"]["message"]
    code, out = run_json(capsys, "image", "generate", "--request", req, "--new-attempt")
    assert code == 0 and out["attemptId"] == "attempt-002"
    attempts = workspace / "assets/female-1-cover-v1/runs/image/image-run-001/attempts"
    assert [a["attemptId"] for a in json.loads((attempts / "index.json").read_text())["attempts"]] == [
        "attempt-001", "attempt-002"]
    assert (attempts / "attempt-001/manifest.json").is_file()  # the first attempt is kept, not overwritten
    code, out = run_json(capsys, "image", "poll", "--request", req)
    assert code == 0 and out["state"] == "materialized"


def test_local_provider_is_labelled(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    req = _write(workspace / "r.json", request())
    code, out = run_json(capsys, "image", "generate", "--request", req)
    manifest = json.loads(Path(out["manifestPath"]).read_text())
    assert code == 0 and manifest["pathTaken"] == "fallback" and "not a photographic" in manifest["providerLabel"]


class _AsyncVendor:
    """An in-process vendor with async jobs: submit answers a handle, the second poll answers the image."""

    vendor = "local"
    key_env = None

    def __init__(self) -> None:
        self.polls = 0
        self.submits = 0

    def submit(self, job: Any) -> Any:
        from reelforge.providers.image.base import ProviderResult

        self.submits += 1
        return ProviderResult("processing", {"id": "pred-1", "status": "processing"}, handle="pred-1")

    def poll(self, handle: str) -> Any:
        from reelforge.providers.image.base import ProviderOutput, ProviderResult
        from tests.fakes._http import png_bytes

        self.polls += 1
        if self.polls < 2:
            return ProviderResult("processing", {"id": handle, "status": "processing"}, handle=handle)
        return ProviderResult("completed", {"id": handle, "status": "completed"}, handle=handle,
                              outputs=[ProviderOutput(0, "bytes", "image/png", data=png_bytes(7))])


def test_async_submit_then_poll_materializes(workspace: Path) -> None:
    from tests.fakes.image_requests import runner

    vendor = _AsyncVendor()
    run = runner(workspace, providers=lambda _v: vendor)
    item = run.prepare(request(), "text")
    assert run.submit(item).state == "submitted_processing"
    assert run.poll(item).state == "submitted_processing"
    result = run.poll(item)
    assert result.state == "materialized" and vendor.submits == 1 and vendor.polls == 2
    attempt = json.loads((item.log.attempt_dir("attempt-001") / "attempt.json").read_text())
    assert [h["path"] for h in attempt["responseHistory"]] == [
        "submit-response.json", "poll-response-001.json", "poll-response-002.json"]
