"""Benchmark: the 60 s bench short (bench/render_short.py's fixed inputs) rendered once per caption preset,
side by side in one run against today's word-highlight (`tiktok`), rounds interleaved:

    round k: tiktok, word-highlight, karaoke, pop, hook, lower-third, minimal

Each render is reelforge's production `render()` in its own worker process (render_short.py --worker A).
Prints each preset's median wall seconds and CPU seconds (user + system of the worker and every ffmpeg it
waited for, from getrusage(RUSAGE_CHILDREN): steadier than wall time on a shared machine) and their ratios
to tiktok's medians; the requirement is that no preset costs more than 15 % over today's (ratio <= 1.15).

    /work/main/.venv/bin/python bench/caption_presets.py [--seconds 60] [--runs 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render_short import machine, make_inputs, run_worker

BASELINE = "tiktok"
PRESETS = (BASELINE, "word-highlight", "karaoke", "pop", "hook", "lower-third", "minimal")
LIMIT = 1.15


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="rf-capbench-"))
    print("machine:", json.dumps(machine()), flush=True)
    dirs: dict[str, Path] = {}
    events: dict[str, int] = {}
    for preset in PRESETS:
        run = root / preset
        run.mkdir()
        make_inputs(run, args.seconds, captions=preset)
        dirs[preset] = run
        ass = (run / "captions.ass").read_text(encoding="utf-8")
        events[preset] = sum(line.startswith("Dialogue:") for line in ass.splitlines())
    print(f"inputs in {root}; Dialogue events per preset: {events}", flush=True)
    results: list[dict[str, Any]] = []
    for k in range(args.runs):
        for preset in PRESETS:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            r = run_worker("A", dirs[preset])
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            r.update(preset=preset, round=k + 1, cpuSec=round(cpu, 2))
            results.append(r)
            print(f"round {k + 1} {preset:<14} {r['seconds']:.1f} s wall, {cpu:.1f} s CPU  load {r['load1AtStart']}  "
                  f"steal {r['stealPct']} %", flush=True)
    def median(preset: str, key: str) -> float:
        return statistics.median(r[key] for r in results if r["preset"] == preset)

    med = {p: median(p, "seconds") for p in PRESETS}
    cpu_med = {p: median(p, "cpuSec") for p in PRESETS}
    summary = {p: {"medianSec": round(med[p], 2), "allSec": [r["seconds"] for r in results if r["preset"] == p],
                   "medianCpuSec": round(cpu_med[p], 2),
                   "allCpuSec": [r["cpuSec"] for r in results if r["preset"] == p],
                   "overToday": round(med[p] / med[BASELINE], 3),
                   "cpuOverToday": round(cpu_med[p] / cpu_med[BASELINE], 3), "events": events[p],
                   "withinLimit": cpu_med[p] / cpu_med[BASELINE] <= LIMIT}
               for p in PRESETS}
    print(json.dumps({"summary": summary}, indent=2), flush=True)
    print("| preset | Dialogue events | wall runs (s) | wall median | CPU runs (s) | CPU median "
          "| wall / today's | CPU / today's |")
    print("|---|---|---|---|---|---|---|---|")
    for p in PRESETS:
        s = summary[p]
        print(f"| {p} | {s['events']} | {', '.join(f'{x:.1f}' for x in s['allSec'])} | {s['medianSec']:.1f} "
              f"| {', '.join(f'{x:.1f}' for x in s['allCpuSec'])} | {s['medianCpuSec']:.1f} "
              f"| {s['overToday']:.3f} | {s['cpuOverToday']:.3f} |")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "argv": sys.argv, "results": results,
                                         "summary": summary, "at": time.time()}, indent=2), encoding="utf-8")
    return 0 if all(s["withinLimit"] for s in summary.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
