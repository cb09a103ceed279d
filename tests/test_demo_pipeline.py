from __future__ import annotations

from pathlib import Path

import pytest

from reelforge.capture.polish import ZOOM_HOLD_FRAMES, ZOOM_IN_FRAMES, ZOOM_OUT_FRAMES, ZoomPoint, parse_zoom
from reelforge.capture.result import CaptureAsset
from reelforge.errors import CaptureRequiredError, HashMismatchError, InvalidInputError
from reelforge.models.common import SCHEMA_VERSION, load_document
from reelforge.models.manifest import Manifest
from reelforge.models.render_spec import RenderSpec
from reelforge.models.script import Script
from reelforge.pipeline.demo import (
    DemoRequest,
    build_polish_spec,
    capture_visuals,
    reproduce_raw_demo,
    run_demo,
)
from reelforge.pipeline.recorder import RunRecorder
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import Workspace
from tests.test_capture_ingest import h264_mp4

SHA = "a" * 64


def _script() -> Script:
    return Script.model_validate({
        "schemaVersion": "1.0", "mode": "demo", "aspect": "16:9", "locale": "en", "title": "Create an Invoice!",
        "scenes": [{"id": "open", "durationSec": 2, "narration": "Open billing."},
                   {"id": "send", "durationSec": 3, "narration": "Send it."}]})


def _setup(workspace: Path) -> tuple[Path, RunRecorder]:
    run_dir = workspace / "videos" / "r1"
    run_dir.mkdir(parents=True)
    return run_dir, RunRecorder(run_dir, run_id="r1", mode="demo", seed=7)


def test_file_capture_is_recorded_and_copied_out_raw(workspace: Path) -> None:
    source = h264_mp4(workspace / "rec" / "flow.mp4", seconds=1.5)
    run_dir, recorder = _setup(workspace)
    result = run_demo(DemoRequest(capture=Path("rec/flow.mp4")), _script(), run_dir, Workspace.at(workspace), recorder)
    recorder.succeed()
    assert result.video == run_dir / "demo-4x3-create-an-invoice.mp4"
    assert sha256_file(result.video) == sha256_file(source) == result.capture.sha256
    m = load_document(Manifest, run_dir / "manifest.json", document="manifest.json")
    assert m.providers == {"capture": "file", "compositor": "raw-capture"}
    assert m.nondeterministic is None and m.capture_url_masked is None
    assert [s.stage for s in m.stages] == ["capture", "render"]
    assert m.stages[0].params["source"] == "rec/flow.mp4"
    assert next(a for a in m.assets if a.path == "capture.mp4").sha256 == result.capture.sha256
    assert m.outputs.video == "demo-4x3-create-an-invoice.mp4" and m.outputs.sha256 == result.capture.sha256
    assert abs((m.outputs.duration_sec or 0) - 1.5) < 0.05

    result.video.unlink()
    assert sha256_file(reproduce_raw_demo(run_dir, m)) == m.outputs.sha256
    (run_dir / "capture.mp4").write_bytes(b"tampered")
    with pytest.raises(HashMismatchError):
        reproduce_raw_demo(run_dir, m)


def test_missing_capture_records_the_guided_fallback(workspace: Path) -> None:
    run_dir, recorder = _setup(workspace)
    with pytest.raises(CaptureRequiredError) as info:
        run_demo(DemoRequest(brief="make an invoice"), _script(), run_dir, Workspace.at(workspace), recorder)
    assert "--capture recordings/demo.mp4" in info.value.message
    stage = recorder.manifest.stages[-1]
    assert (stage.stage, stage.provider, stage.path_taken) == ("capture", "guided", "fallback")


@pytest.mark.parametrize(("request_", "flag"), [
    (DemoRequest(source="web"), "--url"),
    (DemoRequest(url="https://a.test/"), "--url"),
    (DemoRequest(capture_stop="duration:5"), "--capture-stop"),
    (DemoRequest(source="web", url="https://a.test/", capture=Path("x.mp4")), "--capture"),
    (DemoRequest(source="web", url="https://a.test/", capture_stop="duration:0"), "--capture-stop"),
    (DemoRequest(capture=Path("x.mp4"), zoom=("1:0.5,0.5",)), "--zoom"),
    (DemoRequest(capture=Path("x.mp4"), polish=True, zoom=("1:2,0.5",)), "--zoom"),
])
def test_bad_flag_combinations_are_refused_before_capturing(workspace: Path, request_: DemoRequest,
                                                            flag: str) -> None:
    run_dir, recorder = _setup(workspace)
    with pytest.raises(InvalidInputError) as info:
        run_demo(request_, _script(), run_dir, Workspace.at(workspace), recorder)
    assert flag in info.value.message
    assert recorder.manifest.stages == []


