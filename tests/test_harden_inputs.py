"""Issue 22 items 4, 8 and 12: every malformed request, batch or script is a clean exit (4, or 3 for a missing
file) naming the file or field, with exactly one JSON object on stdout; never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli_helpers import run_json
from tests.fakes.image_requests import request
from tests.fakes.render_assets import motion, seedance, upstream

DEEP = b"[" * 100_000 + b"]" * 100_000


def _json(data: Any) -> bytes:
    return json.dumps(data).encode("utf-8")


def _with(raw: str, **fields: str) -> bytes:
    """The standard request with some fields spliced in as raw JSON text (to carry what json.dumps won't)."""
    text = json.dumps(request(asset_id="a", localAssetDir="assets/a"))[:-1]
    return (text + "".join(f', "{k}": {v}' for k, v in fields.items()) + "}").encode("utf-8") if not raw else \
        raw.encode("utf-8")


IMAGE_CASES: dict[str, tuple[bytes, str]] = {
    "invalid-utf8": (b'{"assetId": "a\xc3\x28"}', "<file>"),
    "utf16-bom": (b"\xff\xfe" + json.dumps(request()).encode("utf-16-le"), "<file>"),
    "utf16-no-bom": (json.dumps(request()).encode("utf-16-le"), "<file>"),
    "deep-nesting": (DEEP, "<file>"),
    "huge-int": (_with("", maxImages="9" * 5000), "<file>"),
    "lone-surrogate": (_with("", prompt='"a \\ud800 b"').replace(b'"prompt": "a creator', b'"x": "a', 1), "prompt"),
    "nan": (_with("", seed="NaN"), "<file>"),
    "aspect-0-0": (_json(request(asset_id="a", localAssetDir="assets/a", aspectRatio="0:0")), "aspectRatio"),
    "aspect-text": (_json(request(asset_id="a", localAssetDir="assets/a", aspectRatio="wide")), "aspectRatio"),
    "not-an-object": (b"[1, 2]", "<root>"),
    "max-images-0": (_json(request(asset_id="a", localAssetDir="assets/a", maxImages=0,
                                   model="image-seedream-v5-lite-sequential")), "maxImages"),
    "seed-negative": (_json(request(asset_id="a", localAssetDir="assets/a", seed=-1)), "seed"),
}


@pytest.mark.parametrize("case", sorted(IMAGE_CASES))
def test_malformed_image_requests_are_exit_4_naming_the_field(capsys: pytest.CaptureFixture[str], workspace: Path,
                                                              case: str) -> None:
    raw, field = IMAGE_CASES[case]
    path = workspace / "r.json"
    path.write_bytes(raw)
    code, out = run_json(capsys, "image", "generate", "--request", str(path))
    assert code == 4, out
    assert field in [f["path"] for f in out["error"]["fields"]], out["error"]
    assert not (workspace / "assets").exists()


@pytest.mark.parametrize(("content", "field"), [
    (b"", "<file>"), (b"\n\n  \n", "<file>"),
    (_json(request(run_id="r1")) + b"\n{not json\n", "line 2"),
    (_json(request(run_id="r1")) + b"\n" + DEEP + b"\n", "line 2"),
    (_json(request(run_id="r1")) + b"\n7\n", "line 2"),
])
def test_malformed_jsonl_batches_are_exit_4_naming_the_line(capsys: pytest.CaptureFixture[str], workspace: Path,
                                                            content: bytes, field: str) -> None:
    path = workspace / "b.jsonl"
    path.write_bytes(content)
    code, out = run_json(capsys, "image", "generate", "--request", str(path))
    assert code == 4, out
    assert any(f["path"].startswith(field) for f in out["error"]["fields"]), out["error"]


@pytest.mark.parametrize("argv", [["image", "generate"], ["image", "edit"], ["image", "poll"], ["render", "submit"]])
def test_a_missing_request_file_is_exit_3(capsys: pytest.CaptureFixture[str], workspace: Path,
                                          argv: list[str]) -> None:
    code, out = run_json(capsys, *argv, "--request", "nope.json")
    assert code == 3, out
    assert "nope.json" in out["error"]["message"]


def test_a_folder_as_request_is_exit_4(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    (workspace / "d.json").mkdir()
    code, out = run_json(capsys, "image", "generate", "--request", "d.json")
    assert code == 4 and "d.json" in out["error"]["message"]


RENDER_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "storyline-int": ({"promptPlan": {"subject": "s", "storyline": 5}}, "promptPlan.storyline"),
    "storyline-true": ({"promptPlan": {"subject": "s", "storyline": True}}, "promptPlan.storyline"),
    "referencemap-int": ({"promptPlan": {"subject": "s", "referenceMap": 7}}, "promptPlan.referenceMap"),
    "storyline-time-int": ({"promptPlan": {"storyline": [{"time": 3, "visual": "v"}]}}, "promptPlan.storyline[0]"),
    "motion-duration-text": ({**motion(), "motionVideo": {"url": "https://x.example/m.mp4", "durationSeconds": "abc"}},
                             "motionVideo.durationSeconds"),
    "duration-text": ({"mode": "reference", "image": None, "prompt": "[video 1] dance",
                       "referenceVideos": [{"url": "https://x.example/a.mp4", "durationSeconds": "abc"}]},
                      "referenceVideos[0].durationSeconds"),
    "duration-object": ({"mode": "reference", "image": None, "prompt": "[video 1] dance",
                         "referenceVideos": [{"url": "https://x.example/a.mp4", "durationSeconds": {"a": 1}}]},
                        "referenceVideos[0].durationSeconds"),
}


@pytest.mark.parametrize("case", sorted(RENDER_CASES))
def test_malformed_render_requests_are_exit_4_naming_the_field(capsys: pytest.CaptureFixture[str], workspace: Path,
                                                               case: str) -> None:
    upstream(workspace)
    extra, field = RENDER_CASES[case]
    base = {} if "jobId" in extra else seedance()
    data = {k: v for k, v in {**base, **extra}.items() if v is not None}
    (workspace / "r.json").write_text(json.dumps(data), encoding="utf-8")
    code, out = run_json(capsys, "render", "submit", "--request", "r.json")
    assert code == 4, out
    assert field in [f["path"] for f in out["error"].get("fields", [])], out["error"]


def _script(narration: str, scene_id: str = "intro") -> dict[str, Any]:
    return {"schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": "en-US", "title": "T",
            "scenes": [{"id": "hook", "durationSec": 3, "narration": "Hello there."},
                       {"id": scene_id, "durationSec": 3, "narration": narration}]}


@pytest.mark.parametrize(("raw", "field", "words"), [
    (_json(_script(" ".join(["word"] * 10_000), "long-one")), "scenes.1", "long-one"),
    (_json(_script("before \u0000 after", "nul-one")), "scenes.1.narration", "NUL"),
    (b"\xff\xfe" + json.dumps(_script("x")).encode("utf-16-le"), "<file>", "UTF-16"),
    (b'{"schemaVersion": "1.0", "title": "\xc3\x28"}', "<file>", "UTF-8"),
    (DEEP, "<file>", "nested"),
])
def test_malformed_scripts_are_exit_4_naming_the_scene(capsys: pytest.CaptureFixture[str], workspace: Path,
                                                       raw: bytes, field: str, words: str) -> None:
    (workspace / "script.json").write_bytes(raw)
    code, out = run_json(capsys, "video", "generate", "x", "--script", "script.json", "--dry-run")
    assert code == 4, out
    fields = out["error"]["fields"]
    assert any(f["path"] == field for f in fields), fields
    assert words in json.dumps(out["error"])


def test_narration_checks_hold_for_scripts_built_in_code() -> None:
    from pydantic import ValidationError

    from reelforge.models.script import Script

    with pytest.raises(ValidationError, match=r"scene .nul-one.*NUL"):
        Script.model_validate(_script("a\u0000b", "nul-one"))
    with pytest.raises(ValidationError, match=r"scene .long-one.*180 s"):
        Script.model_validate(_script(" ".join(["word"] * 2_000), "long-one"))
    Script.model_validate(_script(" ".join(["word"] * 300)))  # 300 words: a normal 2-minute script is fine
