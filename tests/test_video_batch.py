"""`reelforge video batch`: validation and pricing before anything runs, per-line failures, reruns that skip
finished lines, Ctrl-C and kill -9 of the driver."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from reelforge.workspace.hashing import sha256_file
from tests.cli_helpers import run_cli, run_json

SUMMARY = Path("videos/jobs/batch-summary.json")


def _write_jobs(root: Path, lines: list[dict[str, Any] | str]) -> Path:
    path = root / "jobs.jsonl"
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


def _broken_script(root: Path) -> str:
    """A script whose only still is a truncated PNG: every stage works, ffmpeg fails at the render."""
    from PIL import Image

    buf = io.BytesIO()
    Image.effect_noise((360, 640), 60).convert("RGB").save(buf, "PNG")
    (root / "trunc.png").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 3])
    script = {"schemaVersion": "1.0", "title": "Broken still", "mode": "shorts", "aspect": "9:16", "locale": "en-US",
              "scenes": [{"id": "a", "durationSec": 1, "narration": "A broken picture.",
                          "visual": {"kind": "still", "ref": "trunc.png"}}]}
    (root / "broken.json").write_text(json.dumps(script), encoding="utf-8")
    return "broken.json"


def _summary(root: Path) -> dict[str, Any]:
    return json.loads((root / SUMMARY).read_text(encoding="utf-8"))


def test_invalid_lines_exit_4_before_anything_runs(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    lines: list[dict[str, Any] | str] = [{"brief": f"Tip number {i}."} for i in range(1, 11)]
    lines[2] = {"brief": "Bad aspect.", "aspect": "4:3"}
    lines[6] = {"brief": "Extra field.", "seed": "three", "colour": "red"}
    _write_jobs(workspace, lines)
    code, out = run_json(capsys, "video", "batch", "jobs.jsonl")
    assert code == 4
    message = out["error"]["message"]
    paths = [f["path"] for f in out["error"]["fields"]]
    assert any(p.startswith("line 3") for p in paths) and "aspect" in message
    assert {"line 3: aspect", "line 7: colour", "line 7: seed"} <= set(paths)
    assert not any(p.startswith(("line 1:", "line 2:", "line 4")) for p in paths)
    assert "3, 7" in out["error"]["hint"]
    assert not (workspace / "videos").exists()  # nothing ran, nothing was written


def test_bad_script_and_bad_json_lines_are_named(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    (workspace / "s.json").write_text('{"title": "x"}', encoding="utf-8")
    _write_jobs(workspace, [{"brief": "ok"}, "{not json", {"script": "s.json"}, {"script": "missing.json"},
                            {"seed": 2}])
    code, _out, err = run_cli(capsys, "video", "batch", "jobs.jsonl")
    assert code == 4
    for needle in ("line 2", "not JSON", "line 3: script", "line 4: script", "missing.json does not exist",
                   "line 5", "needs a non-empty 'brief' or a 'script'"):
        assert needle in err
    assert not (workspace / "videos").exists()


def test_whole_batch_priced_under_one_guardrail(capsys: pytest.CaptureFixture[str], workspace: Path,
                                                openai_fake: Any) -> None:
    """Each line alone is under the guardrail; the batch's sum is not: refused before anything runs."""
    from reelforge.config import resolve_settings
    from reelforge.pipeline.cost import CostPlan

    settings = resolve_settings(workspace_root=workspace, flags={"visual": "generate"})
    one = CostPlan.for_settings(settings, scenes=1, dry_run=False).usd
    assert one > 0
    brief = "One scene."
    lines = [{"brief": brief, "visual": "generate", "seed": i} for i in range(6)]
    _write_jobs(workspace, lines)
    code, out = run_json(capsys, "video", "batch", "jobs.jsonl", "--max-usd", str(one * 6 - 1e-6))
    assert code == 4 and "--yes" in out["error"]["hint"]
    assert not (workspace / "videos").exists() and not openai_fake.requests


@pytest.mark.slow
def test_failed_line_does_not_stop_others_and_rerun_skips_finished(capsys: pytest.CaptureFixture[str],
                                                                   workspace: Path) -> None:
    _write_jobs(workspace, [{"brief": "Drink water.", "check": False},
                            {"script": _broken_script(workspace), "check": False},
                            {"brief": "Walk daily.", "aspect": "1:1", "check": False}])
    code, out = run_json(capsys, "video", "batch", "jobs.jsonl", "--workers", "2")
    assert code == 1
    rows = {r["line"]: r for r in out["lines"]}
    assert rows[2]["status"] == "failed" and rows[2]["error"]["kind"] == "render-failed"
    for n in (1, 3):
        assert rows[n]["status"] == "succeeded"
        assert sha256_file(Path(rows[n]["video"])) == rows[n]["sha256"]
    assert _summary(workspace)["counts"] == {"succeeded": 2, "failed": 1}
    runs_before = sorted(p.name for p in (workspace / "videos/jobs").iterdir() if p.is_dir())

    code, again = run_json(capsys, "video", "batch", "jobs.jsonl")
    assert code == 1
    rows2 = {r["line"]: r for r in again["lines"]}
    for n in (1, 3):
        assert rows2[n]["status"] == "skipped" and rows2[n]["runDir"] == rows[n]["runDir"]
        assert rows2[n]["sha256"] == rows[n]["sha256"]
    assert rows2[2]["status"] == "failed" and rows2[2]["runDir"] != rows[2]["runDir"]  # retried in a new run
    runs_after = sorted(p.name for p in (workspace / "videos/jobs").iterdir() if p.is_dir())
    assert len(runs_after) == len(runs_before) + 1

    # a changed input is a different line: made again
    _write_jobs(workspace, [{"brief": "Drink water.", "check": False, "seed": 9}])
    code, third = run_json(capsys, "video", "batch", "jobs.jsonl")
    assert code == 0 and third["lines"][0]["status"] == "succeeded"


