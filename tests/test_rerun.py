"""`video rerun` and `video status` end to end (real Piper, cards, libass, ffmpeg): an edited scene is made
again, everything else is reused, the earlier run is untouched and the mp4 is byte-identical to a fresh run of
the edited script in an empty workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli, run_json

pytestmark = pytest.mark.slow

# 4 scenes x 2 s at 1:1: three render segments (frames 0-59: scene a; 60-119: b; 120-239: c, d)
SCRIPT = {"schemaVersion": "1.0", "mode": "shorts", "aspect": "1:1", "locale": "en", "title": "Sleep notes",
          "scenes": [{"id": "a", "durationSec": 2, "narration": "Sleep is a skill.", "onScreenText": ["Skill"]},
                     {"id": "b", "durationSec": 2, "narration": "Dim the lights.", "onScreenText": ["Lights"]},
                     {"id": "c", "durationSec": 2, "narration": "Keep it cool.", "onScreenText": ["Cool"]},
                     {"id": "d", "durationSec": 2, "narration": "Wake up early.", "onScreenText": ["Early"]}]}


def _states(status: dict, stage: str) -> dict[str, str]:
    return {s["sceneId"]: s["stages"][stage]["state"] for s in status["scenes"]}


def _reuse(run_dir: Path) -> dict[str, dict]:
    manifest = json.loads((run_dir / "manifest.json").read_text())
    return {s["stage"]: s["params"]["reuse"] for s in manifest["stages"] if "reuse" in s["params"]}


def test_rerun_reuses_fresh_stages_and_matches_a_fresh_run(capsys: pytest.CaptureFixture[str], workspace: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (workspace / "script.json").write_text(json.dumps(SCRIPT))
    code, first = run_json(capsys, "video", "generate", "--script", "script.json", "--no-check")
    assert code == 0
    run1 = Path(first["runDir"])
    manifest1 = (run1 / "manifest.json").read_bytes()

    _, status = run_json(capsys, "video", "status", str(run1))
    assert status["counts"] == {"fresh": 28, "stale": 0, "missing": 0}

    edited = json.loads(json.dumps(SCRIPT))
    edited["scenes"][1]["narration"] = "Turn the lights low."
    (workspace / "edited.json").write_text(json.dumps(edited))
    _, status = run_json(capsys, "video", "status", str(run1), "--script", "edited.json")
    assert _states(status, "voice") == {"a": "fresh", "b": "stale", "c": "fresh", "d": "fresh"}
    why = next(s for s in status["scenes"] if s["sceneId"] == "b")["stages"]["voice"]["why"]
    assert why == ["narration text changed"]
    assert set(_states(status, "visual").values()) == {"fresh"}  # the card shows onScreenText

    code, second = run_json(capsys, "video", "rerun", str(run1), "--script", "edited.json")
    assert code == 0
    run2 = Path(second["runDir"])
    assert run2 != run1 and (run1 / "manifest.json").read_bytes() == manifest1, "the earlier run is untouched"
    reuse = _reuse(run2)
    assert reuse["narration"] == {"hit": ["a", "c", "d"], "made": ["b"]}
    assert reuse["visuals"] == {"hit": ["a", "b", "c", "d"], "made": []}
    # scene b's own frames only: the fades into and out of it are segments of their own, captionless here
    assert reuse["render"]["hit"] == [f"segment-00{k}" for k in (0, 1, 3, 4, 5, 6)], reuse["render"]
    assert sorted(reuse["render"]["made"]) == ["audio", "segment-002"]
    assert reuse["render"]["thumbnails"] == {"hit": ["a", "c", "d"], "made": ["b"]}, "sheet thumbnails per segment"
    _, status = run_json(capsys, "video", "status", str(run2))
    assert status["counts"]["stale"] == 0 and status["counts"]["missing"] == 0

    code, text, _ = run_cli(capsys, "video", "status", str(run1), "--script", "edited.json")
    assert code == 0 and "b/voice: stale: narration text changed" in text

    clean = workspace.parent / "clean"
    clean.mkdir()
    (clean / "script.json").write_text(json.dumps(edited))
    monkeypatch.chdir(clean)
    _, fresh = run_json(capsys, "video", "generate", "--script", "script.json", "--no-check")
    assert fresh["sha256"] == second["sha256"] != first["sha256"]
    assert (Path(fresh["runDir"]) / "contact-sheet.png").read_bytes() == (run2 / "contact-sheet.png").read_bytes()
    assert _reuse(Path(fresh["runDir"]))["narration"]["hit"] == [], "the fresh run had nothing cached"


def test_a_caption_preset_in_the_same_place_redraws_no_card(capsys: pytest.CaptureFixture[str],
                                                            workspace: Path) -> None:
    (workspace / "script.json").write_text(json.dumps(SCRIPT))
    code, first = run_json(capsys, "video", "generate", "--script", "script.json", "--no-check")
    assert code == 0
    code, second = run_json(capsys, "video", "rerun", first["runDir"], "--captions", "karaoke", "--no-check")
    assert code == 0 and second["sha256"] != first["sha256"]
    reuse = _reuse(Path(second["runDir"]))
    assert reuse["narration"]["made"] == [] and reuse["visuals"]["made"] == [], reuse
    assert reuse["render"]["hit"] == ["audio"], "every segment burns the new captions; the mix is the same"


def test_rerun_refuses_a_folder_that_is_not_a_run(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    (workspace / "empty").mkdir()
    code, out = run_json(capsys, "video", "rerun", "empty")
    assert code == 3 and "manifest.json" in out["error"]["message"]
