"""Narration and visuals run side by side (pipeline/overlap.py): both run at once, the manifest keeps the
sequential order, and a failure in either is raised with the other's record kept."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from reelforge.errors import RenderError
from reelforge.pipeline.overlap import side_by_side
from reelforge.pipeline.recorder import RunRecorder, StageOutcome


def recorder_in(tmp_path: Path) -> RunRecorder:
    return RunRecorder(tmp_path, run_id="r", mode="shorts", seed=1)


def stage(rec: RunRecorder, name: str, asset: Path | None = None, *, wait: threading.Event | None = None,
          then: threading.Event | None = None, fail: bool = False) -> str:
    with rec.stage(name) as out:
        if then is not None:
            then.set()
        if wait is not None:
            assert wait.wait(10), f"{name} never saw the other stage running"
        if fail:
            raise RenderError(f"{name} failed")
        if asset is not None:
            asset.write_text(name)
            rec.add_asset(asset)
        rec.set_provider(name, f"{name}-provider")
        rec.warn(f"{name} warning")
        out.append(StageOutcome(provider=f"{name}-provider", path_taken="real"))
    return name


def saved_stages(tmp_path: Path) -> list[str]:
    return [s["stage"] for s in json.loads((tmp_path / "manifest.json").read_text())["stages"]]


def test_both_stages_run_at_once_and_the_manifest_keeps_the_sequential_order(tmp_path: Path) -> None:
    rec = recorder_in(tmp_path)
    first_running, second_running = threading.Event(), threading.Event()
    # each stage waits until the other one has started: this only finishes if they overlap
    a, b = side_by_side(
        rec,
        lambda r: stage(r, "narration", tmp_path / "n.wav", wait=second_running, then=first_running),
        lambda r: stage(r, "visuals", tmp_path / "v.png", wait=first_running, then=second_running))
    assert (a, b) == ("narration", "visuals")
    assert saved_stages(tmp_path) == ["narration", "visuals"]
    saved = json.loads((tmp_path / "manifest.json").read_text())
    assert {x["path"] for x in saved["assets"]} == {"n.wav", "v.png"}
    assert saved["providers"] == {"narration": "narration-provider", "visuals": "visuals-provider"}
    assert saved["warnings"] == ["narration warning", "visuals warning"]


def test_a_failing_second_stage_is_raised_after_the_first_is_recorded(tmp_path: Path) -> None:
    rec = recorder_in(tmp_path)
    with pytest.raises(RenderError, match="visuals failed"):
        side_by_side(rec, lambda r: stage(r, "narration"), lambda r: stage(r, "visuals", fail=True))
    assert saved_stages(tmp_path) == ["narration"]


def test_a_failing_first_stage_wins_and_the_second_is_still_recorded(tmp_path: Path) -> None:
    rec = recorder_in(tmp_path)
    with pytest.raises(RenderError, match="narration failed"):
        side_by_side(rec, lambda r: stage(r, "narration", fail=True), lambda r: stage(r, "visuals"))
    assert saved_stages(tmp_path) == ["visuals"]
