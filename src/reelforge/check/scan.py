"""One ffmpeg pass over the file: picture (black, freeze, per-frame brightness), audio (EBU R128 loudness,
true peak, silences) and, when captions are checked, the frames at the cues with the captions drawn alone.

ffmpeg is imageio-ffmpeg's binary; the analysis filters are ffmpeg's own (blackdetect, freezedetect,
signalstats, ebur128, silencedetect), run on a downscaled copy of the picture so the pass costs about one decode.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from reelforge.compose.filter_text import escape_filter_path
from reelforge.errors import RenderError

ANALYSIS_WIDTH = 144  # the picture checks look at a 144 px wide copy (black, freeze, flashes are large-scale)
BLACK_MIN_SEC = 0.2
FREEZE_MIN_SEC = 1.0
SILENCE_DB = -40
SILENCE_MIN_SEC = 0.5
CANVAS_Y = 128  # mid-grey canvas the captions are drawn on alone

_BLACK = re.compile(r"black_start:\s*([\d.]+)\s+black_end:\s*([\d.]+)")
_FREEZE_START = re.compile(r"freeze_start:\s*([\d.]+)")
_FREEZE_END = re.compile(r"freeze_end:\s*([\d.]+)")
_SIL_START = re.compile(r"silence_start:\s*(-?[\d.]+)")
_SIL_END = re.compile(r"silence_end:\s*([\d.]+)")
_SUMMARY_I = re.compile(r"Integrated loudness:\s*I:\s*(-?[\d.]+|-inf)\s*LUFS", re.S)
_SUMMARY_TP = re.compile(r"True peak:\s*Peak:\s*(-?[\d.]+|-inf)\s*dBFS", re.S)
_YAVG = re.compile(r"pts_time:([\d.]+)\s*\n\s*lavfi\.signalstats\.YAVG=([\d.]+)")


@dataclass(frozen=True)
class CaptionProbe:
    """Frames to grab: ``frames`` indices of the video, the captions.ass and fonts dir that drew them."""

    frames: list[int]
    ass: Path
    fonts_dir: Path | None


@dataclass
class ScanResult:
    duration_sec: float
    black: list[tuple[float, float]] = field(default_factory=list)
    freezes: list[tuple[float, float]] = field(default_factory=list)
    silences: list[tuple[float, float]] = field(default_factory=list)
    brightness: list[tuple[float, float]] = field(default_factory=list)  # (t, mean luma 0..1)
    integrated_lufs: float | None = None
    true_peak_db: float | None = None
    frame_size: tuple[int, int] = (0, 0)  # size of the caption frames below
    raw_frames: np.ndarray | None = None  # (n, h, w) luma of the video at the cue frames
    caption_frames: np.ndarray | None = None  # (n, h, w) luma of the captions alone on mid grey


def _filter_path(path: Path) -> str:
    return escape_filter_path(str(path))


def caption_frame_size(width: int, height: int) -> tuple[int, int]:
    if width > 540:
        return (width // 2) // 2 * 2, (height // 2) // 2 * 2
    return width, height


# ffmpeg's expression parser refuses a chain of more than 100 terms ("Cannot allocate memory"; a 10-minute
# explainer has ~400 caption pages), so the frame test is a balanced sum of chains of at most this many.
_CHAIN = 50


def select_expression(frames: list[int]) -> str:
    """An ffmpeg ``select`` expression true exactly on ``frames``, for any number of frames."""
    if len(frames) <= _CHAIN:
        return "+".join(f"eq(n\\,{n})" for n in frames)
    half = len(frames) // 2
    return f"({select_expression(frames[:half])})+({select_expression(frames[half:])})"


def build_scan_args(ffmpeg: str, video: Path, work: Path, *, width: int, height: int, has_video: bool,
                    has_audio: bool, captions: CaptionProbe | None) -> list[str]:
    graph: list[str] = []
    maps: list[str] = []
    if has_video:
        src = "[0:v]"
        if captions and captions.frames:
            graph.append("[0:v]split=2[va][vb]")
            src = "[va]"
        graph.append(f"{src}scale={ANALYSIS_WIDTH}:-2:flags=bilinear,"
                     f"blackdetect=d={BLACK_MIN_SEC}:pix_th=0.10,freezedetect=n=-60dB:d={FREEZE_MIN_SEC},"
                     f"signalstats,metadata=print:key=lavfi.signalstats.YAVG:file={_filter_path(work / 'yavg.txt')}"
                     "[vnull]")
        maps += ["-map", "[vnull]", "-f", "null", "-"]
        if captions and captions.frames:
            cw, ch = caption_frame_size(width, height)
            select = select_expression(captions.frames)
            ass = f"ass=filename={_filter_path(captions.ass)}"
            if captions.fonts_dir is not None:
                ass += f":fontsdir={_filter_path(captions.fonts_dir)}"
            graph.append(f"[vb]select='{select}',split=2[r][c]")
            graph.append(f"[r]scale={cw}:{ch},format=gray[raw]")
            graph.append(f"[c]drawbox=x=0:y=0:w=iw:h=ih:color=0x808080:t=fill,{ass},scale={cw}:{ch},format=gray[cap]")
            maps += ["-map", "[raw]", "-fps_mode", "passthrough", "-f", "rawvideo", str(work / "raw.gray"),
                     "-map", "[cap]", "-fps_mode", "passthrough", "-f", "rawvideo", str(work / "cap.gray")]
    if has_audio:
        graph.append(f"[0:a:0]ebur128=peak=true:framelog=verbose,silencedetect=n={SILENCE_DB}dB:d={SILENCE_MIN_SEC}"
                     "[anull]")
        maps += ["-map", "[anull]", "-f", "null", "-"]
    return [ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-y", "-i", str(video),
            "-filter_complex", ";".join(graph), *maps]


def parse_intervals(stderr: str, start: re.Pattern[str], end: re.Pattern[str], duration: float
                    ) -> list[tuple[float, float]]:
    """Pair start/end events in log order; an interval still open at the end runs to ``duration``."""
    events: list[tuple[int, str, float]] = [(m.start(), "s", float(m.group(1))) for m in start.finditer(stderr)]
    events += [(m.start(), "e", float(m.group(1))) for m in end.finditer(stderr)]
    events.sort()
    out: list[tuple[float, float]] = []
    open_at: float | None = None
    for _pos, kind, t in events:
        if kind == "s":
            open_at = max(t, 0.0)
        elif open_at is not None:
            out.append((open_at, t))
            open_at = None
    if open_at is not None:
        out.append((open_at, duration))
    return out


def _float_or_none(match: re.Match[str] | None) -> float | None:
    if match is None or match.group(1) == "-inf":
        return None
    return float(match.group(1))


def run_scan(ffmpeg: str, video: Path, *, duration: float, width: int, height: int, has_video: bool,
             has_audio: bool, captions: CaptionProbe | None, timeout: float = 900) -> ScanResult:
    if not has_video and not has_audio:
        return ScanResult(duration_sec=duration)
    with tempfile.TemporaryDirectory(prefix="reelforge-check-") as tmp:
        work = Path(tmp)
        argv = build_scan_args(ffmpeg, video, work, width=width, height=height, has_video=has_video,
                               has_audio=has_audio, captions=captions)
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise RenderError(f"check: the analysis pass timed out after {timeout:.0f} s", argv=argv) from None
        if proc.returncode != 0:
            raise RenderError(f"check: the analysis pass failed (ffmpeg exit {proc.returncode})", argv=argv,
                              stderr_tail=proc.stderr[-3000:])
        err = proc.stderr
        result = ScanResult(duration_sec=duration)
        result.black = [(float(a), float(b)) for a, b in _BLACK.findall(err)]
        result.freezes = parse_intervals(err, _FREEZE_START, _FREEZE_END, duration)
        result.silences = parse_intervals(err, _SIL_START, _SIL_END, duration)
        summary = err[err.rfind("Summary:"):] if "Summary:" in err else ""
        result.integrated_lufs = _float_or_none(_SUMMARY_I.search(summary))
        result.true_peak_db = _float_or_none(_SUMMARY_TP.search(summary))
        yavg = work / "yavg.txt"
        if yavg.is_file():
            result.brightness = [(float(t), float(y) / 255.0) for t, y in _YAVG.findall(yavg.read_text())]
        if captions and captions.frames and has_video:
            cw, ch = caption_frame_size(width, height)
            result.frame_size = (cw, ch)
            result.raw_frames = _frames(work / "raw.gray", cw, ch)
            result.caption_frames = _frames(work / "cap.gray", cw, ch)
        return result


def _frames(path: Path, width: int, height: int) -> np.ndarray:
    data = np.fromfile(path, dtype=np.uint8) if path.is_file() else np.zeros(0, dtype=np.uint8)
    count = data.size // (width * height)
    return data[: count * width * height].reshape(count, height, width)
