"""Where the render time goes, for bench/RESULTS.md: ffmpeg -benchmark on A's own graph with its output
sent to the null muxer (compositing without the encoder), the C intermediate's decode alone, and py-spy
on B (MoviePy). Called from bench/render_short.py (--no-profile / --pyspy-b SEC).
"""

from __future__ import annotations

import collections
import json
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


def profile_ffmpeg(run: Path, intermediate: Path | None) -> dict[str, Any]:
    """A's exact graph with its output sent to the null muxer (compositing without x264/AAC), and the
    intermediate's decode alone (what C pays on top of pure encoding)."""
    a_argv = json.loads((run / "a-argv.json").read_text(encoding="utf-8"))
    last_map = max(i for i, arg in enumerate(a_argv) if arg == "-map")
    graph_only = [*a_argv[:last_map + 2], "-f", "null", "-"]
    out: dict[str, Any] = {"A_graph_to_null": _bench(graph_only)}
    if intermediate is not None:
        src = [a_argv[0], "-hide_banner", "-nostdin", "-y", "-i", str(intermediate), "-map", "0:v", "-map", "0:a"]
        out["C_decode_to_null"] = _bench([*src, "-f", "null", "-"])
        # what A's determinism choice (x264 slice threads) costs: C again with x264's default frame threads
        opts = a_argv[last_map + 2:-1]
        if "-x264-params" in opts:
            i = opts.index("-x264-params")
            frame_threads = [*opts[:i], *opts[i + 2:]]
            out["C_frame_threads"] = _bench([*src, *frame_threads, str(run / "c-frame-threads.mp4")])
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
