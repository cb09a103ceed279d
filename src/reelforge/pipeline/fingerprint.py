"""Stage fingerprints of a video run, per scene: what each stage's output is a function of.

DVC's rule: a stage's output may be reused only when its code version, its inputs and its settings all match.
Each fingerprint here is sha256 of named *parts* (code, a setting, the scene's text, an upstream stage's
fingerprint); keeping the parts lets `video status` say which one changed. Pure apart from hashing the
package's own source files (the code version) and the voice model (memoized by piper.model_sha256).

Stages, in pipeline order: script, voice (one scene's synthesis and word timing), timing (where the scene
sits on the timeline: it moves when an earlier scene's length may change), visual, captions, spec, render.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from reelforge.config import Settings, caption_platform
from reelforge.errors import ReelforgeError
from reelforge.models.common import FRAME_SIZES
from reelforge.models.script import Scene, Script
from reelforge.pipeline.pacing import Pacing
from reelforge.workspace.hashing import sha256_file, sha256_json

STAGES = ("script", "voice", "timing", "visual", "captions", "spec", "render")
# the settings each stage reads (the rest of Settings cannot change its output)
STAGE_SETTINGS: dict[str, tuple[str, ...]] = {
    "voice": ("voice", "speed", "voice_variation", "voice_model", "voice_stability", "voice_similarity",
              "voice_style", "stt_model"),
    "timing": ("breath",),
    "visual": ("visual", "seed", "platform"),
    "captions": ("captions", "platform", "caption_font", "caption_size", "caption_outline", "caption_color",
                 "caption_highlight", "caption_outline_color", "caption_position"),
    "spec": ("seed", "transition", "music", "music_gain_db", "platform", "crf", "preset"),
    "render": ("crf", "preset"),
}
# the source each stage's code version is hashed from (package-relative files or folders)
STAGE_CODE: dict[str, tuple[str, ...]] = {
    "script": ("models/script.py",),
    "voice": ("providers/voice", "providers/timing", "pipeline/narration.py"),
    "timing": ("pipeline/narration.py", "pipeline/pacing.py"),
    "visual": ("providers/visual", "pipeline/visual_chain.py", "text", "explainer"),
    "captions": ("compose/captions", "text"),
    "spec": ("pipeline/spec_builder.py", "models/render_spec.py", "compose/kenburns.py"),
    "render": ("compose",),
}
RECORDED_SETTINGS = (*dict.fromkeys(k for keys in STAGE_SETTINGS.values() for k in keys),
                     "check", "credentials", "duration")


@lru_cache(maxsize=32)
def code_version(stage: str) -> str:
    """sha256 over the stage's source files (path and bytes): any edit to them is a new code version."""
    package = Path(__file__).resolve().parents[1]
    files: list[Path] = []
    for rel in STAGE_CODE[stage]:
        target = package / rel
        files += sorted(target.rglob("*.py")) if target.is_dir() else [target]
    return sha256_json([[f.relative_to(package).as_posix(), sha256_file(f)] for f in files if f.is_file()])


def key_of(parts: Mapping[str, Any]) -> str:
    return sha256_json(dict(parts))


def _settings(stage: str, settings: Settings) -> dict[str, Any]:
    return {f"setting {k}": settings[k] for k in STAGE_SETTINGS[stage]}


@lru_cache(maxsize=16)
def _voice_model(voice: str) -> dict[str, str]:
    from reelforge.providers.voice.piper import model_sha256
    from reelforge.providers.voice.registry import resolve_profile

    try:
        profile = resolve_profile(voice)
    except ReelforgeError:
        return {"voice model": f"unresolved:{voice}"}
    if profile is None:
        return {"voice model": "none"}
    if not profile.offline:  # a hosted voice is named by its engine, voice and identity (never the key)
        return {"voice engine": profile.engine, "voice id": str(profile.voice_id),
                "voice identity": sha256_json(profile.identity or {})}
    if profile.model_path is None or profile.config_path is None or not profile.model_path.is_file() \
            or not profile.config_path.is_file():
        return {"voice model": f"missing:{profile.id}"}
    return {"voice model": model_sha256(profile.model_path), "voice config": sha256_file(profile.config_path),
            "voice id": str(profile.voice_id or "")}  # one Kokoro voices file holds many voices


