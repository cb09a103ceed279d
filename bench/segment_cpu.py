"""CPU seconds of one render segment, three ways, interleaved (issue 21): a steadier measure than a whole
render on a loaded machine, and without the audio task.

  A0  the segment as the baseline tree renders it (--baseline-src, e.g. main's src: zoompans in ffmpeg)
  A   the segment as this tree renders it (compose/frame_feeds.py: Ken Burns drawn in Python, piped)
  C   x264 alone: the same segment of A's output, decoded once to raw NUT (render_short.py's C input),
      encoded with the same options

Each runs in its own process (``--worker``), which reports user + system CPU of itself and its children.

  python bench/segment_cpu.py RUN_DIR SEGMENT C_INPUT.nut --baseline-src /work/main/src [--runs 3]
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
from typing import Any


def cpu_seconds() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def worker(kind: str, run: Path, k: int, c_input: Path, out: Path) -> dict[str, Any]:
    from reelforge.compose.ffmpeg_args import BITEXACT, build_segment_args, video_encode_options
    from reelforge.compose.processes import run_all
    from reelforge.compose.runner import ffmpeg_exe
    from reelforge.compose.timeline import plan_segments
    from reelforge.models.render_spec import RenderSpec

    spec = RenderSpec.model_validate_json((run / "render-spec.json").read_text(encoding="utf-8"))
    seg = plan_segments(spec)[k]
    exe = ffmpeg_exe()
    before, started = cpu_seconds(), time.monotonic()
    if kind == "C":
        argv = [exe, "-hide_banner", "-nostdin", "-y", "-i", str(c_input), "-map", "0:v", *video_encode_options(spec),
                "-frames:v", str(seg.frames), "-an", *BITEXACT, "-f", "mp4", str(out)]
        run_all([lambda group: group.run(argv, what="C")], 1)
    elif kind == "A0":
        argv = build_segment_args(spec, seg, run, out, exe)
        run_all([lambda group: group.run(argv, what="A0")], 1)
    else:
        from reelforge.compose.frame_feeds import StillCache, run_segment

        argv = build_segment_args(spec, seg, run, out, exe)
        stills = StillCache(spec, run, out.parent, exe)
        run_all([lambda group: run_segment(group, spec, seg, run, argv, stills, what="A")], 1)
    return {"kind": kind, "frames": seg.frames, "cpuSec": round(cpu_seconds() - before, 3),
            "wallSec": round(time.monotonic() - started, 2)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", type=Path)
    ap.add_argument("segment", type=int)
    ap.add_argument("c_input", type=Path)
    ap.add_argument("--baseline-src", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.worker:
            print(json.dumps(worker(args.worker, args.run, args.segment, args.c_input, Path(tmp) / "seg.mp4")))
            return 0
        rows: list[dict[str, Any]] = []
        for r in range(args.runs):
            for kind in ("A0", "A", "C"):
                env = {**os.environ, "PYTHONPATH": str(args.baseline_src)} if kind == "A0" else None
                load = round(os.getloadavg()[0], 1)
                out = subprocess.run([sys.executable, __file__, str(args.run), str(args.segment), str(args.c_input),
                                      "--baseline-src", str(args.baseline_src), "--worker", kind],
                                     capture_output=True, text=True, check=True, env=env).stdout
                row = json.loads(out.strip().splitlines()[-1]) | {"round": r + 1, "load1": load}
                rows.append(row)
                print(json.dumps(row), flush=True)
    med = {k: statistics.median(x["cpuSec"] for x in rows if x["kind"] == k) for k in ("A0", "A", "C")}
    frames = rows[0]["frames"]
    print(json.dumps({"medianCpuSec": med, "msPerFrame": {k: round(v / frames * 1000, 2) for k, v in med.items()},
                      "A0_over_C": round(med["A0"] / med["C"], 3), "A_over_C": round(med["A"] / med["C"], 3)},
                     indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
