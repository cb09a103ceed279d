"""One pydantic model per request kind validates every image and render request (the hand-written validators
are gone): each refusal is exit 4 naming the field path as written and what to write instead, and a
normalized request.json settles again to itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reelforge.batch.runner import image_request
from reelforge.errors import SchemaValidationError
from reelforge.models.render_request import RenderRequest
from reelforge.providers.video.catalog import video_model
from tests.fakes.image_requests import request

SRC = Path(__file__).resolve().parents[1] / "src" / "reelforge"
V1 = Path(__file__).parent / "fixtures" / "workspace-v1"


def _fields(err: SchemaValidationError) -> dict[str, str]:
    return {i.path: i.message for i in err.issues}


def test_the_hand_written_validators_are_gone() -> None:
    assert not (SRC / "batch" / "request.py").exists() and not (SRC / "renders" / "request.py").exists()
    for path in [*(SRC / "batch").glob("*.py"), *(SRC / "renders").glob("*.py")]:
        assert "def normalize(" not in path.read_text(), path


def test_image_request_names_every_field_with_its_fix_in_one_answer() -> None:
    raw = {k: v for k, v in request(aspect_ratio="9:16", model="image-dalle-9", seed=True).items()
           if k != "sourceBasis"}
    with pytest.raises(SchemaValidationError) as caught:
        image_request(raw, operation="text")
    fields = _fields(caught.value)
    assert caught.value.exit_code == 4
    assert fields["aspect_ratio"] == "snake_case field; use aspectRatio"
    assert "unknown image endpoint key 'image-dalle-9'" in fields["model"]
    assert fields["sourceBasis"].startswith("is required: no source basis")
    assert fields["seed"] == "must be an integer"


def test_image_rules_of_the_model_and_the_command() -> None:
    with pytest.raises(SchemaValidationError) as caught:
        image_request(request(model="image-gpt-image-2-edit"), operation="text")
    assert "is a edit endpoint; use `reelforge image edit`" in _fields(caught.value)["model"]
    with pytest.raises(SchemaValidationError) as caught:
        image_request(request(aspectRatio="7:1", quality="ultra", model="image-gpt-image-2-text"), operation="text")
    assert {"aspectRatio", "quality"} <= set(_fields(caught.value))


def test_render_request_paths_are_as_written() -> None:
    base = {"jobId": "s-1", "model": "video-kling-v2-6-motion-control", "assetPurpose": "reference_motion_transfer",
            "sourceBasis": "brief", "localOutputDir": "renders/s-1", "characterOrientation": "video",
            "image": "https://x.example/a.png"}
    with pytest.raises(SchemaValidationError) as caught:
        RenderRequest.settle({**base, "motionVideo": {"url": "https://x.example/m.mp4", "durationSeconds": "abc"},
                              "seed": "7"}, lookup=video_model)
    assert set(_fields(caught.value)) == {"motionVideo.durationSeconds", "seed"}
    with pytest.raises(SchemaValidationError) as caught:
        RenderRequest.settle({**base, "model": "video-seedance-9", "referenceVideos": [{"url": "https://x.example/v",
                                                                                         "durationSeconds": -1}]},
                             lookup=video_model)
    fields = _fields(caught.value)
    assert "not a video model" in fields["model"] and "use one of" in fields["model"]
    assert "referenceVideos[0].durationSeconds" in fields


@pytest.mark.parametrize(("record", "kind"), [("assets/female-1/runs/image/image-run-001/request.json", "image"),
                                              ("renders/an-001/request.json", "render")])
def test_a_normalized_record_settles_to_itself(record: str, kind: str) -> None:
    data = json.loads((V1 / record).read_text())
    if kind == "image":
        again = image_request(data, operation="text").data
    else:
        again = RenderRequest.settle({k: v for k, v in data.items() if k not in ("inputs", "providerBody")},
                                     lookup=video_model).data
        data = {k: v for k, v in data.items() if k not in ("inputs", "providerBody")}
    chosen = ("chosenSettings", "resolutionSource")  # why a setting was chosen: now "the request said so"
    assert again["model"] == data["model"] and len(again) >= len(data) - 1
    assert {k: v for k, v in again.items() if k not in chosen} == {k: v for k, v in data.items() if k not in chosen}
