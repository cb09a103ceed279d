"""A gallery of small videos for `reelforge check`: one good run and deliberately broken variants.

Every video is made here with the production narration (Piper), captions (write_captions, libass burn-in)
and ffmpeg; only the fault differs. Frames are 720x1280 (the smallest size no check warns about) and a few
seconds long, so the whole gallery renders in seconds.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

from reelforge.compose.captions import write_captions
from reelforge.models import Script
from reelforge.models.manifest import Manifest
from reelforge.pipeline.narration import narrate

W, H = 720, 1280
NARRATION = "Keep your bedroom cool and dark, and wake up at the same time every single day."
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


@dataclass(frozen=True)
class Base:
    run_dir: Path
    seconds: float


def make_base(root: Path) -> Base:
    """A run dir with script.json, timing.json, the narration wav, captions.ass and its font."""
    run = root / "base"
    run.mkdir(parents=True)
    script = Script.model_validate({
        "schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": "en", "title": "Sleep",
        "scenes": [{"id": "tip", "durationSec": 3.0, "narration": NARRATION}]})
    (run / "script.json").write_text(json.dumps(script.to_json_dict()), encoding="utf-8")
    result = narrate(script, run)
    (run / "timing.json").write_text(json.dumps(result.timing.to_json_dict()), encoding="utf-8")
    write_captions(result.timing, run, style="tiktok", platform="tiktok", width=W, height=H)
    return Base(run, result.timing.total_sec)


def _ffmpeg(*args: str, cwd: Path | None = None) -> None:
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args], check=True, cwd=cwd)


def _run_copy(base: Base, root: Path, name: str) -> Path:
    run = root / name
    shutil.copytree(base.run_dir, run)
    return run


def render(run: Path, *, seconds: float, size: tuple[int, int] = (W, H), video_tail: str = "",
           audio_tail: str = "", captions: bool = True, name: str = "video.mp4", extra: tuple[str, ...] = ()
           ) -> Path:
    """testsrc2 (always moving) + the narration, captions burned in from the run's captions.ass."""
    w, h = size
    vf = "[0:v]format=yuv420p" + (",ass=filename=captions.ass:fontsdir=fonts" if captions else "") + video_tail
    af = f"[1:a]loudnorm=I=-14:TP=-2:LRA=11,aresample=48000{audio_tail}"
    out = run / name
    _ffmpeg("-f", "lavfi", "-i", f"testsrc2=s={w}x{h}:r=30:d={seconds}", "-i", str(run / "audio" / "narration.wav"),
            "-filter_complex", f"{vf}[v];{af},apad[a]", "-map", "[v]", "-map", "[a]", "-t", f"{seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k",
            "-ac", "2", "-movflags", "+faststart", *extra, str(out), cwd=run)
    (run / "manifest.json").write_text(json.dumps({"outputs": {"video": name}}), encoding="utf-8")
    return out


def _rewrite_ass(run: Path, edit: object) -> None:
    path = run / "captions.ass"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]


def _shift_times(text: str, seconds: float) -> str:
    def shift(m: re.Match[str]) -> str:
        h, mi, s, cs = (int(g) for g in m.groups())
        total = round((h * 3600 + mi * 60 + s) * 100 + cs + seconds * 100)
        h, rest = divmod(total, 360000)
        mi, rest = divmod(rest, 6000)
        s, cs = divmod(rest, 100)
        return f"{h}:{mi:02d}:{s:02d}.{cs:02d}"

    out = []
    for line in text.splitlines():
        if line.startswith("Dialogue:"):
            head, rest = line.split(",", 1)
            start, end, tail = rest.split(",", 2)
            pattern = re.compile(r"(\d+):(\d\d):(\d\d)\.(\d\d)")
            line = f"{head},{pattern.sub(shift, start)},{pattern.sub(shift, end)},{tail}"
        out.append(line)
    return "\n".join(out) + "\n"


