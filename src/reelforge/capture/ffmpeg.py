"""Run the imageio-ffmpeg binary for capture work (transcode an ingested file, join recorded pages).

Argv never carries a URL: only file paths inside the run dir and codec settings.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from reelforge.errors import InterruptedRunError, ProviderUnavailableError, RenderError

FPS = 30
# The capture is an intermediate the compositor re-encodes; quality over size, but still fast.
# Limited range: browser screencasts are tagged full range (yuvj420p), which players and filters treat unevenly.
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-color_range", "tv"]


def ffmpeg_exe() -> str:
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise ProviderUnavailableError(f"ffmpeg is unavailable: {exc}",
                                       hint="pip install imageio-ffmpeg (run ./setup.sh)") from None


def run_ffmpeg(args: list[str], *, what: str, output: Path, timeout_sec: float = 900.0) -> None:
    """Run ffmpeg with ``args`` (everything after the binary); RenderError with its stderr tail on failure."""
    argv = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout_sec, check=False)
    except subprocess.TimeoutExpired:
        output.unlink(missing_ok=True)
        raise RenderError(f"ffmpeg took longer than {timeout_sec:.0f} s to {what}", argv=argv, file=str(output),
                          hint="try a shorter recording") from None
    except KeyboardInterrupt:
        output.unlink(missing_ok=True)
        raise InterruptedRunError(f"interrupted while ffmpeg was working to {what}") from None
    if proc.returncode != 0 or not output.is_file() or output.stat().st_size == 0:
        output.unlink(missing_ok=True)
        raise RenderError(f"ffmpeg failed to {what}", argv=argv,
                          stderr_tail=proc.stderr.decode("utf-8", "replace")[-2000:], file=str(output))
