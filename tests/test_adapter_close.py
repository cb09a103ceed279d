"""Adapters own their HTTP clients and the runners close them: a representative image job and render job
against the loopback fakes leave no unclosed socket behind (ResourceWarning is an error here)."""

from __future__ import annotations

import gc
import warnings
from pathlib import Path

import pytest

from reelforge.batch import api as image_api
from reelforge.providers.image.fal_flux import FalFlux
from reelforge.providers.visual.pexels import PexelsClient
from reelforge.renders import api as render_api
from tests.fakes.fal_server import FalFake, FalImageFake
from tests.fakes.image_requests import request
from tests.fakes.render_assets import talking_head, upstream

pytestmark = [pytest.mark.filterwarnings("error::ResourceWarning"),
              pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")]


@pytest.fixture(autouse=True)
def _earlier_garbage_collected() -> None:
    """Sockets other tests left to the garbage collector are theirs, not this test's: collect them first."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gc.collect()


def _no_resource_warnings() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)], [str(w.message) for w in caught]


def test_an_image_job_and_a_render_job_close_every_client(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    upstream(workspace)
    monkeypatch.setenv("REELFORGE_RENDER_POLL_INTERVAL_S", "0.05")
    with FalImageFake() as images, FalFake() as videos:
        monkeypatch.setenv("FAL_KEY", images.key)
        monkeypatch.setenv("REELFORGE_FAL_BASE_URL", images.base)
        first = image_api.generate(request(model="image-flux-dev-text"), workspace=workspace, yes=True)
        assert first.state == "submitted_processing"  # type: ignore[union-attr]
        states = [image_api.poll(request(model="image-flux-dev-text"), workspace=workspace).state for _ in range(3)]
        assert states[-1] == "materialized" and images.submits == 1
        monkeypatch.setenv("FAL_KEY", videos.key)
        monkeypatch.setenv("REELFORGE_FAL_BASE_URL", videos.base)
        rendered = render_api.submit(talking_head(), workspace=workspace, yes=True, wait=30)
        assert rendered.status == "review_pending" and videos.submits == 1
    _no_resource_warnings()


def test_adapters_are_context_managers_that_close_their_client() -> None:
    with FalFlux() as adapter:
        client = adapter._client
        assert not client.is_closed
    assert client.is_closed
    with PexelsClient("k", base_url="http://127.0.0.1:9") as pexels:
        inner = pexels._client
    assert inner.is_closed
    _no_resource_warnings()
