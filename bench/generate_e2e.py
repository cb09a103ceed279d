"""End-to-end key-free `reelforge video generate` of a ~150-word brief: per-stage seconds and x realtime.

Run: .venv/bin/python bench/generate_e2e.py [--runs N] [--baseline-src DIR] [--user-cache cold|warm]
     [-- extra generate flags]
Each run is cold (its own workspace, so no cached narration). Prints one JSON object per run plus a
median summary. With --baseline-src, each round also runs the same generate with reelforge imported from
DIR (label "base"), interleaved, so both see the same machine load. CPU seconds are the generate process's
and every child's (user + system). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_once(workdir: Path, src: Path | None = None, extra: list[str] | None = None,
             user_cache: Path | None = None) -> dict[str, object]:
    """One generate in ``workdir``; ``user_cache``: the per-user cache folder it gets (REELFORGE_CACHE_DIR:
    the patched Piper model lives there), else the machine's own."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    if user_cache is not None:
        env["REELFORGE_CACHE_DIR"] = str(user_cache)
    load = round(os.getloadavg()[0], 2)
    cpu0 = children_cpu()
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "reelforge", "video", "generate", BRIEF, "--format", "json",
                           *(extra or [])], cwd=workdir, capture_output=True, text=True, check=False, env=env)
    wall = time.perf_counter() - started
    cpu = children_cpu() - cpu0
    if proc.returncode != 0:
        raise SystemExit(f"generate failed ({proc.returncode}): {proc.stdout}\n{proc.stderr[-2000:]}")
    out = json.loads(proc.stdout)
    manifest = json.loads(Path(out["manifestPath"]).read_text())
    stages = {s["stage"]: s["seconds"] for s in manifest["stages"]}
    duration = manifest["outputs"]["durationSec"]
    return {"words": len(BRIEF.split()), "videoSec": duration, "wallSec": round(wall, 2),
            "xRealtime": round(duration / wall, 3), "cpuSec": round(cpu, 2), "load1AtStart": load,
            "stages": stages}


def summarize(results: list[dict[str, object]]) -> dict[str, object]:
    return {
        "runs": len(results),
        "medianWallSec": statistics.median(r["wallSec"] for r in results),  # type: ignore[misc]
        "medianXRealtime": statistics.median(r["xRealtime"] for r in results),  # type: ignore[misc]
        "medianCpuSec": statistics.median(r["cpuSec"] for r in results),  # type: ignore[misc]
        "medianStages": {k: statistics.median(r["stages"][k] for r in results)  # type: ignore[index]
                         for k in results[0]["stages"]},  # type: ignore[union-attr]
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-src", type=Path, metavar="DIR", help="also run reelforge from DIR, interleaved")
    parser.add_argument("--user-cache", choices=["cold", "warm"], default="cold",
                        help="cold (default): an empty per-user cache each run, so the Piper model is patched "
                             "again; warm: the machine's cache, as a user's second and later runs find it")
    parser.add_argument("extra", nargs="*", help="extra `video generate` flags (after --), e.g. --no-check")
    args = parser.parse_args()
    labels = (["base"] if args.baseline_src else []) + ["this"]
    results: dict[str, list[dict[str, object]]] = {label: [] for label in labels}
    for k in range(args.runs):
        for label in labels:
            # a fresh workspace per run: the same brief in one workspace would reuse the narration cache
            with tempfile.TemporaryDirectory() as tmp:
                cache = Path(tmp) / "user-cache" if args.user_cache == "cold" else None
                work = Path(tmp) / "ws"
                work.mkdir()
                result = run_once(work, args.baseline_src if label == "base" else None, args.extra, cache)
            result.update(label=label, round=k + 1, userCache=args.user_cache)
            results[label].append(result)
            print(json.dumps(result), flush=True)
    summary = {label: summarize(rows) for label, rows in results.items()}
    print(json.dumps({"summary": summary}, indent=2))


if __name__ == "__main__":
    main()
