"""The Ray engine against a real 2-node Ray cluster on this machine, kept on loopback.

The outer test re-runs this file inside `unshare -n -p -f --mount-proc` (a network namespace with only
loopback, and a PID namespace so `ray stop` sees only this cluster's processes). Inside it, the fixture starts
a head and a second node with `ray start` on 127.0.0.1 and stops them after (see
reference/media-stack-findings.md, "Ray"). Skipped with the reason when not root or Ray is not installed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

INSIDE = os.environ.get("RF_TEST_RAY_NETNS") == "1"
HEAD_PORT, WORKER_RAYLET_PORT = 6391, 47411
JOBS = [{"brief": "Drink water.", "check": False}, {"brief": "Sleep well.", "seed": 4, "check": False},
        {"brief": "Walk daily.", "aspect": "1:1", "check": False}]


def _why_not() -> str | None:
    if os.name != "posix" or os.geteuid() != 0:
        return "needs root for `unshare -n` (Ray must stay on a loopback-only network namespace)"
    if importlib.util.find_spec("ray") is None:
        return 'Ray is not installed (pip install "reelforge[scale]")'
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return "needs unshare and ip (util-linux, iproute2)"
    return None


@pytest.mark.skipif(INSIDE, reason="this is the outer launcher")
def test_ray_cluster_in_loopback_namespace() -> None:
    reason = _why_not()
    if reason:
        pytest.skip(reason)
    env = {**os.environ, "RF_TEST_RAY_NETNS": "1", "PYTHONPATH": os.pathsep.join(sys.path),
           "RAY_USAGE_STATS_ENABLED": "0"}
    # bash stays PID 1 of the namespace, reaping what dies (a killed raylet must not linger as a zombie)
    inner = (f"ip link set lo up && {sys.executable} -m pytest -q -x -p no:cacheprovider "
             f"{Path(__file__).resolve()} -k inner")
    proc = subprocess.run(["unshare", "-n", "-p", "-f", "--mount-proc", "bash", "-c", inner], env=env,
                          cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    assert " passed" in proc.stdout and "skipped" not in proc.stdout, proc.stdout[-3000:]


# --- inside the namespace ------------------------------------------------------------------------------------

inner = pytest.mark.skipif(not INSIDE, reason="runs inside the loopback namespace (see the outer test)")


def _ray(*args: str, env: dict[str, str]) -> None:
    ray_bin = str(Path(sys.executable).with_name("ray"))
    subprocess.run([ray_bin, *args], env=env, check=True, capture_output=True, timeout=180)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0",
           # notice a dead node in ~3 s instead of ~30 s
           "RAY_health_check_period_ms": "1000", "RAY_health_check_failure_threshold": "3",
           "RAY_health_check_initial_delay_ms": "1000"}
    temp = tempfile.mkdtemp(prefix="rfray", dir="/tmp")  # Ray's socket paths must stay short
    address = f"127.0.0.1:{HEAD_PORT}"
    try:
        # Ray gives a starting node a fixed 30 s to register (ray/_private/node.py); at a load average of ~30
        # on 2 cores that was missed (measured), so a failed start is stopped and tried again, up to 3 times
        for attempt in (1, 2, 3):
            try:
                _ray("start", "--head", "--node-ip-address=127.0.0.1", f"--port={HEAD_PORT}", "--num-cpus=1",
                     "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={temp}", env=env)
                _ray("start", f"--address={address}", "--node-ip-address=127.0.0.1", "--num-cpus=1",
                     f"--node-manager-port={WORKER_RAYLET_PORT}", env=env)
                break
            except subprocess.CalledProcessError:
                _ray("stop", "--force", env=env)
                if attempt == 3:
                    raise
        yield address
    finally:
        import ray

        ray.shutdown()
        _ray("stop", "--force", env=env)  # in this PID namespace: only this cluster's processes
        shutil.rmtree(temp, ignore_errors=True)


def _run_batch(root: Path, engine: Any) -> dict[int, dict[str, Any]]:
    from reelforge.config import resolve_settings
    from reelforge.pipeline.videobatch import BatchRequest, run_batch
    from reelforge.workspace.paths import Workspace

    root.mkdir(parents=True, exist_ok=True)
    (root / "reelforge.toml").write_text('credentials = "off"\n', encoding="utf-8")  # signing is not under test
    (root / "jobs.jsonl").write_text("\n".join(json.dumps(j) for j in JOBS) + "\n", encoding="utf-8")
    settings = resolve_settings(workspace_root=root)
    result = run_batch(BatchRequest(root / "jobs.jsonl", Workspace.at(root), settings, engine=engine))
    return {s.line: s.to_json() for s in result.lines}


@pytest.fixture(scope="module")
def local_rows(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, Any]]:
    from reelforge.pipeline.videobatch.engines import LocalEngine

    return _run_batch(tmp_path_factory.mktemp("local") / "ws", LocalEngine(2))


def _assert_same_videos(rows: dict[int, dict[str, Any]], local: dict[int, dict[str, Any]]) -> None:
    from reelforge.workspace.hashing import sha256_file

    assert sorted(rows) == sorted(local) == [1, 2, 3]
    for n, row in rows.items():
        assert row["status"] == "succeeded", row
        assert local[n]["status"] == "succeeded" and row["sha256"] == local[n]["sha256"], n
        assert sha256_file(Path(row["video"])) == row["sha256"]
        finals = [p for p in Path(row["runDir"]).glob("*.mp4") if not p.name.startswith(".")
                  and ".signed." not in p.name]
        assert len(finals) == 1


@inner
def test_inner_batch_of_3_on_2_nodes_equals_local(cluster: str, tmp_path: Path,
                                                  local_rows: dict[int, dict[str, Any]]) -> None:
    import ray

    from reelforge.pipeline.videobatch.ray_engine import RayEngine

    engine = RayEngine(cluster)
    assert len([n for n in ray.nodes() if n["Alive"]]) == 2
    rows = _run_batch(tmp_path / "ws", engine)
    _assert_same_videos(rows, local_rows)
    names = {name for name, _ in engine.timings}
    assert "audio" in names and "join" in names and any(n.startswith("segment") for n in names)
    summary = json.loads((tmp_path / "ws/videos/jobs/batch-summary.json").read_text())
    assert summary["engine"] == "ray" and summary["counts"] == {"succeeded": 3}


@inner
def test_inner_segmented_render_equals_local(cluster: str, tmp_path: Path) -> None:
    from reelforge.compose.runner import render
    from reelforge.compose.thumbnails import THUMB_WIDTH
    from reelforge.compose.timeline import plan_segments
    from reelforge.pipeline.videobatch.ray_engine import RayEngine
    from tests.fakes.tiny_run import make_tiny_run

    spec = make_tiny_run(tmp_path / "a", scene_frames=60, music=True)
    spec = spec.model_copy(update={"encoder": spec.encoder.model_copy(update={"segment_frames": 30})})
    assert len(plan_segments(spec)) >= 4
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    local = render(spec, tmp_path / "a", jobs=1, thumb_width=THUMB_WIDTH)
    engine = RayEngine(cluster)
    seen: list[float] = []
    distributed = engine.render(spec, tmp_path / "b", seen.append)
    assert distributed.sha256 == local.sha256
    assert (tmp_path / "b" / spec.output).read_bytes() == local.output.read_bytes()
    assert seen[-1] == 1.0 and distributed.segments == len(plan_segments(spec))
    assert sorted(distributed.thumbnails) == [0, 1, 2] and distributed.thumbnails == local.thumbnails


@inner
def test_inner_video_render_cli_on_ray(cluster: str, capsys: pytest.CaptureFixture[str],
                                       local_rows: dict[int, dict[str, Any]]) -> None:
    from tests.cli_helpers import run_json

    run_dir = Path(local_rows[1]["runDir"])
    code, out = run_json(capsys, "video", "render", str(run_dir), "--engine", "ray", "--ray-address", cluster)
    assert code == 0 and out["identicalToRecorded"] is True and out["sha256"] == local_rows[1]["sha256"]


def _raylet_pid(port: int) -> int:
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"raylet") and f"--node_manager_port={port}".encode() in argv:
            return int(proc.name)
    raise AssertionError(f"no raylet with node manager port {port}")


def _gone(pid: int) -> bool:
    try:
        return "\nState:\tZ" in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True


@inner
def test_inner_worker_node_killed_mid_batch(cluster: str, tmp_path: Path,
                                            local_rows: dict[int, dict[str, Any]]) -> None:
    """SIGKILL the second node's raylet while the batch runs: Ray retries its tasks on the head; every video
    still comes out with the local engine's bytes, once."""
    import ray

    from reelforge.pipeline.videobatch.ray_engine import RayEngine

    engine = RayEngine(cluster)
    raylet = _raylet_pid(WORKER_RAYLET_PORT)
    outcome: dict[str, Any] = {}

    def batch() -> None:
        try:
            outcome["rows"] = _run_batch(tmp_path / "ws", engine)
        except BaseException as exc:  # reported by the assertion below
            outcome["error"] = exc

    runner = threading.Thread(target=batch)
    runner.start()
    summary = tmp_path / "ws/videos/jobs/batch-summary.json"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # kill once both nodes' CPUs run the batch's tasks
        if summary.is_file() and ray.available_resources().get("CPU", 0.0) == 0.0:
            break
        time.sleep(0.1)
    assert ray.available_resources().get("CPU", 0.0) == 0.0, "the batch never filled both nodes"
    os.kill(raylet, signal.SIGKILL)
    runner.join(timeout=600)
    assert not runner.is_alive()
    assert "error" not in outcome, outcome.get("error")
    assert _gone(raylet)
    _assert_same_videos(outcome["rows"], local_rows)
