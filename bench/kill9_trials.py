"""kill -9 trials for the job kernel (issue 15): a 20-request image batch and a render poll, killed at random
points against loopback fakes, then run again. Counts duplicate submits and corrupt records.

    PYTHONPATH=src:. python bench/kill9_trials.py --trials 20

A record is corrupt when a JSON file does not parse, an attempt index disagrees with its attempt.json, a
materialized attempt has no decodable output, or an asset index names a file that is not there. An attempt
left ``in_doubt`` (its submitter was killed mid-call) is not corrupt: it is the honest answer, and it is
counted separately.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.fakes.ark_server import ArkFake  # noqa: E402
from tests.fakes.fal_server import FalFake  # noqa: E402
from tests.fakes.image_requests import request  # noqa: E402
from tests.fakes.render_assets import talking_head, upstream  # noqa: E402

from reelforge.errors import DownloadError  # noqa: E402
from reelforge.media.checks import check_image_file, check_video_file  # noqa: E402

IMAGE_CHILD = """
import sys
from pathlib import Path
from reelforge.batch import api
api.generate(Path(sys.argv[1]), workspace=Path(sys.argv[2]), yes=True)
"""
RENDER_CHILD = """
import json, sys
from pathlib import Path
from reelforge.errors import ReelforgeError
from reelforge.renders import api
try:
    if sys.argv[1] == "submit":
        api.submit(json.loads(Path(sys.argv[3]).read_text()), workspace=Path(sys.argv[2]), yes=True, wait=60)
    else:
        api.poll("th-001", workspace=Path(sys.argv[2]), wait=60)
except ReelforgeError as exc:
    print(exc.message, file=sys.stderr)
    sys.exit(exc.exit_code)
"""


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and not k.startswith("REELFORGE_")}
    env.update({"PYTHONPATH": f"{ROOT / 'src'}:{ROOT}", "REELFORGE_RETRY_BASE_S": "0.01", **extra})
    return env


def corrupt_records(ws: Path) -> list[str]:
    problems = []
    for path in ws.rglob("*.json"):
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append(f"{path.relative_to(ws)}: {exc}")
    for index in ws.rglob("attempts/index.json"):
        for entry in json.loads(index.read_text())["attempts"]:
            record = json.loads((index.parent / entry["attemptId"] / "attempt.json").read_text())
            if record["state"] != entry["state"] and not (record["state"] == "in_doubt"
                                                          and entry["state"] == "submitting"):
                problems.append(f"{index.relative_to(ws)}: index {entry['state']} vs attempt {record['state']}")
    for asset_index in ws.glob("assets/*/index.json"):
        for image in json.loads(asset_index.read_text()).get("images", []):
            path = asset_index.parent / image["path"]
            try:
                check_image_file(path, "image/png", what=str(path))
            except (DownloadError, OSError) as exc:
                problems.append(f"{path.relative_to(ws)}: {exc}")
    return problems


def image_trial(rng: random.Random, n: int = 20) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, ArkFake(latency=0.25) as fake:
        ws = Path(tmp)
        batch = ws / "batch.jsonl"
        batch.write_text("".join(json.dumps(request(asset_id=f"asset-{i % 5}", run_id=f"run-{i:03d}",
                                                    model="image-seedream-v5-lite-text", prompt=f"shot {i}")) + "\n"
                                 for i in range(n)))
        env = _env({"ARK_API_KEY": fake.key, "REELFORGE_ARK_BASE_URL": fake.base + "/api/v3",
                    "REELFORGE_ARK_CONCURRENCY": "4"})
        kill_after = rng.randint(1, n - 1)
        child = subprocess.Popen([sys.executable, "-c", IMAGE_CHILD, str(batch), str(ws)], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while fake.submits < kill_after and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.25))  # anywhere inside the next calls, downloads and writes
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        killed_at = fake.submits
        time.sleep(0.4)  # in-flight requests of the dead process land on the fake
        subprocess.run([sys.executable, "-c", IMAGE_CHILD, str(batch), str(ws)], env=env, capture_output=True,
                       timeout=120, check=False)
        prompts = [r["prompt"] for r in fake.requests]
        states: dict[str, int] = {}
        for i in range(n):
            index = ws / f"assets/asset-{i % 5}/runs/image/run-{i:03d}/attempts/index.json"
            state = json.loads(index.read_text())["attempts"][-1]["state"] if index.is_file() else "none"
            states[state] = states.get(state, 0) + 1
        return {"killedAtSubmit": killed_at, "submits": fake.submits, "duplicates": len(prompts) - len(set(prompts)),
                "corrupt": corrupt_records(ws), "states": states}


def render_trial(rng: random.Random) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, FalFake(plan=["queued"] * 25 + ["running", "succeeded"]) as fake:
        ws = Path(tmp)
        upstream(ws)
        req = ws / "render.json"
        req.write_text(json.dumps(talking_head()))
        env = _env({"FAL_KEY": fake.key, "REELFORGE_FAL_BASE_URL": fake.base,
                     "REELFORGE_RENDER_POLL_INTERVAL_S": "0.02"})
        child = subprocess.Popen([sys.executable, "-c", RENDER_CHILD, "submit", str(ws), str(req)], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while fake.submits < 1 and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 3.0))  # during submit bookkeeping, the poll loop or the download
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        polls_at_kill = fake.polls
        rerun = subprocess.run([sys.executable, "-c", RENDER_CHILD, "poll", str(ws)], env=env, capture_output=True,
                               text=True, timeout=120, check=False)
        manifest = json.loads((ws / "renders/th-001/manifest.json").read_text())
        problems = corrupt_records(ws)
        if manifest.get("attemptState") == "materialized":
            video = ws / manifest["assets"][0]["relativePath"]
            try:
                check_video_file(video, what=str(video))
            except DownloadError as exc:
                problems.append(str(exc))
        return {"pollsAtKill": polls_at_kill, "submits": fake.submits, "duplicates": fake.submits - 1,
                "corrupt": problems, "state": manifest.get("attemptState"), "rerunExit": rerun.returncode}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--only", choices=("image", "render"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    summary: dict[str, Any] = {}
    for kind, trial in (("image", image_trial), ("render", render_trial)):
        if args.only and args.only != kind:
            continue
        results = []
        for t in range(args.trials):
            result = trial(rng)
            results.append(result)
            print(kind, t + 1, json.dumps(result), flush=True)
        summary[kind] = {"trials": len(results), "duplicateSubmits": sum(r["duplicates"] for r in results),
                         "corruptRecords": sum(len(r["corrupt"]) for r in results)}
    print(json.dumps(summary, indent=2))
    if any(v["duplicateSubmits"] or v["corruptRecords"] for v in summary.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
