"""A tiny, real run directory for compositor tests: designed cards, a clip, a sine narration, music, one
ASS line and the Roboto font, plus a valid RenderSpec naming them all with their sha256."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import imageio_ffmpeg

from reelforge.compose.kenburns import plan_ken_burns
from reelforge.models.render_spec import RenderSpec
from reelforge.providers.visual.designed import make_card
from reelforge.workspace.hashing import sha256_file

ASS = """[Script Info]
ScriptType: v4.00+
PlayResX: {w}
PlayResY: {h}

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, \
Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, \
MarginV, Encoding
Style: Default,Roboto Black,{size},&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,3,0,2,10,10,{mv},1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:00.20,0:00:05.80,Default,,0,0,0,,Tiny captions
"""


def ffmpeg(*args: str) -> None:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", *args], check=True)


def make_tiny_run(run: Path, *, width: int = 180, height: int = 320, scene_frames: int = 60,
                  with_clip: bool = False, music: bool = True, narration: bool = True,
                  transitions: list[dict[str, Any]] | None = None) -> RenderSpec:
    """3 scenes of ``scene_frames`` each; scene 1 Ken Burns, scene 2 static, scene 3 a clip or a card."""
    import font_roboto

    for sub in ("visuals", "audio", "fonts"):
        (run / sub).mkdir(parents=True, exist_ok=True)
    visuals: list[tuple[str, str]] = []
    for i in range(3):
        if i == 2 and with_clip:
            rel = "visuals/scene-03.mp4"
            ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=1.2", "-c:v", "libx264",
                   "-pix_fmt", "yuv420p", str(run / rel))
            visuals.append((rel, "video"))
            continue
        rel = f"visuals/scene-{i + 1:02d}.png"
        make_card([f"Scene {i + 1}"], run / rel, width=width, height=height, seed=3, index=i, title="Tiny")
        visuals.append((rel, "image"))
    if narration:
        ffmpeg("-f", "lavfi", "-i", f"sine=frequency=300:sample_rate=22050:duration={3 * scene_frames / 30 - 0.5}",
               "-af", "volume=0.25", "-ac", "1", str(run / "audio/narration.wav"))
    if music:
        ffmpeg("-f", "lavfi", "-i", "sine=frequency=523:sample_rate=44100:duration=1.5", "-ac", "2",
               str(run / "audio/music.wav"))
    (run / "captions.ass").write_text(ASS.format(w=width, h=height, size=max(height // 14, 10),
                                                 mv=height // 6), encoding="utf-8")
    shutil.copy(font_roboto.font_files["RobotoBlack"], run / "fonts/Roboto-Black.ttf")

    def ref(rel: str) -> dict[str, str]:
        return {"src": rel, "sha256": sha256_file(run / rel)}

    trans = transitions or [{"kind": "fade", "durationFrames": 10}, {"kind": "wipe", "durationFrames": 8,
                                                                     "direction": "up"}, {"kind": "cut"}]
    scenes = []
    for i, (rel, kind) in enumerate(visuals):
        visual: dict[str, Any] = {**ref(rel), "type": kind, "provider": "test"}
        kb = plan_ken_burns(3, i, style="full") if i == 0 else None
        if kb is not None:
            visual["kenBurns"] = kb.to_json_dict()
        scenes.append({"id": f"s{i + 1}", "fromFrame": i * scene_frames, "durationInFrames": scene_frames,
                       "visual": visual, "transitionOut": trans[i]})
    audio: dict[str, Any] = {}
    if narration:
        audio["narration"] = ref("audio/narration.wav")
    if music:
        audio["music"] = {**ref("audio/music.wav"), "gainDb": -12}
    spec = {"schemaVersion": "1.0", "composition": "Shorts", "slug": "tiny", "output": "shorts-tiny.mp4",
            "dimensions": {"width": width, "height": height}, "durationInFrames": 3 * scene_frames,
            "scenes": scenes, "audio": audio,
            "captions": {"style": "tiktok", "file": ref("captions.ass"),
                         "fonts": [{**ref("fonts/Roboto-Black.ttf"), "family": "Roboto Black"}]},
            "seed": 3}
    return RenderSpec.model_validate(spec)