def good(base: Base, root: Path, *, sign: bool = True) -> Path:
    """The good run, signed with a local identity like `generate` signs (when c2pa-python is installed)."""
    run = _run_copy(base, root, "good")
    video = render(run, seconds=base.seconds)
    if sign:
        from reelforge.credentials.identity import load_identity
        from reelforge.credentials.sign import available, sign_video

        if available():
            manifest = _manifest(run, video)
            record = sign_video(run, manifest, load_identity(root / ".reelforge", None, None))
            manifest.credentials = record
            (run / "manifest.json").write_text(json.dumps(manifest.to_json_dict()), encoding="utf-8")
    return run


def _manifest(run: Path, video: Path) -> Manifest:
    from reelforge.workspace.hashing import sha256_file

    files = ["script.json", "timing.json", "audio/narration.wav", "captions.ass"]
    return Manifest.model_validate({
        "schemaVersion": "1.0", "toolVersion": "0.1.0", "runId": run.name, "mode": "shorts", "seed": 1,
        "exitCode": 0, "status": "succeeded", "providers": {"script": "script-file", "voice": "piper"},
        "assets": [{"path": f, "sha256": sha256_file(run / f), "bytes": (run / f).stat().st_size} for f in files],
        "outputs": {"video": video.name, "sha256": sha256_file(video)}})


def too_loud(base: Base, root: Path) -> Path:
    run = _run_copy(base, root, "too-loud")
    render(run, seconds=base.seconds, audio_tail=",volume=16dB")
    return run


def black_gap(base: Base, root: Path) -> Path:
    run = _run_copy(base, root, "black-gap")
    render(run, seconds=base.seconds, video_tail=",drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:"
                                                  "enable='between(t,1.5,2.5)'")
    return run


def frozen(base: Base, root: Path) -> Path:
    run = _run_copy(base, root, "frozen")
    render(run, seconds=base.seconds, video_tail=",split[f1][f2];[f1][f2]freezeframes=first=30:last=110:replace=30")
    return run


def captions_in_button_zone(base: Base, root: Path) -> Path:
    run = _run_copy(base, root, "button-zone")
    _rewrite_ass(run, lambda t: re.sub(r"\\pos\((\d+),(\d+)\)", lambda m: f"\\pos({m.group(1)},{H - 40})", t))
    render(run, seconds=base.seconds)
    return run


def captions_late(base: Base, root: Path, seconds: float = 0.8) -> Path:
    run = _run_copy(base, root, "late")
    _rewrite_ass(run, lambda t: _shift_times(t, seconds))
    render(run, seconds=base.seconds + seconds)
    return run


def too_long(base: Base, root: Path, seconds: float = 65.0) -> Path:
    """65 s, the narration looped: a bare file (no run) at 360x640 to stay cheap."""
    folder = root / "too-long"
    folder.mkdir()
    out = folder / "long.mp4"
    _ffmpeg("-f", "lavfi", "-i", f"testsrc2=s=360x640:r=30:d={seconds}", "-stream_loop", "-1",
            "-i", str(base.run_dir / "audio" / "narration.wav"), "-filter_complex",
            "[1:a]loudnorm=I=-14:TP=-2:LRA=11,aresample=48000[a]", "-map", "0:v", "-map", "[a]", "-t", f"{seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2",
            "-movflags", "+faststart", str(out))
    return out


def four_by_three(base: Base, root: Path) -> Path:
    run = _run_copy(base, root, "four-by-three")
    out = render(run, seconds=base.seconds, size=(960, 720), captions=False, name="landscape.mp4")
    (run / "manifest.json").unlink()
    return out


def variable_frame_rate(base: Base, root: Path) -> Path:
    """Every seventh frame dropped and the timestamps kept: 33 and 67 ms frame intervals."""
    run = _run_copy(base, root, "vfr")
    out = render(run, seconds=base.seconds, captions=False, name="vfr.mp4",
                 video_tail=",select='not(eq(mod(n\\,7)\\,3))'", extra=("-fps_mode", "vfr"))
    (run / "manifest.json").unlink()
    return out
