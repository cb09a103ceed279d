from __future__ import annotations

import copy
from typing import Any

import pytest

from reelforge.errors import SchemaValidationError
from reelforge.models import Manifest, RenderSpec, Script, Timing, parse_document


def script_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": "en", "title": "T",
        "scenes": [{"id": "scene-01", "durationSec": 3, "narration": "Hello there."}], "music": "none",
    }
    data.update(overrides)
    return data


def test_valid_script_parses() -> None:
    script = parse_document(Script, script_data(), document="script.json")
    assert script.scenes[0].duration_sec == 3


def test_every_bad_field_is_named() -> None:
    bad = script_data(mode="vlog", aspect="4:3", scenes=[
        {"id": "scene-01", "durationSec": 0, "narration": "x"},
        {"id": "../x", "durationSec": 2},
    ])
    with pytest.raises(SchemaValidationError) as info:
        parse_document(Script, bad, document="script.json")
    paths = {f.path for f in info.value.issues}
    assert {"mode", "aspect", "scenes.0.durationSec"} <= paths
    assert info.value.exit_code == 4


def test_unsafe_scene_ids_are_sanitised_like_the_seed_does() -> None:
    script = parse_document(Script, script_data(scenes=[{"id": "../x", "durationSec": 2}]), document="script.json")
    assert script.scenes[0].id == "___x"


def test_limits_hold_for_injected_scripts() -> None:
    many = [{"id": f"s{i}", "durationSec": 1} for i in range(41)]
    with pytest.raises(SchemaValidationError, match="41 scenes"):
        parse_document(Script, script_data(scenes=many), document="script.json")
    long = [{"id": f"s{i}", "durationSec": 30} for i in range(7)]
    with pytest.raises(SchemaValidationError, match="180"):
        parse_document(Script, script_data(scenes=long), document="script.json")


def test_repeated_scene_ids_are_renamed_with_a_note() -> None:
    from reelforge.models.script import seed_compat_notes

    dup = script_data(scenes=[{"id": "a", "durationSec": 1}, {"id": "a", "durationSec": 1}])
    script = parse_document(Script, dup, document="script.json")
    assert [s.id for s in script.scenes] == ["a", "a-2"]
    assert seed_compat_notes(dup) == ["scene 2 id 'a' repeats an earlier id; renamed 'a-2'"]


def timing_data() -> dict[str, Any]:
    return {
        "schemaVersion": "1.0", "source": "estimated", "audio": "", "totalSec": 4,
        "segments": [
            {"sceneId": "a", "startSec": 0, "endSec": 2, "words": [{"t": "hi", "startSec": 0.1, "endSec": 0.5}]},
            {"sceneId": "b", "startSec": 2, "endSec": 4, "words": []},
        ],
    }


def test_timing_checks_order_and_bounds() -> None:
    assert parse_document(Timing, timing_data(), document="timing.json").total_sec == 4
    overlap = timing_data()
    overlap["segments"][1]["startSec"] = 1.5
    with pytest.raises(SchemaValidationError, match="overlaps"):
        parse_document(Timing, overlap, document="timing.json")
    backwards = timing_data()
    backwards["segments"][0]["words"][0]["endSec"] = 0.05
    with pytest.raises(SchemaValidationError, match="endSec must be greater"):
        parse_document(Timing, backwards, document="timing.json")
    outside = timing_data()
    outside["segments"][0]["words"][0]["endSec"] = 2.5
    with pytest.raises(SchemaValidationError, match="ends after the segment"):
        parse_document(Timing, outside, document="timing.json")


SHA = "a" * 64


def spec_data() -> dict[str, Any]:
    scene = {"id": "a", "fromFrame": 0, "durationInFrames": 60,
             "visual": {"src": "visuals/a.png", "sha256": SHA, "type": "image", "provider": "designed-card"},
             "transitionOut": {"kind": "fade", "durationFrames": 10}}
    scene2 = copy.deepcopy(scene) | {"id": "b", "fromFrame": 60, "transitionOut": {"kind": "cut"}}
    return {"schemaVersion": "1.0", "composition": "Shorts", "slug": "t", "output": "shorts-t.mp4",
            "dimensions": {"width": 1080, "height": 1920}, "durationInFrames": 120, "scenes": [scene, scene2],
            "captions": {"style": "none"}, "seed": 1}


def test_render_spec_frames_must_tile() -> None:
    assert parse_document(RenderSpec, spec_data(), document="render-spec.json").duration_in_frames == 120
    gap = spec_data()
    gap["scenes"][1]["fromFrame"] = 61
    with pytest.raises(SchemaValidationError, match="fromFrame"):
        parse_document(RenderSpec, gap, document="render-spec.json")
    total = spec_data()
    total["durationInFrames"] = 119
    with pytest.raises(SchemaValidationError, match="add up"):
        parse_document(RenderSpec, total, document="render-spec.json")


def test_sha256_pattern_enforced() -> None:
    bad = spec_data()
    bad["scenes"][0]["visual"]["sha256"] = "not-a-hash"
    with pytest.raises(SchemaValidationError) as info:
        parse_document(RenderSpec, bad, document="render-spec.json")
    assert info.value.issues[0].path == "scenes.0.visual.sha256"


def test_manifest_rejects_bad_hash() -> None:
    data = {"schemaVersion": "1.0", "toolVersion": "0", "runId": "r", "mode": "shorts", "seed": 1, "exitCode": 0,
            "assets": [{"path": "x", "sha256": "not-a-hash", "bytes": 1}]}
    with pytest.raises(SchemaValidationError, match=r"assets\.0\.sha256"):
        parse_document(Manifest, data, document="manifest.json")
