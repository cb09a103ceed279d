"""Compositing CPU of each segment of the 60 s bench short, by the transition it holds (issue 21): the
segment's inputs and graph (Ken Burns feeds included) with the encoder replaced by rawvideo to the null
muxer, so only compositing is counted. Two source trees side by side, interleaved per round:

  python bench/transition_cpu.py RUN_DIR --base-src /tmp/base/src [--runs 3] [--only fade]

RUN_DIR is made with render_short.make_inputs when it has no render-spec.json. Each tree runs in its own
process (``--worker``), which reports user + system CPU of itself (the feeder threads) and its children.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()


def cpu_seconds() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def worker(run: Path, only: str | None) -> list[dict[str, Any]]:
    from reelforge.compose.frame_feeds import StillCache, run_segment
    from reelforge.compose.processes import run_all
    from reelforge.compose.runner import ffmpeg_exe
    from reelforge.compose.segment_graph import segment_graph
    from reelforge.compose.timeline import plan_segments
    from reelforge.models.render_spec import RenderSpec

    spec = RenderSpec.model_validate_json((run / "render-spec.json").read_text(encoding="utf-8"))
    exe = ffmpeg_exe()
    work = run / f".tcpu-{os.getpid()}"
    work.mkdir()
    stills = StillCache(spec, run, work, exe)
    for scene in range(len(spec.scenes)):  # prepared outside the timing (once per render either way)
        run_all([lambda group, s=scene: stills.planes(s, group)], 1)
    rows = []
    for seg in plan_segments(spec):
        kinds = [spec.scenes[p.scene].transition_out.kind for p in seg.pieces if p.is_transition]
        if only is not None and "+".join(kinds or ["solo"]) != only:
            continue
        g = segment_graph(spec, seg, run)
        argv = [exe, "-hide_banner", "-nostdin", *g.inputs, "-filter_complex", g.graph, "-map", "[vout]",
                "-frames:v", str(seg.frames), "-c:v", "rawvideo", "-f", "null", "-"]
        before = cpu_seconds()
        run_all([lambda group, seg=seg, argv=argv: run_segment(group, spec, seg, run, argv, stills, what="raw")], 1)
        rows.append({"segment": seg.index, "frames": seg.frames, "kind": "+".join(kinds) or "solo",
                     "transitionFrames": sum(p.frames for p in seg.pieces if p.is_transition),
                     "feeds": len(g.feeds), "cpuSec": round(cpu_seconds() - before, 3)})
    work.rmdir()
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", type=Path)
    ap.add_argument("--base-src", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", help="only the segments holding this transition kind (or solo)")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.run, args.only)))
        return 0
    if not (args.run / "render-spec.json").is_file():
        sys.path.insert(0, str(HERE.parent))
        from render_short import make_inputs

        args.run.mkdir(parents=True, exist_ok=True)
        make_inputs(args.run, 60)
    trees = {"base": str(args.base_src), "this": str(HERE.parent.parent / "src")}
    got: dict[str, list[list[dict[str, Any]]]] = {k: [] for k in trees}
    for r in range(args.runs):
        for name, src in trees.items():
            load = round(os.getloadavg()[0], 2)
            only = ["--only", args.only] if args.only else []
            out = subprocess.run([sys.executable, str(HERE), str(args.run), "--base-src", str(args.base_src),
                                  "--worker", *only], capture_output=True, text=True, check=True,
                                 env={**os.environ, "PYTHONPATH": src}).stdout
            got[name].append(json.loads(out.strip().splitlines()[-1]))
            print(json.dumps({"round": r + 1, "tree": name, "load1": load,
                              "cpuSec": round(sum(x["cpuSec"] for x in got[name][-1]), 2)}), flush=True)
    summary: dict[str, Any] = {}
    for name, runs in got.items():
        per_kind: dict[str, list[float]] = {}
        for k, row in enumerate(runs[0]):
            med = statistics.median(run[k]["cpuSec"] for run in runs)
            per_kind.setdefault(row["kind"], []).append(med)
        summary[name] = {"totalCpuSec": round(statistics.median(sum(x["cpuSec"] for x in run) for run in runs), 2),
                         "meanCpuSecPerSegment": {k: round(statistics.mean(v), 3) for k, v in per_kind.items()},
                         "segments": {k: len(v) for k, v in per_kind.items()},
                         "feedsPerSegment": [x["feeds"] for x in runs[0]]}
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
