"""Benchmark: a 10-minute 1080p explainer, made key-free and rendered on the local engine.

The authored script bench/fixtures/explainer_10min.json (60 scenes on one topic, ~600 s of narration, mode
explainer, 16:9 1920x1080) is generated ONCE with ``reelforge video generate --script`` (Piper narration,
designed cards, captions, render, check: the whole key-free path), timed per stage from its manifest. Then
that run's render-spec is rendered again N times, side by side with a baseline in the same run, alternating:

  A  reelforge.compose.runner.render of the run's render-spec (bench/render_short.py's worker A);
  C  the encoder limit: A's output decoded once (untimed) to lossless intermediates cut at A's segment
     bounds, then encoded exactly as A encodes (same x264 options, segments, jobs, join): render_short.py's
     worker C. A/C is what compositing costs on top of x264.

Every worker runs in a child process sampled with render_short.TreeSampler (peak RSS of the largest process
and of the whole tree). Raw intermediates of 10 minutes of 1080p are ~56 GB, so C reads FFV1 by default
(C then also decodes FFV1; --intermediate raw for the strict limit when the disk allows). render_short's CX
(x264 on A's exact composited frames, raw) is not offered for the same reason.

    python bench/long_render.py [--minutes 10] [--runs 1] [--skip-c] [--intermediate ffv1|raw]
        [--workdir DIR] [--keep] [--json out.json]

--minutes 1 renders the fixture's first 6 scenes (a quick check, ~1 min of video).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parent))

from render_short import TreeSampler, cpu_seconds, load_spec, machine, prepare_c, run_worker, summarize  # noqa: E402

from reelforge.compose.timeline import plan_segments  # noqa: E402

FIXTURE = HERE.parent / "fixtures" / "explainer_10min.json"
FIXTURE_MINUTES = 10


def script_for(minutes: float) -> dict[str, Any]:
    """The fixture, or its first scenes in proportion to ``minutes`` (its scenes are ~10 s each)."""
    doc: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    if minutes >= FIXTURE_MINUTES:
        return doc
    count = max(2, round(len(doc["scenes"]) * minutes / FIXTURE_MINUTES))
    scenes = [dict(s) for s in doc["scenes"][:count]]
    scenes[-1].pop("transition", None)
    return {**doc, "scenes": scenes}


def generate_once(work: Path, minutes: float) -> dict[str, Any]:
    """``reelforge video generate --script`` in a child process: wall, CPU-s, peak RSS, per-stage seconds."""
    (work / "script.json").write_text(json.dumps(script_for(minutes), indent=2), encoding="utf-8")
    argv = [sys.executable, "-m", "reelforge", "video", "generate", "--script", "script.json", "--out", "videos",
            "--format", "json", "--yes"]
    load = round(os.getloadavg()[0], 2)
    cpu0, t0 = cpu_seconds(), time.monotonic()
    proc = subprocess.Popen(argv, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeSampler(proc.pid) as sampler:
        out, err = proc.communicate()
    wall, cpu = time.monotonic() - t0, cpu_seconds() - cpu0
    if proc.returncode != 0:
        raise SystemExit(f"generate failed ({proc.returncode}):\n{out[-2000:]}\n{err[-3000:]}")
    payload = json.loads(out)
    run = Path(payload["runDir"])
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    video = Path(payload["video"])
    return {"runDir": str(run), "load1AtStart": load, "wallSec": round(wall, 2), "cpuSec": round(cpu, 2),
            "peakLargestMB": round(sampler.largest_mb), "largestProcess": sampler.largest_name,
            "peakTreeMB": round(sampler.tree_mb), "videoSec": payload["durationSec"], "sha256": payload["sha256"],
            "outputMB": round(video.stat().st_size / 2**20, 1),
            "manifestKB": round((run / "manifest.json").stat().st_size / 1024, 1),
            "stagesSec": {s["stage"]: s.get("seconds", 0.0) for s in manifest["stages"]},
            "scenes": len(script_for(minutes)["scenes"]), "warnings": payload["warnings"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="1 for a quick check (default 10)")
    parser.add_argument("--runs", type=int, default=1, help="renders of A (and C) after the generate")
    parser.add_argument("--skip-c", action="store_true")
    parser.add_argument("--intermediate", choices=["ffv1", "raw"], default="ffv1")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="rf-long-"))
    work.mkdir(parents=True, exist_ok=True)
    print("machine:", json.dumps(machine()), flush=True)
    gen = generate_once(work, args.minutes)
    run = Path(gen["runDir"])
    seconds = float(gen["videoSec"])
    print(f"generate: {gen['wallSec']:.1f} s wall = {seconds / gen['wallSec']:.2f}x realtime for {seconds:.1f} s "
          f"of video ({gen['scenes']} scenes), {gen['cpuSec']:.1f} CPU-s, load {gen['load1AtStart']}; peak RSS "
          f"{gen['peakLargestMB']} MB ({gen['largestProcess']}), tree {gen['peakTreeMB']} MB; "
          f"{gen['outputMB']} MB mp4, manifest {gen['manifestKB']} KB; stages {gen['stagesSec']}", flush=True)
    segments = len(plan_segments(load_spec(run)))
    results: list[dict[str, Any]] = []
    intermediate: Path | None = None
    for k in range(args.runs):
        for kind in ["A"] + ([] if args.skip_c else ["C"]):
            if kind == "C" and intermediate is None:
                t1 = time.monotonic()
                intermediate = prepare_c(run, args.intermediate)
                size = sum(f.stat().st_size for f in intermediate.iterdir()) / 2**20
                print(f"  C intermediate ({args.intermediate}, untimed): {time.monotonic() - t1:.1f} s, "
                      f"{size:.0f} MB", flush=True)
            r = run_worker(kind, run, ["--input", str(intermediate)] if kind == "C" else None)
            r["round"] = k + 1
            results.append(r)
            print(f"round {k + 1} {kind}: {r['seconds']:.1f} s = {seconds / r['seconds']:.2f}x realtime, "
                  f"{r['cpuSec']:.1f} CPU-s, load {r['load1AtStart']}; peak RSS {r['peakLargestMB']} MB "
                  f"({r['largestProcess']}), tree {r['peakTreeMB']} MB, steal {r['stealPct']} %"
                  + (f"; {r['segments']} segments; stages {r['stages']}" if kind == "A" else ""), flush=True)
    summary = summarize(results, seconds)  # type: ignore[arg-type]
    summary.update(generate=gen, segments=segments,
                   renderSameBytesAsGenerate=all(r["sha256"] == gen["sha256"] for r in results if r["kind"] == "A"))
    print(json.dumps({"summary": summary}, indent=2), flush=True)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "argv": sys.argv, "results": results,
                                         "summary": summary}, indent=2), encoding="utf-8")
    if intermediate is not None:
        shutil.rmtree(intermediate, ignore_errors=True)  # FFV1 of 10 min of 1080p is gigabytes
    if not args.keep and args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("kept:", work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
