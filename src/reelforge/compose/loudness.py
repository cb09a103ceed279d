"""Loudness passes: measure the mix before the render (for linear loudnorm) and the final mp4 after it."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelforge.compose.ffmpeg_args import build_measure_args
from reelforge.errors import RenderError
from reelforge.models.render_spec import RenderSpec

_JSON_BLOCK = re.compile(r"\{[^{}]*\"input_i\"[^{}]*\}", re.S)
_SUMMARY_I = re.compile(r"Integrated loudness:\s*I:\s*(-?[\d.]+|-inf)\s*LUFS", re.S)
_SUMMARY_TP = re.compile(r"True peak:\s*Peak:\s*(-?[\d.]+|-inf)\s*dBFS", re.S)


@dataclass(frozen=True)
class LoudnessMeasure:
    integrated_lufs: float
    true_peak_db: float


def parse_loudnorm_json(stderr: str) -> dict[str, Any]:
    """The last JSON block loudnorm printed (print_format=json)."""
    blocks = _JSON_BLOCK.findall(stderr)
    if not blocks:
        raise ValueError("loudnorm printed no JSON measurement")
    data: dict[str, Any] = json.loads(blocks[-1])
    return data


def _run(argv: list[str], what: str, timeout: float) -> str:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise RenderError(f"{what} timed out after {timeout:.0f} s", argv=argv) from None
    if proc.returncode != 0:
        raise RenderError(f"{what} failed (ffmpeg exit {proc.returncode})", argv=argv,
                          stderr_tail=proc.stderr[-4000:])
    return proc.stderr


def measure_loudness(spec: RenderSpec, run_dir: Path, ffmpeg: str, *, timeout: float = 600,
                     run: Callable[[list[str]], str] | None = None) -> dict[str, Any] | None:
    """First pass: the render's audio graph through loudnorm print_format=json. None for a silent track.
    ``run`` runs the argv and returns ffmpeg's stderr (the render passes its process group's, so an
    interrupt stops this pass too)."""
    argv = build_measure_args(spec, run_dir, ffmpeg)
    if argv is None:
        return None
    stderr = run(argv) if run is not None else _run(argv, "loudness measurement", timeout)
    try:
        data = parse_loudnorm_json(stderr)
    except ValueError as exc:
        raise RenderError(f"loudness measurement: {exc}", argv=argv, stderr_tail=stderr[-2000:]) from None
    if any(str(data.get(k)) in ("-inf", "inf", "nan") for k in ("input_i", "input_tp", "input_thresh")):
        return None  # digital silence: linear loudnorm has nothing to scale
    return data


def measure_output(path: Path, ffmpeg: str, *, timeout: float = 600) -> LoudnessMeasure:
    """Integrated loudness and true peak of a finished file (ebur128 with true-peak metering)."""
    argv = [ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-i", str(path), "-map", "0:a:0",
            "-af", "ebur128=peak=true", "-f", "null", "-"]
    stderr = _run(argv, "output loudness measurement", timeout)
    summary = stderr[stderr.rfind("Summary:"):]
    i_match, tp_match = _SUMMARY_I.search(summary), _SUMMARY_TP.search(summary)
    if not i_match or not tp_match:
        raise RenderError("output loudness measurement printed no ebur128 summary", argv=argv,
                          stderr_tail=stderr[-2000:])
    return LoudnessMeasure(float(i_match.group(1)), float(tp_match.group(1)))
