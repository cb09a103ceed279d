"""The key-free local route: an honest animatic, never a talking head.

Approved still + approved voice take + burned-in captions, with a gentle push-in (zoompan), rendered by
the static ffmpeg of ``imageio_ffmpeg``. The mouth does not move, and the manifest says so: the route is
recorded with ``pathTaken: fallback`` and the label below, so it can never pass for a talking head.
x264 runs with ``-threads 1`` (``-threads 2`` is not deterministic with this build).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from reelforge.errors import RenderError
from reelforge.providers.http import OwnsClient
from reelforge.providers.video.base import VideoJob, VideoResult
from reelforge.providers.video.spec import VideoModel

LABEL = "local animatic (still + voice + captions, gentle push-in); not a talking head, no lip sync"
FPS = 25
_SHORT = {"1080p": 1080, "720p": 720, "480p": 480}


def frame_size(resolution: str, ratio: str) -> tuple[int, int]:
    short = _SHORT.get(resolution, 1080)
    w, h = (int(x) for x in ratio.split(":"))
    if w <= h:
        return short, round(short * h / w / 2) * 2
    return round(short * w / h / 2) * 2, short


def _clock(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def caption_cues(captions: Any, text: Any, duration: float) -> list[tuple[float, float, str]]:
    """Explicit cues ``[{start, end, text}]``, else ``text`` spread evenly in chunks of up to six words."""
    if isinstance(captions, list) and captions:
        return [(float(c["start"]), float(c["end"]), str(c["text"])) for c in captions]
    words = str(text or "").split()
    if not words:
        return []
    chunks = [" ".join(words[i:i + 6]) for i in range(0, len(words), 6)]
    step = duration / len(chunks)
    return [(i * step, (i + 1) * step, chunk) for i, chunk in enumerate(chunks)]


def _audio_seconds(path: Path) -> float:
    import av

    with av.open(str(path)) as container:
        if not container.duration:
            raise RenderError(f"cannot read the duration of {path.name}", hint="use a wav or mp3 voice take")
        return float(container.duration) / 1_000_000


class LocalAnimatic(OwnsClient):
    vendor = "local"
    key_env: str | None = None
    models = (VideoModel("video-local-animatic", "animatic", "local", "ffmpeg-animatic", ("1080p", "720p", "480p"),
                         {}, label="local animatic: approved still + voice take + captions, gentle push-in; NOT a "
                         "talking head"),)

    def argv(self, job: VideoJob, work: Path, out: Path, duration: float, has_captions: bool,
             family: str) -> list[str]:
        import imageio_ffmpeg

        still, audio = job.first("subject"), job.first("audio")
        assert still and audio and still.path and audio.path
        w, h = frame_size(job.resolution or "1080p", job.ratio or "9:16")
        frames = max(1, round(duration * FPS))
        zoom = f"min(1+0.06*on/{frames},1.06)"
        graph = (f"[0:v]scale={w * 2}:{h * 2}:force_original_aspect_ratio=increase,crop={w * 2}:{h * 2},"
                 f"zoompan=z='{zoom}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=1:s={w}x{h}:fps={FPS}")
        if has_captions:
            # an SRT gets libass's default 384x288 canvas, which would scale the size and margin ~6x (the
            # caption landed huge over the still's headline); give it the frame's own pixels instead
            size = max(10, h // 30)
            graph += (f",subtitles=captions.srt:fontsdir=fonts:force_style='PlayResX={w},PlayResY={h},"
                      f"FontName={family},FontSize={size},Outline={max(2, h // 480)},Shadow=0,"
                      f"MarginV={h // 8},Alignment=2'")
        graph += ",format=yuv420p[v]"
        return [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-y", "-loglevel", "error", "-loop", "1",
                "-framerate", str(FPS), "-i", str(still.path), "-i", str(audio.path), "-filter_complex", graph,
                "-map", "[v]", "-map", "1:a", "-t", f"{duration:.3f}", "-c:v", "libx264", "-preset", "veryfast",
                "-crf", "20", "-threads", "1", "-c:a", "aac", "-b:a", "128k", "-ar", "48000",
                "-map_metadata", "-1", "-fflags", "+bitexact", "-movflags", "+faststart", str(out)]

    def submit(self, job: VideoJob) -> VideoResult:
        audio = job.first("audio")
        assert audio and audio.path
        work, out = Path(job.extra["work"]), Path(job.extra["output"])
        if work.exists():
            shutil.rmtree(work)
        (work / "fonts").mkdir(parents=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        duration = _audio_seconds(audio.path)
        cues = caption_cues(job.extra.get("captions"), job.extra.get("captionText"), duration)
        # the caller (renders.wire) resolves the caption font: providers know no compose settings
        font_path, family = Path(job.extra["fontPath"]), str(job.extra["fontFamily"])
        shutil.copy2(font_path, work / "fonts" / font_path.name)
        srt = "".join(f"{i}\n{_clock(a)} --> {_clock(b)}\n{t}\n\n" for i, (a, b, t) in enumerate(cues, 1))
        (work / "captions.srt").write_text(srt, encoding="utf-8")
        argv = self.argv(job, work, out, duration, bool(cues), family)
        proc = subprocess.run(argv, cwd=work, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            out.unlink(missing_ok=True)
            raise RenderError("ffmpeg failed to render the animatic", argv=argv, stderr_tail=proc.stderr[-2000:])
        raw = {"renderer": "ffmpeg", "label": LABEL, "seconds": round(duration, 3), "captions": len(cues),
               "size": "x".join(map(str, frame_size(job.resolution or "1080p", job.ratio or "9:16")))}
        return VideoResult("succeeded", raw, handle=None, prediction_id=f"local-{out.stem}", local_path=out,
                           provider_status="rendered")

    def poll(self, handle: str) -> VideoResult:
        raise RenderError("the local animatic renders synchronously; there is nothing to poll")
