"""Where the render spends beyond x264 (issue 21's A - CX): the bench short's pieces run alone, CPU-s.

- stills: every Ken Burns still decoded and scaled once (StillCache), as a render does;
- compositing: every segment graph, fed as in production, with the encoder replaced by rawvideo to null;
- then on the solo segments: the graph without the `subtitles` filter, the Ken Burns drawing alone, and an
  ffmpeg start with one frame (the per-segment cost);
- audio: the audio task (speech metered, gain tries, AAC, the encoded file measured).

Run: PYTHONPATH=src .venv/bin/python bench/composite_breakdown.py [--seconds 60] [--rounds 2]. Not in CI.
"""

from __future__ import annotations

import argparse
import re
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from render_short import make_inputs

from reelforge.compose.audio_mix import mix_to_target
from reelforge.compose.ffmpeg_args import build_segment_args
from reelforge.compose.frame_feeds import StillCache, feed_frames, run_segment
from reelforge.compose.loudness import measure_output
from reelforge.compose.processes import ProcessGroup, run_all
from reelforge.compose.runner import ffmpeg_exe
from reelforge.compose.segment_graph import segment_graph
from reelforge.compose.timeline import plan_segments


def cpu() -> float:
    children, own = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    return children.ru_utime + children.ru_stime + own.ru_utime + own.ru_stime


def timed(label: str, frames: int, fn: Callable[[], object]) -> None:
    c, t = cpu(), time.perf_counter()
    fn()
    spent = cpu() - c
    per = f", {1000 * spent / frames:.2f} ms a frame" if frames else ""
    print(f"{label}: wall {time.perf_counter() - t:.2f} s, {spent:.2f} CPU-s{per}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    run = Path(tempfile.mkdtemp(prefix="composite-breakdown-"))
    spec = make_inputs(run, args.seconds)
    exe, segments, group = ffmpeg_exe(), plan_segments(spec), ProcessGroup()
    stills = StillCache(spec, run, run, exe)
    timed(f"stills ({len(spec.scenes)})", 0, lambda: [stills.planes(s, group) for s in range(len(spec.scenes))])

    def to_null(k: int, *, captions: bool = True, frames: int | None = None) -> list[str]:
        argv = build_segment_args(spec, segments[k], run, run / f"s{k}.mp4", exe)
        argv = [*argv[:argv.index("-c:v")], "-c:v", "rawvideo", "-frames:v", str(frames or segments[k].frames),
                "-an", "-f", "null", "-"]
        if not captions:
            at = argv.index("-filter_complex") + 1
            argv[at] = re.sub(r",subtitles=[^,\[]*", "", argv[at])
        return argv

    def composite(ks: list[int], **kw: object) -> None:
        for k in ks:
            run_segment(group, spec, segments[k], run, to_null(k, **kw), stills, what=f"segment {k}")  # type: ignore[arg-type]

    def draw(ks: list[int]) -> None:
        for k in ks:
            for feed in segment_graph(spec, segments[k], run).feeds:
                planes = {s: stills.planes(s, group) for s in feed.scenes()}
                for _ in feed_frames(spec, feed, planes):
                    pass

    every = list(range(len(segments)))
    total = spec.duration_in_frames
    solo = [k for k in every if all(p.into is None for p in segments[k].pieces)][:8]
    solo_frames = sum(segments[k].frames for k in solo)
    for r in range(args.rounds):
        print(f"round {r + 1}")
        timed(f"  compositing, {len(every)} segments to null, 2 at a time", total,
              lambda: run_all([lambda g, k=k: run_segment(g, spec, segments[k], run, to_null(k), stills, what="x")
                               for k in every], 2))
        timed(f"  {len(solo)} solo segments to null", solo_frames, lambda: composite(solo))
        timed("  the same without the subtitles filter", solo_frames, lambda: composite(solo, captions=False))
        timed("  the same, Ken Burns drawing alone", solo_frames, lambda: draw(solo))
        timed("  the same, one frame each (process start)", solo_frames, lambda: composite(solo, frames=1))
        timed("  audio task", 0, lambda: (mix_to_target(spec, run, run / "a.mp4", exe, group),
                                         measure_output(run / "a.mp4", exe, group)))


if __name__ == "__main__":
    main()
