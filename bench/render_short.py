"""Benchmark part A: render a 60 s 1080x1920 short (10 designed stills with Ken Burns, 9 transitions,
word captions, narration + ducked music) through the production compositor.

Prints wall time, x realtime, peak RSS of ffmpeg, and whether a second render is byte-identical; side by
side with a baseline in the same run: x264 alone encoding 60 s of moving test pattern with the same
settings (the encoder's own ceiling on this machine).

    /work/venv/bin/python bench/render_short.py [--workdir DIR] [--keep] [--runs 2]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reelforge.compose.kenburns import plan_ken_burns
from reelforge.compose.runner import ffmpeg_exe, render
from reelforge.models.render_spec import RenderSpec
from reelforge.providers.visual.designed import make_card
from reelforge.workspace.hashing import sha256_file

W, H, FPS, SCENES, SEC = 1080, 1920, 30, 10, 60
WORDS = ("cities trap heat in asphalt and concrete so summer nights stay warm while trees shade streets "
         "and cool the air around them by several degrees which saves energy and lives").split()


def child_peak_rss_mb() -> float:
    """Largest RSS of any waited-for child so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def make_inputs(run: Path, seed: int = 11) -> RenderSpec:
    ff = ffmpeg_exe()
    (run / "visuals").mkdir(parents=True, exist_ok=True)
    (run / "audio").mkdir(exist_ok=True)
    (run / "fonts").mkdir(exist_ok=True)
    for i in range(SCENES):
        make_card([f"Point {i + 1}: " + " ".join(WORDS[i * 3:i * 3 + 5])], run / f"visuals/scene-{i + 1:02d}.png",
                  width=W, height=H, seed=seed, index=i, title="Urban heat islands")
    # speech-like narration: pink noise gated into ~0.3 s syllables with pauses, 22.05 kHz mono like Piper
    subprocess.run([ff, "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"anoisesrc=color=pink:sample_rate=22050:duration={SEC}:seed=7",
                    "-af", "volume='if(lt(mod(t,0.37),0.24),if(lt(mod(t,4.1),3.5),0.6,0),0)':eval=frame,"
                    "lowpass=f=3500", "-ac", "1", str(run / "audio/narration.wav")], check=True)
    # a 17 s music bed (shorter than the video: exercises looping)
    subprocess.run([ff, "-v", "error", "-y", "-f", "lavfi", "-i",
                    "sine=f=220:sample_rate=44100:duration=17", "-f", "lavfi", "-i",
                    "sine=f=277.18:sample_rate=44100:duration=17", "-f", "lavfi", "-i",
                    "sine=f=329.63:sample_rate=44100:duration=17", "-filter_complex",
                    "amix=inputs=3,volume=0.8,tremolo=f=2:d=0.3", "-ac", "2", str(run / "audio/music.wav")],
                   check=True)
    import font_roboto

    shutil.copy(font_roboto.font_files["RobotoBlack"], run / "fonts/Roboto-Black.ttf")
    events = []
    per = 0.42
    for k in range(int(SEC / per) - 1):
        t0, t1 = k * per, (k + 1) * per
        words = " ".join(WORDS[(k + j) % len(WORDS)] for j in range(3))
        events.append(f"Dialogue: 0,{_ts(t0)},{_ts(t1)},Default,,0,0,0,,{{\\c&H00FFFF&}}{words.upper()}")
    (run / "captions.ass").write_text(
        "[Script Info]\nScriptType: v4.00+\nPlayResX: 1080\nPlayResY: 1920\nWrapStyle: 0\n\n[V4+ Styles]\n"
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
        "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
        "MarginL, MarginR, MarginV, Encoding\n"
        "Style: Default,Roboto Black,88,&H00FFFFFF,&H000000FF,&H00000000,&H64000000,0,0,0,0,100,100,0,0,1,6,2,"
        "2,80,80,560,1\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, "
        "Text\n" + "\n".join(events) + "\n", encoding="utf-8")

    def ref(rel: str) -> dict[str, str]:
        return {"src": rel, "sha256": sha256_file(run / rel)}

    per_scene = SEC * FPS // SCENES
    kinds = [("fade", "left"), ("slide", "left"), ("wipe", "up"), ("fade", "left"), ("slide", "up"),
             ("wipe", "left"), ("fade", "left"), ("slide", "right"), ("wipe", "down")]
    scenes = []
    for i in range(SCENES):
        kb = plan_ken_burns(seed, i, style="full")
        visual = {**ref(f"visuals/scene-{i + 1:02d}.png"), "type": "image", "provider": "designed-card",
                  "kenBurns": kb.to_json_dict() if kb else None}
        trans = ({"kind": kinds[i][0], "durationFrames": 15, "direction": kinds[i][1]} if i < SCENES - 1
                 else {"kind": "cut"})
        scenes.append({"id": f"s{i + 1:02d}", "fromFrame": i * per_scene, "durationInFrames": per_scene,
                       "visual": {k: v for k, v in visual.items() if v is not None}, "transitionOut": trans})
    spec = {"schemaVersion": "1.0", "composition": "Shorts", "slug": "bench", "output": "shorts-bench.mp4",
            "dimensions": {"width": W, "height": H}, "durationInFrames": SEC * FPS, "scenes": scenes,
            "audio": {"narration": ref("audio/narration.wav"),
                      "music": {**ref("audio/music.wav"), "gainDb": -16, "duck": True, "fadeOutSec": 2}},
            "captions": {"style": "tiktok", "file": ref("captions.ass"),
                         "fonts": [{**ref("fonts/Roboto-Black.ttf"), "family": "Roboto Black"}]},
            "seed": seed}
    (run / "render-spec.json").write_text(json.dumps(spec, indent=2), encoding="utf-8")
    return RenderSpec.model_validate(spec)


def _ts(t: float) -> str:
    cs = round(t * 100)
    return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def baseline_encode(tmp: Path) -> float:
    """x264 alone, same settings, 60 s of moving test pattern: the encoder's ceiling here."""
    argv = [ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size={W}x{H}:rate={FPS}",
            "-frames:v", str(SEC * FPS), "-c:v", "libx264", "-preset", "veryfast", "-crf", "21",
            "-pix_fmt", "yuv420p", "-threads", "0", str(tmp / "baseline.mp4")]
    start = time.monotonic()
    subprocess.run(argv, check=True)
    return time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    tmp = args.workdir or Path(tempfile.mkdtemp(prefix="rf-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    spec = make_inputs(tmp)
    print(f"inputs: {time.monotonic() - t0:.1f} s (10 cards, narration, music, {SEC / 0.42:.0f} caption events)")
    shas = []
    for k in range(args.runs):
        result = render(spec, tmp)
        rss = child_peak_rss_mb()
        shas.append(result.sha256)
        print(f"render {k + 1}: {result.seconds:.1f} s wall = {SEC / result.seconds:.2f}x realtime; "
              f"ffmpeg peak RSS <= {rss:.0f} MB; {result.frames} frames; "
              f"{result.integrated_lufs} LUFS, TP {result.true_peak_db} dBTP; sha256 {result.sha256}")
    if args.runs > 1:
        print("byte-identical re-render:", len(set(shas)) == 1)
    if not args.no_baseline:
        base = baseline_encode(tmp)
        print(f"baseline x264-only encode: {base:.1f} s = {SEC / base:.2f}x realtime; "
              f"render/baseline time ratio {result.seconds / base:.2f}")
    if not args.keep and args.workdir is None:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print("kept:", tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
