"""Make docs/gallery.md: six real briefs through `video generate`, their contact sheets and silence numbers.

    .venv/bin/python tools/make_gallery.py [--out docs] [--only N]

Each entry runs the real CLI in a scratch workspace (key-free: Piper, designed cards, libass), then
copies a small palette-quantized contact sheet into docs/gallery/ and measures dead air with ffmpeg's
silencedetect (-40 dB, 0.3 s). The first entry is generated twice to show the bytes repeat.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import imageio_ffmpeg
from PIL import Image


@dataclass(frozen=True)
class Entry:
    name: str
    brief: str
    flags: tuple[str, ...] = field(default_factory=tuple)


ENTRIES: tuple[Entry, ...] = (
    Entry("sleep", "Most people sleep badly because of light. Dim your screens an hour before bed. "
          "Keep the room cool. Wake up at the same time every day.",
          ("--captions", "word-highlight", "--music", "calm")),
    Entry("cooking", "Great pasta starts with salted water. Use a big pot so the water stays at a boil. "
          "Save a cup of the starchy water before you drain. Toss the pasta in the sauce for the last minute.",
          ("--captions", "karaoke", "--music", "upbeat")),
    Entry("focus", "Your phone steals your focus even when it is face down. Put it in another room. "
          "Work in blocks of fifty minutes. Take a real break away from screens.",
          ("--captions", "pop", "--music", "none")),
    Entry("money", "Pay yourself first. Move ten percent of every paycheck into savings the day it arrives. "
          "Automate it so you never have to decide. Watch it grow without thinking.",
          ("--captions", "hook", "--aspect", "16:9", "--music", "calm")),
    Entry("travel-ko", "여행 가방은 가볍게 싸세요. 옷은 세 벌이면 충분합니다. 현지에서 필요한 것을 사세요.",
          ("--locale", "ko", "--voice", "none", "--captions", "lower-third", "--music", "upbeat")),
    Entry("fitness-ja", "毎日十分だけ歩きましょう。階段を使いましょう。水をたくさん飲みましょう。",
          ("--locale", "ja", "--voice", "none", "--captions", "minimal", "--aspect", "16:9", "--music", "none")),
)

_SILENCE = re.compile(r"silence_(start|end): (-?[0-9.]+)")


def silence(video: Path) -> dict[str, float]:
    """Longest silent gap, share of the video silent and the silent tail, by silencedetect -40 dB / 0.3 s."""
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    out = subprocess.run([ffmpeg, "-hide_banner", "-nostats", "-i", str(video), "-af",
                          "silencedetect=n=-40dB:d=0.3", "-f", "null", "-"], capture_output=True, text=True)
    duration = float(re.search(r"Duration: (\d+):(\d+):([\d.]+)", out.stderr).group(3))  # type: ignore[union-attr]
    events = _SILENCE.findall(out.stderr)
    gaps: list[tuple[float, float]] = []
    start: float | None = None
    for kind, value in events:
        if kind == "start":
            start = float(value)
        elif start is not None:
            gaps.append((start, float(value)))
            start = None
    if start is not None:
        gaps.append((start, duration))
    total = sum(e - s for s, e in gaps)
    tail = next((e - s for s, e in gaps if abs(e - duration) < 0.05), 0.0)
    inner = [e - s for s, e in gaps if abs(e - duration) >= 0.05 and s > 0.05]
    return {"duration": round(duration, 2), "longestGap": round(max(inner, default=0.0), 2),
            "silentShare": round(total / duration, 3), "tail": round(tail, 2)}


def generate(entry: Entry, workspace: Path) -> dict[str, object]:
    started = time.perf_counter()
    workspace.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "reelforge", "video", "generate", entry.brief, "--format", "json", *entry.flags]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=workspace)
    result = json.loads(proc.stdout)
    if proc.returncode != 0:
        raise SystemExit(f"{entry.name}: exit {proc.returncode}: {result.get('error')}")
    return {**result, "seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("docs"))
    parser.add_argument("--only", type=int, default=None)
    args = parser.parse_args()
    gallery = args.out / "gallery"
    gallery.mkdir(parents=True, exist_ok=True)
    rows: list[str] = []
    entries = ENTRIES if args.only is None else ENTRIES[: args.only]
    with tempfile.TemporaryDirectory(prefix="rf-gallery-") as tmp:
        for n, entry in enumerate(entries):
            result = generate(entry, Path(tmp) / entry.name)
            video = Path(str(result["video"]))
            sha = hashlib.sha256(video.read_bytes()).hexdigest()
            again = ""
            if n == 0:
                second = generate(entry, Path(tmp) / f"{entry.name}-again")
                sha2 = hashlib.sha256(Path(str(second["video"])).read_bytes()).hexdigest()
                again = "same bytes twice" if sha2 == sha else f"DIFFERENT second run: {sha2[:12]}"
            sheet = Image.open(video.parent / "contact-sheet.png").convert("RGB")
            sheet.thumbnail((900, 900))
            target = gallery / f"{entry.name}.png"
            sheet.quantize(colors=128, dither=Image.Dither.NONE).save(target, optimize=True)
            s = silence(video)
            rows.append(f"### {entry.name}\n\n> {entry.brief}\n\n`{' '.join(entry.flags)}` -> `{video.name}`, "
                        f"{s['duration']} s, made in {result['seconds']} s; dead air: longest gap {s['longestGap']} s, "
                        f"{s['silentShare'] * 100:.1f} % silent, tail {s['tail']} s; sha256 `{sha[:16]}…`"
                        f"{'; ' + again if again else ''}\n\n![{entry.name}](gallery/{target.name})\n")
            print(f"{entry.name}: {s} {again}", file=sys.stderr)
    header = ("# Gallery\n\nSix key-free briefs (no API key, no network), made by `python tools/make_gallery.py`:\n"
              "Piper narration (or `--voice none` captions-only for Korean/Japanese, which the bundled English\n"
              "voice cannot speak), designed cards, libass captions, synthesized music beds. Each image is the\n"
              "run's contact sheet (the middle frame of every scene), palette-reduced to keep the repo small.\n\n")
    (args.out / "gallery.md").write_text(header + "\n".join(rows))


if __name__ == "__main__":
    main()
