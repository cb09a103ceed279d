"""Loudness passes: the mix metered before it is encoded (its one linear gain, and the tries that correct it),
and the encoded audio measured after.

ffmpeg writes the audio as float PCM into a pipe and media/bs1770.py meters it as it comes (~0.2 CPU-s a
minute, against ~0.45 for ffmpeg's ebur128 filter). The encoded file is decoded once for the meter and for its
true peak (astats on the audio upsampled 4x, as ebur128's true-peak mode does): the numbers the manifest
reports, 0.25 s a minute against 0.64 for ebur128 with true peak.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reelforge.compose.ffmpeg_args import PCM_OUT, build_measure_args, pcm_output
from reelforge.compose.processes import ProcessGroup, wide_pipe
from reelforge.errors import RenderError
from reelforge.media.bs1770 import LoudnessMeter
from reelforge.models.render_spec import RenderSpec

_PEAK = re.compile(r"Peak level dB:\s*(-?[\d.]+|-inf)")
_FRAME = 8  # bytes of one stereo float sample
SILENT_LUFS = -70.0  # what ebur128 reports for silence (its absolute gate); also JSON has no -inf
TRUE_PEAK_RATE = 192000  # 4x oversampling at 48 kHz, as BS.1770's true-peak meter and ebur128 do


@dataclass(frozen=True)
class LoudnessMeasure:
    integrated_lufs: float
    true_peak_db: float


def _metered(group: ProcessGroup, argv: list[str], what: str) -> tuple[float, str]:
    """Run ``argv`` (a measuring pass: it writes float PCM to ffmpeg_args.PCM_OUT), meter what it writes;
    return the loudness (SILENT_LUFS for silence, as ebur128 reports it) and ffmpeg's stderr tail."""
    read_fd, write_fd = wide_pipe()
    meter = LoudnessMeter()
    failed: list[BaseException] = []

    def read() -> None:
        rest = b""
        try:
            while chunk := os.read(read_fd, 1 << 20):
                data = rest + chunk
                whole = len(data) // _FRAME * _FRAME
                meter.feed(np.frombuffer(data[:whole], np.float32).reshape(-1, 2))
                rest = data[whole:]
        except BaseException as exc:  # re-raised below, after ffmpeg's own status
            failed.append(exc)
        finally:
            os.close(read_fd)

    reader = threading.Thread(target=read, name="pcm-meter", daemon=True)
    started = False

    def start() -> None:
        nonlocal started
        started = True
        os.close(write_fd)  # the child holds it now: its exit is our end of file
        reader.start()

    renamed = [f"pipe:{write_fd}" if a == PCM_OUT else a for a in argv]
    try:
        stderr = group.run(renamed, what=what, pass_fds=(write_fd,), on_start=start)
    finally:
        if started:
            reader.join()
        else:  # ffmpeg never started: both ends are still ours
            os.close(write_fd)
            os.close(read_fd)
    if failed:
        raise RenderError(f"{what}: metering the audio failed: {failed[0]}", argv=renamed) from failed[0]
    return max(meter.integrated(), SILENT_LUFS), stderr


def pcm_loudness(group: ProcessGroup, argv: list[str], what: str) -> float:
    """The integrated loudness of what a measuring pass writes (SILENT_LUFS for silence)."""
    return _metered(group, argv, what)[0]


def measure_loudness(spec: RenderSpec, run_dir: Path, ffmpeg: str, group: ProcessGroup) -> dict[str, float] | None:
    """First pass: the integrated loudness where the mix applies its gain (audio_graph). None for a
    silent track."""
    argv = build_measure_args(spec, run_dir, ffmpeg)
    if argv is None:
        return None
    return {"integratedLufs": round(pcm_loudness(group, argv, "loudness measurement"), 2)}


def output_measure_args(path: Path, ffmpeg: str) -> list[str]:
    """A file's first audio stream decoded once: to the meter as PCM, and upsampled to 192 kHz into astats for
    its true peak (what ebur128's true-peak mode does, at a third of the cost)."""
    graph = (f"[0:a:0]asplit=2[meter][peak];[peak]aresample={TRUE_PEAK_RATE},"
             "astats=measure_perchannel=none:measure_overall=Peak_level[peaked]")
    return [ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-i", str(path), "-filter_complex", graph,
            "-map", "[meter]", *pcm_output(), "-map", "[peaked]", "-f", "null", "-"]


def measure_output(path: Path, ffmpeg: str, group: ProcessGroup | None = None) -> LoudnessMeasure:
    """Integrated loudness and true peak of an encoded file: the final mp4, or the render's audio.mp4,
    which the join copies into it packet for packet (so both measure the same)."""
    argv = output_measure_args(path, ffmpeg)
    lufs, stderr = _metered(group or ProcessGroup(), argv, "audio loudness measurement")
    peaks = _PEAK.findall(stderr)
    if not peaks:
        raise RenderError("audio loudness measurement printed no true peak", argv=argv, file=str(path),
                          stderr_tail=stderr[-2000:])
    return LoudnessMeasure(round(lufs, 1), round(float(peaks[-1]), 1))
