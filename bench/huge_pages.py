"""Transparent huge pages for ffmpeg children, on and off (compose/processes.py, encoder_child).

1. One segment of the bench short (A's exact frames in NUT) encoded by the production x264 options, N times
   each way, alternating: wall and kernel CPU of each run, sorted.
2. Whole renders (A) and the encoder alone on A's frames (CX), each way, interleaved, R rounds: wall, CPU
   and the ffmpeg children's user / kernel split.

Run: PYTHONPATH=src .venv/bin/python bench/huge_pages.py [--runs 8] [--rounds 3]. Not in CI. The same bytes
come out either way (printed).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import render_short as rs

from reelforge.compose import processes, runner
from reelforge.compose.ffmpeg_args import BITEXACT, video_encode_options

_ON = processes.die_with_parent  # what ProcessGroup ran before: huge pages as the kernel gives them
_OFF = processes.encoder_child


def usage() -> tuple[float, float, float]:
    """(own CPU, children's user, children's kernel) so far."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime, kids.ru_stime


def measured(fn: Callable[[], object]) -> tuple[float, tuple[float, ...]]:
    u0, t0 = usage(), time.perf_counter()
    fn()
    return time.perf_counter() - t0, tuple(b - a for a, b in zip(u0, usage(), strict=True))


def pages(huge: bool) -> None:
    processes.encoder_child = _ON if huge else _OFF  # type: ignore[assignment]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--segment", type=int, default=3)
    args = parser.parse_args()
    run = Path(tempfile.mkdtemp(prefix="huge-pages-"))
    spec = rs.make_inputs(run, 60)
    pages(False)
    runner.render(spec, run)
    exact = rs.prepare_exact_c(run)
    seg = exact / f"segment-{args.segment:03d}.nut"
    out = run / "one.mp4"
    argv = [runner.ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-i", str(seg), "-map", "0:v",
            *video_encode_options(spec), "-an", *BITEXACT, "-f", "mp4", str(out)]
    rows: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    shas = set()
    for _ in range(args.runs):
        for huge in (True, False):
            pages(huge)
            wall, (_, _, kernel) = measured(lambda: processes.ProcessGroup().run(argv, what="one segment"))
            rows[huge].append((wall, kernel))
            shas.add(subprocess.run(["sha256sum", str(out)], capture_output=True, text=True).stdout.split()[0])
    for huge, label in ((True, "huge pages"), (False, "4 KiB pages")):
        walls = " ".join(f"{w:.2f}" for w, _ in sorted(rows[huge]))
        kernel = sorted(k for _, k in rows[huge])
        print(f"segment {args.segment}, {label}: wall {walls}; kernel {kernel[0]:.2f}-{kernel[-1]:.2f} s")
    print(f"distinct outputs: {len(shas)}")
    for r in range(args.rounds):
        for kind in ("A", "CX"):
            for huge in (True, False):
                pages(huge)
                job = (lambda: runner.render(spec, run)) if kind == "A" else (lambda: rs.worker_c(run, exact))
                wall, (own, user, kernel) = measured(job)
                print(f"round {r + 1} {kind:2s} {'huge' if huge else '4 KiB'}: wall {wall:.2f} s, CPU "
                      f"{own + user + kernel:.2f} (own {own:.2f}, ffmpeg {user:.2f} user + {kernel:.2f} kernel)",
                      flush=True)


if __name__ == "__main__":
    main()