def _start_batch(root: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen([sys.executable, "-m", "reelforge", "video", "batch", "jobs.jsonl", "--workers", "1",
                             "--format", "json"], cwd=root, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, start_new_session=True,
                            # a shell's background job inherits SIGINT ignored; the driver must see Ctrl-C
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _wait_for(root: Path, ready: Any, timeout: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            data = _summary(root)
            if ready(data):
                return data
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    raise AssertionError("the batch never reached the awaited state")


def _final_videos(run_dir: Path) -> list[Path]:
    return [p for p in run_dir.glob("*.mp4") if not p.name.startswith(".") and ".signed." not in p.name]


@pytest.mark.slow
def test_kill_9_of_driver_then_rerun(workspace: Path) -> None:
    _write_jobs(workspace, [{"brief": "Drink water.", "check": False}, {"brief": "Sleep well.", "check": False},
                            {"brief": "Walk daily.", "check": False}])
    proc = _start_batch(workspace)

    def one_done_one_rendering(data: dict[str, Any]) -> bool:
        statuses = [r["status"] for r in data["lines"]]
        return "succeeded" in statuses and "running" in statuses

    killed_at = _wait_for(workspace, one_done_one_rendering)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = {r["line"]: r for r in killed_at["lines"] if r["status"] == "succeeded"}
    time.sleep(1.0)  # the workers die with the driver (PR_SET_PDEATHSIG); give the kernel a moment

    rerun = _start_batch(workspace)
    out, _ = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, out
    rows = {r["line"]: r for r in json.loads(out)["lines"]}
    for n, row in finished.items():
        assert rows[n]["status"] == "skipped" and rows[n]["runDir"] == row["runDir"]
    assert all(r["status"] in ("succeeded", "skipped") for r in rows.values())
    # one final mp4 per line, each the bytes its manifest records; no half-written file under a final name
    by_print: dict[str, list[Path]] = {}
    for record in (workspace / "videos/jobs").glob("*/batch-line.json"):
        fp = json.loads(record.read_text())["fingerprint"]
        by_print.setdefault(fp, []).extend(_final_videos(record.parent))
        for video in _final_videos(record.parent):
            manifest = json.loads((record.parent / "manifest.json").read_text())
            assert manifest["status"] == "succeeded" and manifest["outputs"]["sha256"] == sha256_file(video)
    assert sorted(len(v) for v in by_print.values()) == [1, 1, 1]
    assert {r["fingerprint"] for r in rows.values()} == set(by_print)


@pytest.mark.slow
def test_ctrl_c_marks_unfinished_lines_interrupted(workspace: Path) -> None:
    _write_jobs(workspace, [{"brief": "Drink water.", "check": False}, {"brief": "Sleep well.", "check": False}])
    proc = _start_batch(workspace)
    _wait_for(workspace, lambda d: any(r["status"] == "running" for r in d["lines"]))
    os.kill(proc.pid, signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert json.loads(out)["exitCode"] == 130
    data = _summary(workspace)
    assert data["status"] == "interrupted"
    assert all(r["status"] in ("interrupted", "succeeded") for r in data["lines"])
    assert any(r["status"] == "interrupted" for r in data["lines"])
    for row in data["lines"]:
        if row["status"] == "interrupted" and row["runDir"]:
            manifest = json.loads((Path(row["runDir"]) / "manifest.json").read_text())
            assert manifest["status"] == "interrupted" and manifest["exitCode"] == 130
            assert not _final_videos(Path(row["runDir"]))


def test_a_part_is_hash_checked_on_arrival() -> None:
    from reelforge.errors import HashMismatchError, RenderError
    from reelforge.pipeline.videobatch.parts import Part

    good = Part("segment 1", b"abc", hashlib.sha256(b"abc").hexdigest(), 0.1)
    assert good.checked() == b"abc"
    with pytest.raises(HashMismatchError, match="segment 1"):
        Part("segment 1", b"abd", good.sha256, 0.1).checked()
    failed = Part("segment 2", b"", "", 0.1, {"error": {"message": "ffmpeg failed", "hint": "h", "stderrTail": "x"}})
    with pytest.raises(RenderError, match="ffmpeg failed"):
        failed.checked()


def test_fingerprint_covers_what_makes_the_video_only(workspace: Path) -> None:
    from reelforge.config import resolve_settings
    from reelforge.pipeline.videobatch.plan import fingerprint

    def fp(brief: str = "b", **flags: Any) -> str:
        return fingerprint(brief, None, resolve_settings(workspace_root=workspace, flags=flags))

    base = fp()
    assert fp(engine="ray", ray_address="127.0.0.1:1", max_usd=5.0) == base  # where it runs, not what it is
    assert fp(seed=2) != base and fp(aspect="1:1") != base and fp("c") != base
    script = workspace / "s.json"
    script.write_text("{}", encoding="utf-8")
    settings = resolve_settings(workspace_root=workspace)
    one = fingerprint("", script, settings)
    script.write_text("{ }", encoding="utf-8")
    assert fingerprint("", script, settings) != one
