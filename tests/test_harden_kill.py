"""Issue 22 item 10: after kill -9 during a render, ffmpeg dies with its parent, the stale ``.render-*`` folder
is swept by the next run, and ``reelforge verify`` fails on a run whose manifest says it never finished."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_helpers import run_json

CHILD = """
import json, sys
from pathlib import Path
from reelforge.compose.runner import render
from reelforge.models.render_spec import RenderSpec
spec = RenderSpec.model_validate(json.loads(Path(sys.argv[1]).read_text()))
render(spec, Path(sys.argv[2]), measure=False, jobs=2)
"""


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie waiting for init to reap it is not running


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads child processes from /proc (Linux)")
def test_kill_9_during_a_render_takes_ffmpeg_along_and_the_next_run_sweeps_its_folder(workspace: Path) -> None:
    from tests.fakes.tiny_run import make_tiny_run

    run = workspace / "videos" / "old-run"
    spec = make_tiny_run(run, width=720, height=1280, scene_frames=400, music=False)
    spec_file = workspace / "spec.json"
    spec_file.write_text(json.dumps(spec.to_json_dict()), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(spec_file), str(run)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ffmpegs: list[int] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(ffmpegs) < 2 and proc.poll() is None:
        ffmpegs = _children(proc.pid)
        time.sleep(0.05)
    assert len(ffmpegs) >= 2, "the render never started its ffmpeg children"
    time.sleep(0.5)
    ffmpegs = [p for p in _children(proc.pid) if _running(p)]  # a short pass may have ended meanwhile
    assert ffmpegs, "no ffmpeg child left running to test with"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline and any(_running(p) for p in ffmpegs):
        time.sleep(0.05)
    assert not any(_running(p) for p in ffmpegs), "ffmpeg outlived its killed parent"

    stale = [p.name for p in run.iterdir() if p.name.startswith(".render-")]
    assert stale, "the killed render left no work folder (nothing to sweep: the test would prove nothing)"
    from reelforge.config import resolve_settings
    from reelforge.pipeline.run_setup import make_run_dir
    from reelforge.workspace.paths import Workspace

    make_run_dir(Workspace.at(workspace), resolve_settings(workspace_root=workspace), "shorts",
                 allow_external_out=False)
    assert [p.name for p in run.iterdir() if p.name.startswith(".render-")] == []


def test_the_sweep_leaves_a_live_render_alone(tmp_path: Path) -> None:
    from reelforge.compose.stale import sweep_stale_render_files

    live = tmp_path / f".render-{os.getpid()}-abc123"
    other_live = tmp_path / f".render-{os.getppid()}-def456"
    dead = tmp_path / ".render-999999999-xyz789"
    partial = tmp_path / ".final.mp4.999999999.partial"
    reserve = tmp_path / ".manifest.999999999.reserve"
    for folder in (live, other_live, dead):
        folder.mkdir()
    partial.write_bytes(b"half")
    reserve.write_bytes(b"\0" * 16)
    removed = sweep_stale_render_files(tmp_path)
    assert sorted(p.name for p in removed) == sorted([dead.name, partial.name, reserve.name])
    assert live.is_dir() and other_live.is_dir()


def test_verify_fails_on_a_run_that_never_finished(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    from reelforge.pipeline.recorder import RunRecorder

    run = workspace / "videos" / "run-1"
    run.mkdir(parents=True)
    (run / "script.json").write_text("{}\n", encoding="utf-8")
    recorder = RunRecorder(run, run_id="run-1", mode="shorts", seed=1)
    recorder.add_asset(run / "script.json")
    recorder.save()  # what a kill -9 leaves: status "running", every recorded hash still matching
    code, out = run_json(capsys, "verify", str(run))
    assert code == 1, out
    assert [p["status"] for p in out["problems"]] == ["unfinished"]
    recorder.succeed()
    code, out = run_json(capsys, "verify", str(run))
    assert code == 0 and out["problems"] == []
