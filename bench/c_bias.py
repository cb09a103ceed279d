"""Why C (A's output decoded, then encoded again) is not A's encode: x264 on A's exact frames (CX) against x264
on the decoded output (C), with the designed cards' grain on and off.

Run: PYTHONPATH=src .venv/bin/python bench/c_bias.py [--rounds 2]. Not in CI. For each card look it renders the
bench short once (A), prepares both intermediates (untimed) and times C and CX alternately: wall, CPU and
output bytes.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import render_short as rs

from reelforge.compose import runner
from reelforge.providers.visual import designed

_BACKGROUND = designed._background


class _NoGrain:
    """An rng whose standard_normal draws are zeros (drawn and thrown away, so every other draw is the same)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def __getattr__(self, name: str) -> Any:
        return getattr(self.rng, name)

    def standard_normal(self, *a: Any, **k: Any) -> np.ndarray:
        return np.zeros_like(self.rng.standard_normal(*a, **k))


def cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    prepared: dict[bool, tuple[Path, Path, Path]] = {}
    for grain in (True, False):
        designed._background = _BACKGROUND if grain else (  # type: ignore[assignment]
            lambda cw, ch, palette, rng, layout: _BACKGROUND(cw, ch, palette, _NoGrain(rng), layout))  # type: ignore[arg-type]
        run = Path(tempfile.mkdtemp(prefix=f"c-bias-grain-{grain}-"))
        spec = rs.make_inputs(run, 60)
        result = runner.render(spec, run)
        print(f"grain={grain}: A {result.sha256[:12]}, {(run / spec.output).stat().st_size} bytes", flush=True)
        prepared[grain] = (run, rs.prepare_exact_c(run), rs.prepare_c(run))
    designed._background = _BACKGROUND  # type: ignore[assignment]
    for r in range(args.rounds):
        for grain, (run, exact, decoded) in prepared.items():
            for name, cdir in (("CX", exact), ("C", decoded)):
                c0 = cpu()
                seconds = rs.worker_c(run, cdir)["seconds"]
                size = (run / "c-encode.mp4").stat().st_size
                print(f"round {r + 1} grain={grain} {name:2s}: {seconds:.2f} s, {cpu() - c0:.2f} CPU-s, {size} bytes",
                      flush=True)


if __name__ == "__main__":
    main()
