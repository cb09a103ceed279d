"""Loudness passes: measure the mix before the render (its one linear gain) and the encoded audio after."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reelforge.compose.ffmpeg_args import build_measure_args
from reelforge.errors import RenderError
from reelforge.models.render_spec import RenderSpec

_SUMMARY_I = re.compile(r"Integrated loudness:\s*I:\s*(-?[\d.]+|-inf)\s*LUFS", re.S)
_SUMMARY_TP = re.compile(r"True peak:\s*Peak:\s*(-?[\d.]+|-inf)\s*dBFS", re.S)


@dataclass(frozen=True)
class LoudnessMeasure:
    integrated_lufs: float
    true_peak_db: float


def _summary(stderr: str) -> str:
    return stderr[stderr.rfind("Summary:"):] if "Summary:" in stderr else ""


def parse_integrated(stderr: str) -> float:
    """Integrated loudness from ebur128's summary (the last one printed); -inf for silence."""
    match = _SUMMARY_I.search(_summary(stderr))
    if not match:
        raise ValueError("ebur128 printed no integrated loudness")
    return float(match.group(1))


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
                     run: Callable[[list[str]], str] | None = None) -> dict[str, float] | None:
    """First pass: the integrated loudness where the mix applies its gain (audio_graph). None for a
    silent track. ``run`` runs the argv and returns ffmpeg's stderr (the render passes its process
    group's, so an interrupt stops this pass too)."""
    argv = build_measure_args(spec, run_dir, ffmpeg)
    if argv is None:
        return None
    stderr = run(argv) if run is not None else _run(argv, "loudness measurement", timeout)
    try:
        lufs = parse_integrated(stderr)
    except ValueError as exc:
        raise RenderError(f"loudness measurement: {exc}", argv=argv, stderr_tail=stderr[-2000:]) from None
    return {"integratedLufs": lufs}


def _measure_argv(path: Path, ffmpeg: str) -> list[str]:
    """Integrated loudness and true peak of a file's first audio stream (ebur128, true-peak metering)."""
    return [ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-i", str(path), "-map", "0:a:0",
            "-af", "ebur128=peak=true", "-f", "null", "-"]


def _parse_measure(stderr: str, argv: list[str]) -> LoudnessMeasure:
    summary = _summary(stderr)
    i_match, tp_match = _SUMMARY_I.search(summary), _SUMMARY_TP.search(summary)
    if not i_match or not tp_match:
        raise RenderError("output loudness measurement printed no ebur128 summary", argv=argv,
                          stderr_tail=stderr[-2000:])
    return LoudnessMeasure(float(i_match.group(1)), float(tp_match.group(1)))


def measure_output(path: Path, ffmpeg: str, *, timeout: float = 600,
                   run: Callable[[list[str]], str] | None = None) -> LoudnessMeasure:
    """Integrated loudness and true peak of an encoded file: the final mp4, or the render's audio.mp4,
    which the join copies into it packet for packet (so both measure the same)."""
    argv = _measure_argv(path, ffmpeg)
    stderr = run(argv) if run is not None else _run(argv, "output loudness measurement", timeout)
    return _parse_measure(stderr, argv)
