"""`--source file --capture PATH`: bring a screen recording into the run dir as capture.mp4, hashed.

The recording is copied (not referenced), so the run dir holds every input of a polish render and a
later edit of the original cannot silently change a re-render.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from reelforge.capture.ffmpeg import FPS, X264, run_ffmpeg
from reelforge.capture.guide import capture_required
from reelforge.capture.probe import VideoInfo, probe_video
from reelforge.capture.result import CAPTURE_FILE, CaptureAsset
from reelforge.errors import NotFoundError
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import ensure_inside, is_inside


def resolve_capture_path(capture: Path, workspace_root: Path, *, allow_external_input: bool) -> Path:
    """Resolve against the workspace; refuse a missing file (3) or one outside the workspace (2)."""
    candidate = capture.expanduser()
    if not candidate.is_absolute():
        candidate = workspace_root / candidate
    resolved = ensure_inside(candidate, workspace_root, what="--capture file", flag="--allow-external-input",
                             allow_external=allow_external_input)
    if not resolved.exists():
        raise NotFoundError(f"--capture file {resolved} does not exist",
                            hint="check the path of the recording (relative paths start at the workspace)",
                            file=str(resolved))
    if not resolved.is_file():  # a directory, a FIFO or a device would hang or make no sense
        raise NotFoundError(f"--capture {resolved} is not a regular file",
                            hint="pass the recording file itself, e.g. recordings/demo.mp4", file=str(resolved))
    return resolved


def ingest_file(capture: Path | None, run_dir: Path, workspace_root: Path, *, allow_external_input: bool = False,
                brief: str = "") -> CaptureAsset:
    """Validate, copy or transcode into ``run_dir/capture.mp4``, hash. Raises CaptureRequiredError without a path."""
    if capture is None:
        raise capture_required("no --capture was given", brief=brief, source="file")
    source = resolve_capture_path(capture, workspace_root, allow_external_input=allow_external_input)
    info = probe_video(source)
    target = run_dir / CAPTURE_FILE
    partial = run_dir / f".{CAPTURE_FILE}.partial.mp4"
    transcoded = not info.is_h264_mp4
    if transcoded:
        _transcode(source, partial, info)
    else:
        shutil.copyfile(source, partial)
    partial.replace(target)
    final = probe_video(target, what="capture.mp4") if transcoded else info
    shown = (source.relative_to(workspace_root.resolve()).as_posix()
             if is_inside(source, workspace_root) else str(source))
    params = {"source": shown, "sourceSha256": sha256_file(source), "sourceCodec": info.codec,
              "sourceContainer": info.container, "transcoded": transcoded,
              "size": f"{final.width}x{final.height}", "durationSec": round(final.duration_sec, 3)}
    return CaptureAsset(path=target, sha256=sha256_file(target), bytes=target.stat().st_size,
                        duration_sec=final.duration_sec, width=final.width, height=final.height,
                        frames=round(final.duration_sec * (final.fps or FPS)), provider="file",
                        nondeterministic=False, params=params)


def _transcode(source: Path, out: Path, info: VideoInfo) -> None:
    args = ["-i", str(source), "-map", "0:v:0"]
    if info.has_audio:
        args += ["-map", "0:a:0", "-c:a", "aac", "-b:a", "160k"]
    # even dimensions for yuv420p; constant 30 fps (screen recorders often write variable frame rates)
    args += ["-vf", f"scale=trunc(iw/2)*2:trunc(ih/2)*2:out_range=tv,fps={FPS}", *X264, "-r", str(FPS),
             "-movflags", "+faststart", "-map_metadata", "-1", str(out)]
    run_ffmpeg(args, what=f"convert {source.name} to H.264 mp4", output=out)
