"""fal's hosted FLUX image route: one adapter module plus one registry row, through the job kernel."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from reelforge.errors import ReelforgeError
from reelforge.providers.catalog import list_providers
from reelforge.providers.image.catalog import MODELS
from reelforge.providers.registry import ROWS, create, row
from tests.fakes._http import SECRET_SIG
from tests.fakes.fal_server import FalImageFake
from tests.fakes.image_requests import all_text, request, runner

MODEL = "image-flux-dev-text"


@pytest.fixture
def fal(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FalImageFake]:
    with FalImageFake() as fake:
        monkeypatch.setenv("FAL_KEY", fake.key)
        monkeypatch.setenv("REELFORGE_FAL_BASE_URL", fake.base)
        yield fake


def test_flux_submit_poll_materialize(fal: FalImageFake, workspace: Path) -> None:
    run = runner(workspace)
    item = run.prepare(request(model=MODEL, aspectRatio="9:16", seed=7), "text")
    first = run.submit(item)
    assert first.state == "submitted_processing" and first.submitted and fal.submits == 1
    states = [run.poll(run.prepare(request(model=MODEL, aspectRatio="9:16", seed=7), "text")).state
              for _ in range(3)]
    assert states == ["submitted_processing", "submitted_processing", "materialized"]
    assert fal.models == ["fal-ai/flux/dev"] and fal.submits == 1
    sent = fal.requests[0]
    assert sent["image_size"] == {"width": 864, "height": 1536} and sent["seed"] == 7 and sent["num_images"] == 1
    manifest = json.loads((item.log.run_dir / "manifest.json").read_text())
    assert manifest["provider"] == "fal" and manifest["attemptState"] == "materialized"
    png = item.store.root / manifest["assets"][0]["assetRelativePath"]
    with Image.open(png) as img:
        assert img.format == "PNG"
    text = all_text(workspace)
    assert fal.key not in text and SECRET_SIG not in text


def test_flux_failure_is_recorded_not_resubmitted(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FalImageFake(plan=["failed"]) as fake:
        monkeypatch.setenv("FAL_KEY", fake.key)
        monkeypatch.setenv("REELFORGE_FAL_BASE_URL", fake.base)
        run = runner(workspace)
        item = run.prepare(request(model=MODEL), "text")
        assert run.submit(item).state == "submitted_processing"
        with pytest.raises(ReelforgeError, match="face not detected"):
            run.poll(item)
        assert item.log.latest()["state"] == "provider_failed"  # type: ignore[index]
        assert run.run_one(item).state == "provider_failed" and fake.submits == 1


def test_every_image_and_video_vendor_is_one_registry_row() -> None:
    image_ids = {r.id for r in ROWS if r.capability == "image"}
    assert {spec.vendor for spec in MODELS.values()} <= image_ids
    listed = {(p["capability"], p["id"]) for p in list_providers()}
    assert {("image", "fal"), ("image", "openai"), ("image", "ark"), ("video", "fal"), ("video", "ark"),
            ("video", "local")} <= listed
    assert row("image", "fal").key_env == "FAL_KEY"
    assert type(create("image", "fal")).__name__ == "FalFlux"
