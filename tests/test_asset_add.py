"""`asset add` brings a real file in as a candidate; approve takes any path that resolves inside the asset."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelforge.assets import api
from reelforge.errors import NotFoundError, SafetyError
from tests.cli_helpers import run_json
from tests.fakes.render_assets import write_wav


def test_add_then_approve_by_any_spelling_inside_the_asset(workspace: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    write_wav(workspace / "take.wav", 0.5)
    code, out = run_json(capsys, "asset", "add", "take-1", "take.wav", "--kind", "audio", "--purpose", "voice_take",
                         "--source-basis", "scripts/s.json")
    assert code == 0 and out["path"] == "audio/candidates/take.wav" and len(out["sha256"]) == 64
    with pytest.raises(NotFoundError):
        api.asset_store("take-2", workspace=workspace)  # `add` is the way in, nothing else creates an asset
    absolute = workspace / "assets/take-1/audio/candidates/take.wav"
    code, out = run_json(capsys, "asset", "approve", "take-1", str(absolute))
    assert code == 0 and out["path"] == "audio/approved/take.wav" and out["status"] == "approved"
    shown = api.show("take-1", workspace=workspace)
    assert [e["kind"] for e in shown["index"]["audio"]] == ["approved"]
    # a path from the current folder works too, and the index survives a rebuild from the add record
    code, out = run_json(capsys, "asset", "reject", "take-1", "assets/take-1/audio/approved/take.wav")
    assert code == 0 and out["path"] == "audio/rejected/take.wav"
    (workspace / "assets/take-1/index.json").unlink()
    rebuilt = api.asset_store("take-1", workspace=workspace).rebuild_index()
    assert [(e["path"], e["kind"]) for e in rebuilt["audio"]] == [("audio/rejected/take.wav", "rejected")]


def test_add_refuses_a_file_that_is_not_what_kind_says(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workspace / "notes.wav").write_text("<!doctype html><html>not audio</html>")
    code, out = run_json(capsys, "asset", "add", "take-1", "notes.wav", "--kind", "audio", "--purpose", "voice_take",
                         "--source-basis", "x")
    assert code == 4 and "not playable audio" in out["error"]["message"]
    assert not (workspace / "assets/take-1/audio/candidates/notes.wav").exists()


def test_approve_refuses_a_path_that_resolves_outside_the_asset(workspace: Path) -> None:
    write_wav(workspace / "take.wav", 0.5)
    api.add("take-1", workspace / "take.wav", kind="audio", purpose="voice_take", source_basis=["x"],
            workspace=workspace)
    link = workspace / "assets/take-1/audio/candidates/escape.wav"
    link.symlink_to(workspace / "take.wav")
    with pytest.raises(SafetyError, match="outside its folder"):
        api.review("take-1", "audio/candidates/escape.wav", "approve", workspace=workspace)
    assert (workspace / "take.wav").is_file()