def _base_spec(frames: tuple[int, int]) -> RenderSpec:
    first, second = frames
    return RenderSpec.model_validate({
        "schemaVersion": SCHEMA_VERSION, "composition": "Demo", "slug": "s", "output": "demo-s.mp4",
        "dimensions": {"width": 1920, "height": 1080}, "durationInFrames": first + second, "seed": 1,
        "captions": {"style": "tiktok"},
        "scenes": [
            {"id": "open", "fromFrame": 0, "durationInFrames": first,
             "visual": {"src": "capture.mp4", "sha256": SHA, "type": "video", "provider": "capture"},
             "transitionOut": {"kind": "fade", "durationFrames": 10}},
            {"id": "send", "fromFrame": first, "durationInFrames": second,
             "visual": {"src": "capture.mp4", "sha256": SHA, "type": "video", "provider": "capture"}}]})


def _capture(frames: int) -> CaptureAsset:
    return CaptureAsset(path=Path("capture.mp4"), sha256=SHA, bytes=1, duration_sec=frames / 30, width=1920,
                        height=1080, frames=frames, provider="file", nondeterministic=False)


def test_polish_spec_shows_the_footage_under_every_scene_and_extends_to_its_end() -> None:
    spec = build_polish_spec(_base_spec((60, 90)), _capture(200))
    assert spec.duration_in_frames == 200
    assert [(s.id, s.from_frame, s.duration_in_frames) for s in spec.scenes] == [("open", 0, 60), ("send", 60, 140)]
    for scene in spec.scenes:
        assert scene.visual.type == "video" and scene.visual.src == "capture.mp4"
        assert scene.visual.clip_start_sec == pytest.approx(scene.from_frame / 30)
        assert scene.transition_out.kind == "cut" and scene.visual.ken_burns is None


def test_zoom_points_become_zoom_in_hold_and_out_scenes() -> None:
    assert parse_zoom("2.5:0.25,0.9") == ZoomPoint(2.5, 0.25, 0.9)
    spec = build_polish_spec(_base_spec((60, 150)), _capture(150), [parse_zoom("2.5:0.9,0.5")])
    zoomed = [s for s in spec.scenes if s.visual.ken_burns is not None]
    assert [s.duration_in_frames for s in zoomed] == [ZOOM_IN_FRAMES, ZOOM_HOLD_FRAMES, ZOOM_OUT_FRAMES]
    assert zoomed[0].from_frame == 75 and zoomed[0].visual.clip_start_sec == pytest.approx(2.5)
    kb_in, kb_hold, kb_out = (s.visual.ken_burns for s in zoomed)
    assert kb_in.start_zoom == 1.0 and kb_in.end_zoom == kb_hold.start_zoom == kb_out.start_zoom > 1.0
    assert kb_out.end_zoom == 1.0
    assert kb_hold.start_x <= 1 - 0.5 / kb_hold.start_zoom  # the zoomed view stays inside the frame
    assert len({s.id for s in spec.scenes}) == len(spec.scenes)
    across = build_polish_spec(_base_spec((60, 150)), _capture(150), [ZoomPoint(1.8, 0.5, 0.5)])
    moving = [s for s in across.scenes if s.visual.ken_burns is not None]  # the zoom-in is cut at the boundary
    assert sum(s.duration_in_frames for s in moving) == ZOOM_IN_FRAMES + ZOOM_HOLD_FRAMES + ZOOM_OUT_FRAMES
    first, second = moving[0].visual.ken_burns, moving[1].visual.ken_burns
    assert first.start_zoom == 1.0 and first.end_zoom == second.start_zoom < second.end_zoom  # continues
    assert [s.id for s in across.scenes if s.from_frame == 60] == ["send"]
    with pytest.raises(InvalidInputError, match="overlaps"):
        build_polish_spec(_base_spec((60, 150)), _capture(150), [ZoomPoint(1, 0.5, 0.5), ZoomPoint(2, 0.5, 0.5)])
    with pytest.raises(InvalidInputError, match="past the end"):
        build_polish_spec(_base_spec((60, 150)), _capture(150), [ZoomPoint(6.5, 0.5, 0.5)])


def test_capture_visuals_point_every_scene_at_the_capture() -> None:
    visuals = capture_visuals(_script(), _capture(90))
    assert [(v.scene_id, v.src, v.type) for v in visuals] == [("open", "capture.mp4", "video"),
                                                              ("send", "capture.mp4", "video")]
