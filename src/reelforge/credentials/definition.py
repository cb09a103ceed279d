"""The C2PA manifest definition of a run's video, built from manifest.json alone (pure, deterministic).

Ingredients: the script, the voice, each visual and the music, each with its run-relative path, sha256,
title and whether a trained model made it. The digital source type of the whole video is
``compositeWithTrainedAlgorithmicMedia`` whenever any ingredient came from a trained model (the key-free
Piper voice is neural synthetic speech, so a narrated video always says so), else ``compositeSynthetic``.
The manifest label and instance id are derived from the content, so the same run gives the same definition.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from reelforge import __version__
from reelforge.models.manifest import Manifest

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
INGREDIENTS_LABEL = "com.reelforge.ingredients"
RUN_LABEL = "com.reelforge.run"
_NAMESPACE = uuid.UUID("6f1f3c0e-52b4-4c63-9a53-0c2bd3d6f0a1")
# visual providers that do not use a generative model; anything else (hosted image/video keys) does
_NOT_GENERATIVE_VISUALS = {"designed-card": "algorithmicMedia", "pexels": "digitalCapture",
                           "user-media": "digitalCapture", "capture": "screenCapture"}
_NOT_GENERATIVE_SCRIPTS = {"skeleton", "script-file", "explainer-draft"}
_FORMATS = {".json": "application/json", ".wav": "audio/wav", ".mp3": "audio/mpeg", ".m4a": "audio/mp4",
            ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
            ".mp4": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm", ".flac": "audio/flac",
            ".ogg": "audio/ogg"}


@dataclass(frozen=True)
class Ingredient:
    role: str  # script | voice | visual | music
    path: str
    sha256: str
    title: str
    ai_generated: bool
    source_type: str  # IPTC digital source type term
    provider: str

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "path": self.path, "sha256": self.sha256, "title": self.title,
                "aiGenerated": self.ai_generated, "digitalSourceType": IPTC + self.source_type,
                "provider": self.provider}


def _format(path: str) -> str:
    suffix = path[path.rfind("."):].lower() if "." in path else ""
    return _FORMATS.get(suffix, "application/octet-stream")


def ingredients_of(manifest: Manifest) -> list[Ingredient]:
    shas = {a.path: a.sha256 for a in manifest.assets}
    out: list[Ingredient] = []
    script_provider = str(manifest.providers.get("script", "unknown"))
    if "script.json" in shas:
        ai = script_provider not in _NOT_GENERATIVE_SCRIPTS
        out.append(Ingredient("script", "script.json", shas["script.json"], "script", ai,
                              "trainedAlgorithmicMedia" if ai else "humanEdits" if script_provider == "script-file"
                              else "algorithmicMedia", script_provider))
    voice = str(manifest.providers.get("voice", ""))
    if voice and voice != "none" and "audio/narration.wav" in shas:
        title = "narration (Piper neural TTS: synthetic speech)" if voice == "piper" else f"narration ({voice})"
        out.append(Ingredient("voice", "audio/narration.wav", shas["audio/narration.wav"], title, True,
                              "trainedAlgorithmicMedia", voice))
    for stage in manifest.stages:
        if stage.stage != "visuals":
            continue
        for scene in stage.params.get("perScene", []):
            src, provider = str(scene.get("src", "")), str(scene.get("provider", "unknown"))
            if not src or src not in shas:
                continue
            ai = provider not in _NOT_GENERATIVE_VISUALS
            out.append(Ingredient("visual", src, shas[src], f"{scene.get('sceneId', src)} visual ({provider})", ai,
                                  "trainedAlgorithmicMedia" if ai else _NOT_GENERATIVE_VISUALS[provider], provider))
    for path, sha in sorted(shas.items()):
        if path.startswith("audio/music"):
            out.append(Ingredient("music", path, sha, "music bed (user file)", False, "digitalCapture", "user-file"))
    seen: set[str] = set()
    unique = []
    for ing in out:
        if ing.path not in seen:
            seen.add(ing.path)
            unique.append(ing)
    return unique


def video_source_type(ingredients: list[Ingredient]) -> str:
    return IPTC + ("compositeWithTrainedAlgorithmicMedia" if any(i.ai_generated for i in ingredients)
                   else "compositeSynthetic")


def _uuid4_shaped(seed: str, purpose: str) -> uuid.UUID:
    """A UUID with version-4 bits (c2pa refuses other claim GUIDs) taken from a hash, so it is repeatable."""
    digest = hashlib.sha256(f"{_NAMESPACE}:{purpose}:{seed}".encode()).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def build_definition(manifest: Manifest, *, video_name: str, video_sha256: str) -> dict[str, Any]:
    """The manifest definition for c2pa.Builder; the same run always gives the same dict."""
    ingredients = ingredients_of(manifest)
    agent = {"name": "reelforge", "version": __version__}
    body: dict[str, Any] = {
        "claim_generator_info": [agent],
        "title": video_name,
        "format": "video/mp4",
        "assertions": [
            {"label": "c2pa.actions.v2", "data": {"actions": [
                {"action": "c2pa.created", "softwareAgent": agent, "digitalSourceType": video_source_type(ingredients),
                 "description": "composited by reelforge from the ingredients listed"}]}},
            {"label": INGREDIENTS_LABEL, "data": {"items": [i.to_json() for i in ingredients]}},
            {"label": RUN_LABEL, "data": {"runId": manifest.run_id, "mode": manifest.mode, "seed": manifest.seed,
                                          "unsignedVideo": video_name, "unsignedSha256": video_sha256,
                                          "renderSpecSha256": next((a.sha256 for a in manifest.assets
                                                                    if a.path == "render-spec.json"), None)}},
        ],
        "ingredients": [{"title": i.title, "format": _format(i.path), "relationship": "componentOf",
                         "instance_id": f"sha256:{i.sha256}", "description": f"{i.role}: {i.path}"}
                        for i in ingredients],
    }
    seed = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    body["label"] = f"urn:c2pa:{_uuid4_shaped(seed, 'label')}"
    body["instance_id"] = f"xmp:iid:{_uuid4_shaped(seed, 'instance')}"
    return body
