"""Vendor faults through the one HTTP module (issue 22 items 2, 3, 9): deadlines, output checks, redaction."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reelforge.errors import ProviderUnavailableError, StageTimeoutError
from tests.cli_helpers import run_json
from tests.fakes._http import FakeVendor
from tests.fakes.ark_server import ArkFake
from tests.fakes.gemini_server import GeminiFake
from tests.fakes.image_requests import all_text, request, runner
from tests.fakes.openai_server import OpenAIFake

DEADLINE = 2.0
# (id, fake factory, model key, key env, base-url env name, base suffix)
VENDORS = [
    ("openai", lambda: OpenAIFake(), "image-gpt-image-2-text", "OPENAI_API_KEY", "OPENAI", "/v1"),
    ("gemini", lambda: GeminiFake(), "image-nano-banana-2-text", "GEMINI_API_KEY", "GEMINI", ""),
    ("ark", lambda: ArkFake(), "image-seedream-v5-lite-text", "ARK_API_KEY", "ARK", "/api/v3"),
]


@pytest.fixture(params=VENDORS, ids=[v[0] for v in VENDORS])
def vendor(request: pytest.FixtureRequest, workspace: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeVendor, str]]:
    _id, factory, model, env, name, suffix = request.param
    with factory() as fake:
        monkeypatch.setenv(env, fake.key)
        monkeypatch.setenv(f"REELFORGE_{name}_BASE_URL", fake.base + suffix)
        monkeypatch.setenv("REELFORGE_VENDOR_DEADLINE", str(DEADLINE))
        monkeypatch.setenv("REELFORGE_RETRY_BASE_S", "0.01")
        yield fake, model


@pytest.mark.parametrize("fault", ["hang", "drip"])
def test_a_hung_or_dripping_vendor_ends_in_exit_6_within_the_deadline_and_in_doubt(
        vendor: tuple[FakeVendor, str], workspace: Path, fault: str) -> None:
    fake, model = vendor
    fake.drip_s = 0.4  # well under httpx's own read timeout: only the overall deadline can stop it
    fake.script.append(fault)
    run = runner(workspace, policy=None)
    item = run.prepare(request(model=model), "text")
    sdk = getattr(run.provider(item.request.spec.vendor), "_sdk", None)
    if sdk is not None:
        sdk()  # import the vendor SDK first: the deadline is about the vendor, not about our imports
    start = time.monotonic()
    with pytest.raises(StageTimeoutError) as info:
        run.submit(item)
    elapsed = time.monotonic() - start
    assert info.value.exit_code == 6 and DEADLINE - 0.2 <= elapsed < DEADLINE + 3, elapsed
    assert "in doubt" in info.value.message and "--new-attempt" in (info.value.hint or "")
    assert fake.received == 1  # a request that was sent is never sent again without --new-attempt
    latest = item.log.latest()
    assert latest is not None and latest["state"] == "in_doubt"
    manifest = json.loads((item.log.run_dir / "manifest.json").read_text())
    assert manifest["attemptState"] == "in_doubt"


def test_the_cli_reaches_exit_6_for_a_hung_vendor_with_the_configured_deadline(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with ArkFake() as fake:
        monkeypatch.setenv("ARK_API_KEY", fake.key)
        monkeypatch.setenv("REELFORGE_ARK_BASE_URL", fake.base + "/api/v3")
        monkeypatch.setenv("REELFORGE_VENDOR_DEADLINE", "1.5")
        fake.script.append("hang")
        path = workspace / "req.json"
        path.write_text(json.dumps(request(model="image-seedream-v5-lite-text")))
        start = time.monotonic()
        code, data = run_json(capsys, "image", "generate", "--request", str(path), "--yes")
        assert code == 6 and time.monotonic() - start < 6, data
        assert fake.received == 1


def test_a_200_html_page_is_never_stored_as_an_image(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with ArkFake() as fake:
        monkeypatch.setenv("ARK_API_KEY", fake.key)
        monkeypatch.setenv("REELFORGE_ARK_BASE_URL", fake.base + "/api/v3")
        fake.html_downloads = True
        run = runner(workspace)
        item = run.prepare(request(model="image-seedream-v5-lite-text"), "text")
        with pytest.raises(ProviderUnavailableError, match="not an image"):
            run.submit(item)
        candidates = workspace / "assets/female-1-cover-v1/images/candidates"
        assert [p.name for p in candidates.iterdir() if not p.name.endswith(".rejected")] == []
        rejected = list(candidates.glob("*.rejected"))
        assert len(rejected) == 1 and rejected[0].read_bytes().startswith(b"<!doctype html>")  # raw body kept
        manifest = json.loads((item.log.run_dir / "manifest.json").read_text())
        assert manifest["attemptState"] == "materialization_failed" and manifest["assets"] == []
        assert manifest["materializationError"]["recoverable"] is False


def test_base64_that_is_not_an_image_fails_the_attempt_and_keeps_the_bytes(workspace: Path,
                                                                           openai_fake: OpenAIFake) -> None:
    openai_fake.not_image = True
    run = runner(workspace)
    item = run.prepare(request(model="image-gpt-image-2-text"), "text")
    with pytest.raises(ProviderUnavailableError, match="not an image"):
        run.submit(item)
    assert not list((workspace / "assets/female-1-cover-v1/images/candidates").iterdir())
    raw = item.log.attempt_dir("attempt-001") / "output-001.raw"
    assert raw.read_bytes().startswith(b"<!doctype html>")
    assert item.log.latest()["state"] == "materialization_failed"  # type: ignore[index]


def test_a_key_echoed_in_a_successful_body_is_redacted_everywhere(vendor: tuple[FakeVendor, str],
                                                                  workspace: Path) -> None:
    fake, model = vendor
    fake.echo_key = True
    run = runner(workspace)
    result = run.submit(run.prepare(request(model=model), "text"))
    assert result.state == "materialized"
    response: dict[str, Any] = json.loads(
        (workspace / "assets/female-1-cover-v1/runs/image/image-run-001/response.json").read_text())
    assert "echo" in json.dumps(response)  # the echo was saved, minus the key
    assert fake.key not in all_text(workspace)


def test_a_hung_vendor_at_poll_ends_in_exit_6_after_one_deadline(workspace: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fakes.fal_server import FalImageFake

    with FalImageFake() as fake:
        monkeypatch.setenv("FAL_KEY", fake.key)
        monkeypatch.setenv("REELFORGE_FAL_BASE_URL", fake.base)
        monkeypatch.setenv("REELFORGE_VENDOR_DEADLINE", str(DEADLINE))
        run = runner(workspace)
        item = run.prepare(request(model="image-flux-dev-text"), "text")
        assert run.submit(item).state == "submitted_processing"
        fake.script.append("hang")  # the next call, the status check, never answers
        start = time.monotonic()
        with pytest.raises(StageTimeoutError) as info:
            run.poll(item)
        elapsed = time.monotonic() - start
        assert info.value.exit_code == 6 and elapsed < DEADLINE + 3, elapsed  # not retried: one deadline
        assert "nothing new was charged" in (info.value.hint or "")
        assert item.log.latest()["state"] == "submitted_processing"  # type: ignore[index]
