"""Where the render time goes, for bench/RESULTS.md: ffmpeg -benchmark on each of A's segment graphs with
the output sent to the null muxer (compositing without the encoder), on each of C's segment encodes (x264
alone), and py-spy on B (MoviePy). Called from bench/render_short.py (--no-profile / --pyspy-b SEC).
"""

from __future__ import annotations

import collections
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from render_short import HERE, TreeSampler, make_inputs


def _bench(argv: list[str]) -> dict[str, float]:
    """Run ffmpeg with -benchmark: its utime/stime/rtime in seconds, and its peak RSS sampled with psutil
    (its own maxrss is not used: on Linux a child's ru_maxrss keeps the high-water mark of the Python
    process it was forked from)."""
    proc = subprocess.Popen([argv[0], "-benchmark", *argv[1:]], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    with TreeSampler(proc.pid) as sampler:
        _, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"ffmpeg failed ({proc.returncode}): {err[-2000:]}")
    out: dict[str, float] = {"peakRssMB": round(sampler.largest_mb)}
    for m in re.finditer(r"(utime|stime|rtime)=([\d.]+)s", err):
        out[m.group(1)] = float(m.group(2))
    return out


def _sum(rows: list[dict[str, float]]) -> dict[str, float]:
    return {k: round(sum(r.get(k, 0.0) for r in rows), 2) for k in ("utime", "stime", "rtime")} | {
        "peakRssMB": max(r["peakRssMB"] for r in rows)}


def profile_ffmpeg(run: Path, intermediate: Path | None) -> dict[str, Any]:
    """CPU seconds by kind of work, each segment run alone: A's segment graphs sent to the null muxer
    (compositing without x264), and C's segment encodes (x264 alone on A's frames)."""
    from render_short import load_spec

    from reelforge.compose.ffmpeg_args import video_encode_options
    from reelforge.compose.runner import ffmpeg_exe
    from reelforge.compose.segment_graph import segment_graph
    from reelforge.compose.timeline import plan_segments

    spec = load_spec(run)
    exe = ffmpeg_exe()
    graphs = []
    encodes = []
    for k, seg in enumerate(plan_segments(spec)):
        g = segment_graph(spec, seg, run)
        graphs.append(_bench([exe, "-hide_banner", "-nostdin", *g.inputs, "-filter_complex", g.graph,
                              "-map", "[vout]", "-frames:v", str(seg.frames), "-f", "null", "-"]))
        if intermediate is not None:
            src = sorted(p for p in intermediate.iterdir() if p.name.startswith("segment-"))[k]
            encodes.append(_bench([exe, "-hide_banner", "-nostdin", "-y", "-i", str(src), "-map", "0:v",
                                   *video_encode_options(spec), "-frames:v", str(seg.frames), "-an", "-f", "mp4",
                                   str(run / "c-profile.mp4")]))
    out: dict[str, Any] = {"A_segment_graphs_to_null": _sum(graphs)}
    if encodes:
        out["C_segment_encodes"] = _sum(encodes)
    return out


def pyspy_b(seconds: int, top: int = 12) -> dict[str, Any]:
    """B under py-spy on its own short input set: the hottest functions by self time (share of samples)."""
    run = Path(tempfile.mkdtemp(prefix="rf-pyspy-"))
    try:
        make_inputs(run, seconds)
        raw = run / "b-prof.txt"
        subprocess.run([str(Path(sys.executable).with_name("py-spy")), "record", "-r", "50", "-f", "raw", "-o",
                        str(raw), "--", sys.executable, str(HERE), "--worker", "B", "--workdir", str(run)],
                       check=True, capture_output=True)
        own: collections.Counter[str] = collections.Counter()
        total = 0
        for line in raw.read_text().splitlines():
            stack, n = line.rsplit(" ", 1)
            total += int(n)
            leaf = stack.split(";")[-1]
            own[re.sub(r" \(.*/", " (", leaf)] += int(n)
        return {"videoSec": seconds, "samples": total,
                "selfTop": {k: round(100 * v / total, 1) for k, v in own.most_common(top)}}
    finally:
        shutil.rmtree(run, ignore_errors=True)
