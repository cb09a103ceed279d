"""Benchmark: reelforge's render (A) of 15 s, 60 s and 180 s shorts (a 6 s scene every 6 s, the same
transitions, production tiktok captions, narration + music): seconds and peak RSS against duration, to show
that cost grows linearly with the video and memory stays flat.

    /work/venv/bin/python bench/scale.py [--durations 15 60 180] [--runs 1] [--json out.json]

Each render runs in its own worker process (bench/render_short.py --worker A), sampled with psutil every
50 ms; "peak RSS" is the largest single process (ffmpeg), "tree" the sum over the worker's process tree.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from render_short import machine, make_inputs, run_worker


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--durations", type=int, nargs="+", default=[15, 60, 180])
    parser.add_argument("--runs", type=int, default=1, help="renders per duration (interleaved)")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="rf-scale-"))
    print("machine:", json.dumps(machine()), flush=True)
    dirs: dict[int, Path] = {}
    scenes: dict[int, int] = {}
    for sec in args.durations:
        dirs[sec] = root / f"s{sec}"
        dirs[sec].mkdir(parents=True, exist_ok=True)
        t0 = time.monotonic()
        spec = make_inputs(dirs[sec], sec)
        scenes[sec] = len(spec.scenes)
        print(f"inputs {sec} s: {len(spec.scenes)} scenes, {time.monotonic() - t0:.1f} s", flush=True)
    rows: list[dict[str, Any]] = []
    for k in range(args.runs):
        for sec in args.durations:
            r = run_worker("A", dirs[sec])
            r.update(videoSec=sec, round=k + 1)
            rows.append(r)
            print(f"{sec:4d} s video: {r['seconds']:.1f} s = {sec / r['seconds']:.2f}x realtime, "
                  f"{r['seconds'] / sec:.3f} s per video second; peak RSS {r['peakLargestMB']} MB "
                  f"({r['largestProcess']}), tree {r['peakTreeMB']} MB; stages {r['stages']}", flush=True)
    summary = []
    for sec in args.durations:
        mine = [r for r in rows if r["videoSec"] == sec]
        med = statistics.median(r["seconds"] for r in mine)
        summary.append({"videoSec": sec, "scenes": scenes[sec], "medianSec": round(med, 2),
                        "secPerVideoSec": round(med / sec, 3), "xRealtime": round(sec / med, 2),
                        "peakLargestMB": max(r["peakLargestMB"] for r in mine),
                        "peakTreeMB": max(r["peakTreeMB"] for r in mine)})
    print(json.dumps({"summary": summary}, indent=2))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "argv": sys.argv, "results": rows,
                                         "summary": summary}, indent=2), encoding="utf-8")
    if args.workdir is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
