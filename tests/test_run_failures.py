"""A run that fails or is interrupted keeps a manifest that says so, and leaves nothing half-written."""

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


def _only_run_dir(workspace: Path) -> Path:
    runs = list((workspace / "videos").iterdir())
    assert len(runs) == 1
    return runs[0]


def test_locale_without_voice_fails_with_manifest(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out = run_json(capsys, "video", "generate", "Guten Morgen. Wie geht es dir?", "--locale", "de")
    assert code == 3
    assert "--voice" in out["error"]["hint"]
    manifest = json.loads((_only_run_dir(workspace) / "manifest.json").read_text())
    assert manifest["status"] == "failed" and manifest["exitCode"] == 3
    assert manifest["error"]["kind"] == "not-found"
    assert out["manifestPath"].endswith("manifest.json")


def test_demo_without_capture_is_guided(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out = run_json(capsys, "video", "generate", "Show the app.", "--mode", "demo")
    assert code == 3 and "--capture" in out["error"]["message"] + out["error"]["hint"]


@pytest.mark.slow
def test_ctrl_c_stops_ffmpeg_and_records_interrupted(workspace: Path) -> None:
    brief = " ".join(f"Sentence number {i} keeps the render busy for a while." for i in range(12))
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # A suite started in the background (`cmd &` without job control, nohup) passes SIGINT down as
    # ignored, and Python then keeps ignoring it; a terminal's Ctrl-C is what this test is about.
    proc = subprocess.Popen([sys.executable, "-m", "reelforge", "video", "generate", brief],
                            cwd=workspace, env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert proc.stderr is not None
    deadline = time.monotonic() + 240
    seen = ""
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        seen += line
        if "[reelforge] render ..." in line:
            break
        if proc.poll() is not None:
            break
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    code = proc.wait(timeout=60)
    assert code == 130, seen + proc.stderr.read()
    run_dir = _only_run_dir(workspace)
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and manifest["exitCode"] == 130
    assert not list(run_dir.glob("*.mp4")), "no half-written video under the final name"
    leftover = subprocess.run(["pgrep", "-f", str(run_dir)], capture_output=True, text=True).stdout.strip()
    assert leftover == "", f"child processes still running: {leftover}"