def voice_parts(scene: Scene, script: Script, settings: Settings) -> dict[str, Any]:
    """One scene's synthesis and word timing (not where it sits: that is the timing stage)."""
    return {"code": code_version("voice"), "narration text": scene.narration, "locale": script.locale,
            **_settings("voice", settings), **_voice_model(str(settings["voice"]))}


def scene_parts(scene: Scene, script: Script) -> dict[str, Any]:
    return {"code": code_version("script"), "scene": scene.to_json_dict(), "title": script.title,
            "mode": script.mode, "aspect": script.aspect, "locale": script.locale, "music": script.music}


def _card_inputs(script: Script, settings: Settings, caption_style: str) -> dict[str, Any]:
    """What every designed card of the video shares (its look is chosen from all scenes' words)."""
    from reelforge.pipeline.visual_chain import CardPlan

    width, height = FRAME_SIZES[script.aspect]
    plan = CardPlan.for_scenes(script.scenes, title=script.title, seed=settings["seed"], mode=script.mode,
                               platform=caption_platform(settings, script.aspect), caption_style=caption_style,
                               width=width, height=height)
    return {"card look": repr(plan.look), "scene count": plan.count, "caption band": list(plan.caption_band or ()),
            "size": f"{width}x{height}"}


def visual_parts(index: int, scene: Scene, script: Script, settings: Settings, shared: Mapping[str, Any],
                 ) -> dict[str, Any]:
    from reelforge.providers.visual.card_text import authored_lines, headline_text

    return {"code": code_version("visual"), "index": index, "scene id": scene.id,
            "visual": scene.visual.to_json_dict(),
            "headline": headline_text(scene.on_screen_text, scene.narration, script.title),
            "authored": bool(authored_lines(scene.on_screen_text, scene.narration)), "title": script.title,
            "mode": script.mode, **_settings("visual", settings), **shared}


def stage_fingerprints(script: Script, settings: Settings, *, pacing: Pacing, caption_style: str,
                       ) -> dict[str, dict[str, dict[str, Any]]]:
    """stage -> scene id -> {"key": sha256, "parts": {name: value or upstream key}}."""
    out: dict[str, dict[str, dict[str, Any]]] = {stage: {} for stage in STAGES}

    def put(stage: str, scene_id: str, parts: dict[str, Any]) -> str:
        key = key_of(parts)
        out[stage][scene_id] = {"key": key, "parts": {k: _short(v) for k, v in parts.items()}}
        return key

    shared_cards = _card_inputs(script, settings, caption_style)
    earlier: list[str] = []  # each earlier scene's (voice, durationSec), hashed: a change may move this scene
    for index, scene in enumerate(script.scenes):
        put("script", scene.id, scene_parts(scene, script))
        voice = put("voice", scene.id, voice_parts(scene, script, settings))
        timing = put("timing", scene.id, {
            "code": code_version("timing"), "voice": voice, "durationSec": scene.duration_sec,
            "earlier scenes": sha256_json(earlier), "pacing": pacing.params(), "index": index,
            **_settings("timing", settings)})
        earlier.append(sha256_json([voice, scene.duration_sec]))
        visual = put("visual", scene.id, visual_parts(index, scene, script, settings, shared_cards))
        captions = put("captions", scene.id, {
            "code": code_version("captions"), "timing": timing, "caption style": caption_style,
            "locale": script.locale, "size": shared_cards["size"], **_settings("captions", settings)})
        spec = put("spec", scene.id, {
            "code": code_version("spec"), "visual": visual, "timing": timing, "transition": scene.transition,
            "index": index, **_settings("spec", settings)})
        put("render", scene.id, {"code": code_version("render"), "spec": spec, "captions": captions,
                                 **_settings("render", settings)})
    return out


def _short(value: Any) -> Any:
    """Long texts in the record as their sha256 (the parts are compared, not read)."""
    if isinstance(value, str) and len(value) > 200:
        return "sha256:" + sha256_json(value)
    if isinstance(value, dict | list):
        return "sha256:" + sha256_json(value)
    return value
