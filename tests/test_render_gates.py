"""Every gate refuses before submission (exit 4, naming what is missing) and no request leaves the machine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reelforge.errors import SchemaValidationError
from reelforge.renders import api
from tests.fakes.ark_video_server import ArkVideoFake, VideoFake
from tests.fakes.fal_server import FalFake
from tests.fakes.render_assets import IMAGE, motion, runner, seedance, talking_head, upstream


@pytest.fixture
def fakes(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[VideoFake]]:
    with FalFake() as fal, ArkVideoFake() as ark:
        monkeypatch.setenv("FAL_KEY", fal.key)
        monkeypatch.setenv("REELFORGE_FAL_BASE_URL", fal.base)
        monkeypatch.setenv("ARK_API_KEY", ark.key)
        monkeypatch.setenv("REELFORGE_ARK_BASE_URL", ark.base + "/api/v3")
        yield [fal, ark]


def _refused(root: Path, fakes: list[VideoFake], request: dict[str, Any], *fields: str) -> SchemaValidationError:
    with pytest.raises(SchemaValidationError) as info:
        api.submit(request, workspace=root, yes=True, runner=runner(root))
    err = info.value
    assert err.exit_code == 4
    assert {i.path for i in err.issues} >= set(fields), err.message
    assert sum(f.hits for f in fakes) == 0  # nothing left the machine
    assert not (root / "renders").exists()
    return err


def test_talking_head_without_approved_persona(workspace: Path, fakes: list[VideoFake]) -> None:
    upstream(workspace, persona=False)
    err = _refused(workspace, fakes, talking_head(), "personaId")
    assert "female-1 is not approved" in err.message


def test_talking_head_without_approved_image(workspace: Path, fakes: list[VideoFake]) -> None:
    upstream(workspace, image=False)
    err = _refused(workspace, fakes, talking_head(), "imageAssetId")
    assert "no approved hero image" in err.message


def test_talking_head_without_approved_voice_take(workspace: Path, fakes: list[VideoFake]) -> None:
    upstream(workspace, take=False)
    err = _refused(workspace, fakes, talking_head(), "voiceTakeId")
    assert "no approved audio" in err.message


def test_talking_head_lists_every_missing_approval_at_once(workspace: Path, fakes: list[VideoFake]) -> None:
    upstream(workspace, persona=False, image=False, take=False)
    _refused(workspace, fakes, talking_head(), "personaId", "imageAssetId", "voiceTakeId")


def test_seedance_without_prompt(workspace: Path, fakes: list[VideoFake]) -> None:
    upstream(workspace)
    _refused(workspace, fakes, seedance(promptPlan=None), "prompt")


def test_seedance_first_frame_without_image(workspace: Path, fakes: list[VideoFake]) -> None:
    upstream(workspace)
    _refused(workspace, fakes, seedance(image=None), "image")


def test_seedance_without_mode(workspace: Path, fakes: list[VideoFake]) -> None:
    upstream(workspace)
    _refused(workspace, fakes, seedance(mode=None), "mode")


def test_seedance_roles_that_do_not_fit_the_mode(workspace: Path, fakes: list[VideoFake]) -> None:
    upstream(workspace)
    approved = f"assets/{IMAGE}/images/approved/{IMAGE}-img-001.png"
    err = _refused(workspace, fakes, seedance(lastImage=approved, referenceImages=[approved]),
                   "lastImage", "referenceImages")
    assert "cannot be mixed" in err.message


def test_seedance_reference_audio_alone(workspace: Path, fakes: list[VideoFake]) -> None:
    upstream(workspace)
    _refused(workspace, fakes, seedance(mode="reference", image=None,
                                        referenceAudios=["https://cdn.example.com/a.mp3"]), "referenceImages")


def test_seedance_binding_to_a_reference_that_is_not_sent(workspace: Path, fakes: list[VideoFake]) -> None:
    upstream(workspace)
    plan = {"subject": "a mug on a desk", "referenceMap": [{"ref": "image 2", "role": "the mug's shape"}]}
    _refused(workspace, fakes, seedance(mode="reference", image=None, promptPlan=plan,
                                        referenceImages=[f"assets/{IMAGE}/images/approved/{IMAGE}-img-001.png"]),
             "promptPlan.referenceMap[0]")


@pytest.mark.parametrize("field", ["camera_trajectory", "motionBrush", "promptPlan.object_trajectories",
                                   "cameraControl"])
def test_structured_motion_control_is_refused(workspace: Path, fakes: list[VideoFake], field: str) -> None:
    upstream(workspace)
    request = seedance()
    if field.startswith("promptPlan."):
        request["promptPlan"][field.split(".", 1)[1]] = [{"x": 0, "y": 0}]
    else:
        request[field] = [{"x": 0, "y": 0}]
    err = _refused(workspace, fakes, request, field)
    assert "video-kling-v2-6-motion-control" in err.message


def test_motion_transfer_needs_its_media_and_orientation(workspace: Path, fakes: list[VideoFake]) -> None:
    upstream(workspace)
    _refused(workspace, fakes, motion(motionVideo=None, characterOrientation=None), "motionVideo",
             "characterOrientation")


@pytest.mark.parametrize("field", ["assetPurpose", "sourceBasis", "localOutputDir"])
def test_no_purpose_source_basis_or_output_path(workspace: Path, fakes: list[VideoFake], field: str) -> None:
    upstream(workspace)
    request = talking_head()
    request.pop(field)
    _refused(workspace, fakes, request, field)


def test_local_video_must_be_uploaded(workspace: Path, fakes: list[VideoFake]) -> None:
    upstream(workspace)
    (workspace / "clips").mkdir()
    (workspace / "clips" / "dance.mp4").write_bytes(b"\x00" * 64)
    with pytest.raises(SchemaValidationError) as info:
        api.submit(motion(motionVideo="clips/dance.mp4"), workspace=workspace, yes=True, runner=runner(workspace))
    assert info.value.exit_code == 4 and "must be uploaded first" in info.value.message
    assert sum(f.hits for f in fakes) == 0


def test_resolution_defaults_to_best_tier_and_draft_to_cheapest(workspace: Path) -> None:
    upstream(workspace)
    run = runner(workspace)
    best = run.prepare(seedance(), check_key=False).request.data
    draft = run.prepare(seedance(draft=True), check_key=False).request.data
    assert (best["resolution"], best["resolutionSource"]) == ("1080p", "default-highest")
    assert (draft["resolution"], draft["resolutionSource"]) == ("480p", "draft")
    assert run.prepare(motion(), check_key=False).request.data["vendorModel"].endswith("/pro/motion-control")


def test_a_seedance_frame_from_the_store_must_be_an_approved_file(workspace: Path, fakes: list[VideoFake]) -> None:
    upstream(workspace, image=False)  # the image asset's file stays under images/candidates/
    candidate = f"assets/{IMAGE}/images/candidates/{IMAGE}-img-001.png"
    err = _refused(workspace, fakes, seedance(image=candidate), "image")
    assert "not approved" in err.message and f"reelforge asset approve {IMAGE}" in err.message


def test_a_frame_from_outside_the_store_is_an_explicit_external_ref(workspace: Path, fakes: list[VideoFake]) -> None:
    upstream(workspace)
    outside = workspace / "refs" / "frame.png"
    outside.parent.mkdir()
    outside.write_bytes((workspace / f"assets/{IMAGE}/images/approved/{IMAGE}-img-001.png").read_bytes())
    result = api.submit(seedance(image="refs/frame.png"), workspace=workspace, yes=True, runner=runner(workspace))
    request = (workspace / "renders" / result.job_id / "request.json").read_text()
    assert '"approval": "external"' in request and '"sha256"' in request
