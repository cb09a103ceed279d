"""Batches: kill -9 mid-batch then rerun (no double submit, no corrupt store), and concurrency vs sequential."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reelforge.batch.batch import prepare_batch, run_batch
from reelforge.jobs.retry import Gates
from tests.fakes.ark_server import ArkFake
from tests.fakes.image_requests import request, runner

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import sys
from pathlib import Path
from reelforge.batch import api
result = api.generate(Path(sys.argv[1]), workspace=Path(sys.argv[2]), yes=True)
for item in result.items:
    print(item.run_id, item.state, type(item.error).__name__ if item.error else "", item.error or "", file=sys.stderr)
"""


def _jsonl(path: Path, n: int, model: str = "image-seedream-v5-lite-text") -> Path:
    lines = [json.dumps(request(asset_id=f"asset-{i % 5}", run_id=f"run-{i:03d}", model=model,
                                prompt=f"shot {i}: creator at desk")) for i in range(n)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _env(fake: ArkFake, concurrency: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update({"ARK_API_KEY": fake.key, "REELFORGE_ARK_BASE_URL": fake.base + "/api/v3",
                "REELFORGE_ARK_CONCURRENCY": str(concurrency), "PYTHONPATH": str(ROOT / "src")})
    return env


@pytest.mark.slow
def test_kill_9_mid_batch_then_rerun(workspace: Path) -> None:
    with ArkFake(latency=0.3) as fake:
        batch = _jsonl(workspace / "batch.jsonl", 20)
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(batch), str(workspace)], env=_env(fake, 4),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while fake.submits < 7 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        killed_at = fake.submits
        assert 7 <= killed_at < 20
        time.sleep(0.5)  # let in-flight requests of the dead process land on the fake

        rerun = subprocess.run([sys.executable, "-c", CHILD, str(batch), str(workspace)], env=_env(fake, 4),
                               capture_output=True, text=True, timeout=60)
        prompts = [r["prompt"] for r in fake.requests]
        assert len(prompts) == len(set(prompts)), "a request was submitted twice"
        assert fake.submits <= 20
        states: dict[str, int] = {}
        odd = []
        for i in range(20):
            log = workspace / f"assets/asset-{i % 5}/runs/image/run-{i:03d}/attempts/index.json"
            latest = json.loads(log.read_text())["attempts"][-1]
            state = latest["state"]
            states[state] = states.get(state, 0) + 1
            record = json.loads((log.parent / latest["attemptId"] / "attempt.json").read_text())
            if state not in ("materialized", "in_doubt") or record["state"] != state:
                odd.append(f"run-{i:03d}: index {state}, attempt.json {record['state']}")
        # runs caught mid-call (their submitter died) are recorded "in_doubt" and never resubmitted
        assert set(states) <= {"materialized", "in_doubt"} and states.get("in_doubt", 0) <= 4, (
            f"states {states} {odd} after the rerun (exit {rerun.returncode}); its stderr ends:\n"
            f"{rerun.stderr[-3000:]}")
        assert states["materialized"] >= 16
        images = 0
        for a in range(5):
            asset = workspace / f"assets/asset-{a}"
            assert json.loads((asset / "asset.json").read_text())["assetId"] == f"asset-{a}"
            index = json.loads((asset / "index.json").read_text())
            images += len(index["images"])
            for entry in index["images"]:
                assert (asset / entry["path"]).is_file()
        assert images == states["materialized"], f"{images} images indexed for {states}; {odd}"
        assert ("in doubt" in rerun.stderr) or rerun.returncode == 0 or states.get("in_doubt", 0) > 0
        print(f"\nkill -9 after {killed_at} submits; final submits {fake.submits}; states {states}")


@pytest.mark.slow
def test_batch_of_100_with_200ms_latency_runs_concurrently(workspace: Path) -> None:
    with ArkFake(latency=0.2) as fake:
        os.environ["ARK_API_KEY"] = fake.key
        os.environ["REELFORGE_ARK_BASE_URL"] = fake.base + "/api/v3"
        try:
            run = runner(workspace, gates=Gates({"ark": 16}))
            prepared = prepare_batch(run, _jsonl(workspace / "b.jsonl", 100), "text")
            start = time.monotonic()
            result = run_batch(run, prepared, max_usd=None, yes=True)
            wall = time.monotonic() - start
        finally:
            del os.environ["ARK_API_KEY"], os.environ["REELFORGE_ARK_BASE_URL"]
    assert not result.failed and fake.submits == 100
    sequential_floor = 100 * 0.2  # the fake's latency alone, one request at a time
    print(f"\n100 requests, 200 ms latency, 16 workers: {wall:.2f}s wall; sequential floor {sequential_floor:.0f}s; "
          f"ratio {sequential_floor / wall:.1f}x; peak in flight {fake.peak_in_flight}")
    # Concurrency is asserted by what the server saw, not by wall time (a loaded CI machine stretches any clock).
    assert fake.peak_in_flight >= 8
