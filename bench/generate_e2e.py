"""End-to-end key-free `reelforge video generate` of a ~150-word brief: per-stage seconds and x realtime.

Run: .venv/bin/python bench/generate_e2e.py [--runs N]
Each run is cold (its own workspace, so no cached narration). Prints one JSON object per run plus a
median summary. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BRIEF = (
    "Most people think good sleep is about how long you stay in bed. It is not. It is about rhythm. "
    "Your body keeps a clock, and that clock listens to light. Bright screens late at night tell it that the "
    "day is not over, so melatonin arrives late and you lie awake. Start by dimming your screens an hour "
    "before bed. Keep the bedroom cool, around eighteen degrees, because your core temperature has to drop "
    "before you fall asleep. Get outside in the morning, even for ten minutes, so the clock knows when the day "
    "begins. Keep the same wake-up time every day, weekends included. Cut caffeine after lunch, since it "
    "stays in your blood for hours. Do these five things for two weeks, and you will fall asleep faster "
    "and wake up clearer."
)


def run_once(workdir: Path) -> dict[str, object]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "reelforge", "video", "generate", BRIEF, "--format", "json"],
                          cwd=workdir, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"generate failed ({proc.returncode}): {proc.stdout}\n{proc.stderr[-2000:]}")
    out = json.loads(proc.stdout)
    manifest = json.loads(Path(out["manifestPath"]).read_text())
    stages = {s["stage"]: s["seconds"] for s in manifest["stages"]}
    duration = manifest["outputs"]["durationSec"]
    return {"words": len(BRIEF.split()), "videoSec": duration, "wallSec": round(wall, 2),
            "xRealtime": round(duration / wall, 3), "stages": stages}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = []
    for _ in range(args.runs):
        # a fresh workspace per run: the same brief in one workspace would reuse the narration cache
        with tempfile.TemporaryDirectory() as tmp:
            result = run_once(Path(tmp))
        results.append(result)
        print(json.dumps(result))
    summary = {
        "medianWallSec": statistics.median(r["wallSec"] for r in results),  # type: ignore[misc]
        "medianXRealtime": statistics.median(r["xRealtime"] for r in results),  # type: ignore[misc]
        "medianStages": {k: statistics.median(r["stages"][k] for r in results)  # type: ignore[index]
                         for k in results[0]["stages"]},  # type: ignore[union-attr]
    }
    print(json.dumps({"summary": summary}, indent=2))


if __name__ == "__main__":
    main()
