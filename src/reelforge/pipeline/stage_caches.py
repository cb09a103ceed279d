"""The per-scene caches a run reads and fills: voice (one scene's wav and word timing), visual (a designed
card) and render (segments and the audio mix, compose/segment_cache.py). Keys are the stage fingerprints
(pipeline/fingerprint.py); entries live in ``<workspace>/.reelforge/cache/`` (workspace/cache_store.py).

``redo`` names the stages whose cached outputs are not read (``rerun --from``): they are made again, and
the new outputs refresh the cache. Each cache keeps a record of what it reused (hit) and made.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelforge.compose.segment_cache import RenderCache
from reelforge.config import Settings
from reelforge.models.script import Scene, Script
from reelforge.pipeline.fingerprint import key_of, visual_parts, voice_parts
from reelforge.workspace.cache_store import StageCache, Warn

REDO_FROM = ("voice", "visual", "captions", "render")


def redo_stages(start: str | None) -> frozenset[str]:
    """``--from visual`` -> {visual, captions, render}: that stage and every one after it."""
    if start is None:
        return frozenset()
    return frozenset(REDO_FROM[REDO_FROM.index(start):])


@dataclass
class SceneRecord:
    """Which scenes a stage reused (hit) and which it made, with each scene's key."""

    hits: list[str] = field(default_factory=list)
    made: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)
    uncached: dict[str, str] = field(default_factory=dict)  # scene id -> why it cannot be cached

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"hit": self.hits, "made": self.made}
        if self.uncached:
            data["uncached"] = self.uncached
        return data


class VoiceScenes:
    """narrate()'s per-scene cache: a scene whose text, voice and settings match reuses its wav and timing."""

    WAV = "narration.wav"

    def __init__(self, store: StageCache, script: Script, settings: Settings, *, read: bool) -> None:
        self.store = store
        self.read = read
        self.record = SceneRecord()
        self._keys = {s.id: key_of(voice_parts(s, script, settings)) for s in script.scenes}

    def load(self, scene: Scene, wav: Path) -> dict[str, Any] | None:
        key = self._keys[scene.id]
        self.record.keys[scene.id] = key
        hit = self.store.fetch(key, {self.WAV: wav}) if self.read else None
        if hit is None:
            return None
        self.record.hits.append(scene.id)
        return hit.meta

    def keep(self, scene: Scene, wav: Path, meta: dict[str, Any]) -> None:
        self.record.made.append(scene.id)
        self.store.put(self._keys[scene.id], {self.WAV: wav}, meta)


Produce = Callable[[Collection[int] | None], list[Any]]


class VisualScenes:
    """Designed cards by fingerprint. Only key-free, local visuals are cached: a user's file is copied
    anyway, and hosted ones (stock, generated, aigc) are the job kernel's to keep."""

    IMAGE = "visual.png"

    def __init__(self, store: StageCache, *, read: bool) -> None:
        self.store = store
        self.read = read
        self.record = SceneRecord()

    def produce(self, script: Script, settings: Settings, produce: Produce, *, caption_style: str,
                mode: str, media_dir: Path | None, run_dir: Path) -> list[Any]:
        from reelforge.pipeline.fingerprint import _card_inputs
        from reelforge.pipeline.visual_chain import VisualResult

        shared = _card_inputs(script, settings, caption_style)
        cached: dict[int, VisualResult] = {}
        keys: dict[int, str] = {}
        for index, scene in enumerate(script.scenes):
            why = _uncacheable(scene, mode, media_dir)
            if why:
                self.record.uncached[scene.id] = why
                continue
            keys[index] = key_of(visual_parts(index, scene, script, settings, shared))
            self.record.keys[scene.id] = keys[index]
            target = run_dir / "visuals" / f"scene-{index + 1:02d}-card.png"
            hit = self.store.fetch(keys[index], {self.IMAGE: target}) if self.read else None
            if hit is not None:
                cached[index] = _result_from(hit.meta, index)
                self.record.hits.append(scene.id)
        missing = [i for i in range(len(script.scenes)) if i not in cached]
        made = produce(missing) if missing else []
        by_index = {r.index: r for r in made}
        for index, result in by_index.items():
            if index in keys:
                self.record.made.append(script.scenes[index].id)
                self.store.put(keys[index], {self.IMAGE: run_dir / result.src}, result.to_json())
            else:
                self.record.made.append(script.scenes[index].id)
        return [cached[i] if i in cached else by_index[i] for i in range(len(script.scenes))]


def _uncacheable(scene: Scene, mode: str, media_dir: Path | None) -> str:
    if mode not in ("auto", "card"):
        return f"--visual {mode} is not cached here"
    if mode == "auto" and (scene.visual.ref or media_dir is not None):
        return "user media (copied each run)"
    return ""


def _result_from(meta: dict[str, Any], index: int) -> Any:
    from reelforge.pipeline.visual_chain import VisualResult

    return VisualResult(scene_id=meta["sceneId"], index=index, src=meta["src"], sha256=meta["sha256"],
                        type=meta["type"], provider=meta["provider"], path_taken=meta["pathTaken"],
                        ken_burns=meta["kenBurns"], warnings=list(meta.get("warnings", [])),
                        attribution=meta.get("attribution"), seconds=0.0)


@dataclass
class RunCaches:
    """Everything one run reads from and adds to the workspace cache."""

    root: Path
    redo: frozenset[str]
    warn: Warn
    voice: VoiceScenes | None = None
    visual: VisualScenes | None = None
    render: RenderCache | None = None
    redo_from: str | None = None
    rerun_of: str | None = None

    @classmethod
    def at(cls, internal: Path, *, warn: Warn, redo_from: str | None = None, rerun_of: str | None = None,
           ) -> RunCaches:
        root = internal / "cache"
        caches = cls(root, redo_stages(redo_from), warn, redo_from=redo_from, rerun_of=rerun_of)
        caches.render = RenderCache.at(root, warn=warn, disabled="render" in caches.redo)
        return caches

    @property
    def narration_root(self) -> Path:
        return self.root / "narration"

    def voice_scenes(self, script: Script, settings: Settings) -> VoiceScenes | None:
        if settings["voice_variation"]:
            return None  # Piper's random prosody is not a function of the inputs
        self.voice = VoiceScenes(StageCache(self.root, "voice-scene", warn=self.warn), script, settings,
                                 read="voice" not in self.redo)
        return self.voice

    def visual_scenes(self) -> VisualScenes:
        self.visual = VisualScenes(StageCache(self.root, "visual", warn=self.warn), read="visual" not in self.redo)
        return self.visual

    def reuse(self) -> dict[str, Any]:
        """The run's hit/made record per cached stage (for fingerprints.json)."""
        out: dict[str, Any] = {}
        if self.rerun_of is not None:
            out["rerunOf"] = self.rerun_of
            out["from"] = self.redo_from
        if self.voice is not None:
            out["voice"] = self.voice.record.to_json()
        if self.visual is not None:
            out["visual"] = self.visual.record.to_json()
        if self.render is not None and (self.render.hits or self.render.made):
            out["render"] = self.render.to_json()
        return out


def scene_ids(scenes: Sequence[Scene]) -> list[str]:
    return [s.id for s in scenes]
