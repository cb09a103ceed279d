"""Each vendor adapter against a loopback fake of its wire protocol, through the production runner."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reelforge.errors import (
    AuthRequiredError,
    InvalidInputError,
    ProviderError,
    ProviderUnavailableError,
    ReelforgeError,
)
from tests.fakes._http import SECRET_SIG, FakeVendor
from tests.fakes.ark_server import ArkFake
from tests.fakes.gemini_server import GeminiFake
from tests.fakes.image_requests import all_text, request, runner
from tests.fakes.openai_server import OpenAIFake

# (id, fake factory, model key, key env, base-url env, base suffix, returns URLs)
VENDORS = [
    ("openai-b64", lambda: OpenAIFake(), "image-gpt-image-2-text", "OPENAI_API_KEY", "OPENAI", "/v1", False),
    ("openai-url", lambda: OpenAIFake(mode="url"), "image-gpt-image-2-text", "OPENAI_API_KEY", "OPENAI", "/v1", True),
    ("gemini-inline", lambda: GeminiFake(), "image-nano-banana-pro-text-4k", "GEMINI_API_KEY", "GEMINI", "", False),
    ("gemini-file", lambda: GeminiFake(mode="file"), "image-nano-banana-2-text", "GEMINI_API_KEY", "GEMINI", "",
     True),
    ("ark", lambda: ArkFake(), "image-seedream-v5-lite-text", "ARK_API_KEY", "ARK", "/api/v3", True),
]
URL_VENDORS = [v for v in VENDORS if v[6]]


@pytest.fixture(params=VENDORS, ids=[v[0] for v in VENDORS])
def vendor(request: pytest.FixtureRequest, workspace: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeVendor, str, str]]:
    _id, factory, model, env, name, suffix, _urls = request.param
    with factory() as fake:
        monkeypatch.setenv(env, fake.key)
        monkeypatch.setenv(f"REELFORGE_{name}_BASE_URL", fake.base + suffix)
        yield fake, model, env


def _go(root: Path, model: str, **extra: Any) -> Any:
    run = runner(root)
    return run, run.prepare(request(model=model, **extra), "text")


def test_sync_success_writes_files_manifest_and_no_secrets(vendor: tuple[FakeVendor, str, str],
                                                           workspace: Path) -> None:
    fake, model, _env = vendor
    run, item = _go(workspace, model)
    result = run.submit(item)
    assert result.state == "materialized" and fake.submits == 1
    asset = workspace / "assets" / "female-1-cover-v1"
    png = asset / result.files[0]
    assert png.read_bytes().startswith(b"\x89PNG")
    manifest = json.loads((asset / "runs/image/image-run-001/manifest.json").read_text())
    assert manifest["assets"][0]["sha256"] and manifest["provider"] in ("openai", "gemini", "ark")
    assert manifest["settings"]["chosenSettings"]["source"]
    index = json.loads((asset / "index.json").read_text())
    assert index["images"][0]["kind"] == "candidate" and index["images"][0]["originRunId"] == "image-run-001"
    assert json.loads((asset / "asset.json").read_text())["heroImagePath"] is None  # nothing approved yet
    text = all_text(workspace)
    assert fake.key not in text and SECRET_SIG not in text


@pytest.mark.parametrize("step", ["429", "500"])
def test_transient_error_then_success(vendor: tuple[FakeVendor, str, str], workspace: Path, step: str) -> None:
    fake, model, _env = vendor
    fake.script.append(step)
    run, item = _go(workspace, model)
    start = time.monotonic()
    result = run.submit(item)
    assert result.state == "materialized" and fake.submits == 1
    attempt = json.loads((item.log.attempt_dir("attempt-001") / "attempt.json").read_text())
    assert [t["status"] for t in attempt["tries"]] == [int(step)]
    if step == "429":
        assert attempt["tries"][0]["retryAfter"] == 0.2
        assert time.monotonic() - start >= 0.2  # Retry-After honoured


def test_401_stops_at_once_naming_the_env_var(vendor: tuple[FakeVendor, str, str], workspace: Path) -> None:
    fake, model, env = vendor
    fake.script.extend(["401", "401", "401"])
    run, item = _go(workspace, model)
    with pytest.raises(AuthRequiredError) as info:
        run.submit(item)
    assert env in info.value.message and info.value.exit_code == 5
    assert len(fake.script) == 2  # exactly one call, no retry
    assert item.log.latest()["state"] == "not_submitted"


def test_malformed_body_is_saved_not_a_crash(vendor: tuple[FakeVendor, str, str], workspace: Path) -> None:
    fake, model, _env = vendor
    fake.script.append("malformed")
    run, item = _go(workspace, model)
    with pytest.raises(ProviderError) as info:
        run.submit(item)
    saved = item.log.attempt_dir("attempt-001") / "malformed-response.txt"
    assert saved.read_text().startswith('{"data": [ {"b64_json": "trunc')
    assert info.value.file == str(saved)
    # a malformed answer to a submit is an unknown outcome: in doubt, exactly as for render jobs
    assert item.log.latest()["state"] == "in_doubt"
    manifest = json.loads((item.log.run_dir / "manifest.json").read_text())
    assert manifest["attemptState"] == "in_doubt" and manifest["attemptPhase"] == "in_doubt"
    with pytest.raises(InvalidInputError, match="already submitted"):
        run.submit(item)  # never resubmitted without --new-attempt (refused before any network call)


@pytest.mark.parametrize("script", [["400"], ["401"], ["500", "500", "500", "500"]],
                         ids=["400", "401", "retries-exhausted"])
def test_manifest_and_attempt_log_agree_after_a_definite_refusal(
        vendor: tuple[FakeVendor, str, str], workspace: Path, script: list[str]) -> None:
    fake, model, _env = vendor
    fake.script.extend(script)
    run, item = _go(workspace, model)
    with pytest.raises(ReelforgeError):
        run.submit(item)
    attempt = item.log.latest()
    assert attempt is not None and attempt["state"] == "not_submitted" and attempt["phase"] == "failed"
    for manifest_path in (item.log.run_dir / "manifest.json",
                          item.log.attempt_dir(attempt["attemptId"]) / "manifest.json"):
        manifest = json.loads(manifest_path.read_text())
        assert manifest["attemptState"] == "not_submitted", manifest_path
        assert manifest["nextAction"] == attempt["nextAction"]
        assert "in doubt" not in manifest["nextAction"] and "pay" not in manifest["nextAction"]


@pytest.fixture(params=URL_VENDORS, ids=[v[0] for v in URL_VENDORS])
def url_vendor(request: pytest.FixtureRequest, workspace: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeVendor, str, str]]:
    _id, factory, model, env, name, suffix, _urls = request.param
    with factory() as fake:
        monkeypatch.setenv(env, fake.key)
        monkeypatch.setenv(f"REELFORGE_{name}_BASE_URL", fake.base + suffix)
        yield fake, model, env


def test_download_breaks_halfway_then_poll_rebuilds(url_vendor: tuple[FakeVendor, str, str],
                                                    workspace: Path) -> None:
    fake, model, _env = url_vendor
    fake.break_downloads = 3  # every try of the one download (providers.http.RESUME_TRIES) breaks
    run, item = _go(workspace, model)
    with pytest.raises(ProviderUnavailableError) as info:
        run.submit(item)
    assert "image poll" in info.value.hint and SECRET_SIG not in info.value.message
    asset = workspace / "assets" / "female-1-cover-v1"
    assert json.loads((asset / "asset.json").read_text())["status"] == "materialization_failed"
    index = json.loads((asset / "index.json").read_text())
    assert index["recoverableFailures"][0]["runId"] == "image-run-001" and index["images"] == []
    assert not list((asset / "images/candidates").iterdir())  # no half file left behind
    manifest = json.loads((asset / "runs/image/image-run-001/manifest.json").read_text())
    assert manifest["providerOutputUrls"][0].endswith("?<redacted>")

    result = run.poll(run.prepare(request(model=model), "text"))
    assert result.state == "materialized" and fake.submits == 1  # rebuilt without a new generation
    assert (asset / result.files[0]).read_bytes() == next(iter(fake.files.values()))
    assert json.loads((asset / "asset.json").read_text())["status"] == "review_pending"
    assert json.loads((asset / "index.json").read_text())["recoverableFailures"] == []
    assert not list((workspace / ".reelforge/vault").rglob("*.json"))  # signed URLs dropped once used
    assert SECRET_SIG not in all_text(workspace)


def test_one_broken_transfer_is_fetched_again_within_the_same_call(url_vendor: tuple[FakeVendor, str, str],
                                                                   workspace: Path) -> None:
    fake, model, _env = url_vendor
    fake.break_downloads = 1
    run, item = _go(workspace, model)
    result = run.submit(item)
    assert result.state == "materialized" and fake.downloads == 2 and fake.submits == 1
    png = workspace / "assets" / "female-1-cover-v1" / result.files[0]
    assert png.read_bytes() == next(iter(fake.files.values()))
