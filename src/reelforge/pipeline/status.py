"""`video status <runDir>`: each stage of each scene as fresh, stale (and which input, setting or code
changed) or missing, against the run's script (or an edited one) and today's code and settings.

It compares the fingerprints recorded in the run (fingerprints.json) with those computed now
(pipeline/fingerprint.py). An output file that is gone, or no longer has the sha256 the manifest
recorded, makes its stage missing whatever the fingerprints say.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from reelforge.models.common import load_document
from reelforge.models.script import Script
from reelforge.pipeline.fingerprint import STAGES, stage_fingerprints
from reelforge.pipeline.pacing import pacing_for
from reelforge.pipeline.rerun import rerun_settings, resolve_run_dir
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import Workspace

State = Literal["fresh", "stale", "missing"]
# a part that holds an upstream stage's fingerprint -> how the reason reads
_UPSTREAM = {"voice": "its voice", "timing": "its timing", "visual": "its visual", "spec": "its spec entry",
             "captions": "its captions"}


@dataclass
class StageState:
    state: State
    why: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state, "why": self.why}


@dataclass
class SceneStatus:
    scene_id: str
    stages: dict[str, StageState]

    def to_json(self) -> dict[str, Any]:
        return {"sceneId": self.scene_id, "stages": {k: v.to_json() for k, v in self.stages.items()}}


@dataclass
class RunStatus:
    run_dir: Path
    script: Path
    scenes: list[SceneStatus]
    removed: list[str]
    reuse: dict[str, Any]

    def counts(self) -> dict[str, int]:
        out = {"fresh": 0, "stale": 0, "missing": 0}
        for scene in self.scenes:
            for st in scene.stages.values():
                out[st.state] += 1
        return out

    def to_json(self) -> dict[str, Any]:
        return {"runDir": str(self.run_dir), "script": str(self.script), "stages": list(STAGES),
                "scenes": [s.to_json() for s in self.scenes], "removedScenes": self.removed,
                "counts": self.counts(), "lastRunReuse": self.reuse}

    def lines(self) -> list[str]:
        mark = {"fresh": "fresh", "stale": "STALE", "missing": "MISSING"}
        out = [f"run:    {self.run_dir}", f"script: {self.script}",
               "scene  " + "".join(f"{s:<9}" for s in STAGES)]
        for scene in self.scenes:
            out.append(f"{scene.scene_id:<6} " + "".join(f"{mark[scene.stages[s].state]:<9}" for s in STAGES))
        for scene in self.scenes:
            for stage in STAGES:
                st = scene.stages[stage]
                if st.state != "fresh":
                    out.append(f"  {scene.scene_id}/{stage}: {st.state}: {'; '.join(st.why)}")
        out += [f"  removed scene: {s}" for s in self.removed]
        c = self.counts()
        out.append(f"{c['fresh']} fresh, {c['stale']} stale, {c['missing']} missing")
        return out


def _reasons(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    why = []
    for name in sorted(set(old) | set(new)):
        if old.get(name) == new.get(name):
            continue
        if name == "code":
            why.append("code changed")
        elif name in _UPSTREAM:
            why.append(f"{_UPSTREAM[name]} changed")
        elif name == "earlier scenes":
            why.append("an earlier scene's narration or length changed (this scene may move)")
        elif name.startswith("setting "):
            why.append(f"setting {name[8:]} changed ({old.get(name)!r} -> {new.get(name)!r})")
        else:
            why.append(f"{name} changed")
    return why


def _asset_ok(run_dir: Path, rel: str, recorded: Mapping[str, str]) -> str | None:
    """None when the file is there with its recorded sha256, else what is wrong with it."""
    path = run_dir / rel
    if not path.is_file():
        return f"{rel} is missing"
    want = recorded.get(rel)
    if want is not None and sha256_file(path) != want:
        return f"{rel} changed since the run"
    return None


def _outputs(manifest: Mapping[str, Any], old_scenes: list[str]) -> dict[str, dict[str, str]]:
    """stage -> scene id -> the run-relative file that holds that stage's output for the scene."""
    out: dict[str, dict[str, str]] = {s: {} for s in STAGES}
    stages = {s["stage"]: s for s in manifest.get("stages", [])}
    for index, sid in enumerate(old_scenes, start=1):
        out["script"][sid] = "script.json"
        out["spec"][sid] = "render-spec.json"
        out["timing"][sid] = "timing.json"
        out["voice"][sid] = f"audio/narration-{index:02d}.wav"
        out["captions"][sid] = "captions.ass"
        video = (manifest.get("outputs") or {}).get("video")
        if video:
            out["render"][sid] = video
    for item in (stages.get("visuals", {}).get("params") or {}).get("perScene", []):
        out["visual"][item["sceneId"]] = item["src"]
    return out


def run_status(run_dir: Path, workspace: Workspace, *, script_path: Path | None = None,
               flags: Mapping[str, Any] | None = None) -> RunStatus:
    """The state of every stage of every scene of ``script_path`` (default: the run's script.json)."""
    from reelforge.pipeline.stages import caption_style_for

    run_dir = resolve_run_dir(run_dir, workspace)
    script_file = script_path or run_dir / "script.json"
    if not script_file.is_absolute():
        script_file = workspace.root / script_file
    script = load_document(Script, script_file, document="script.json")
    settings, record = rerun_settings(run_dir, workspace, flags or {})
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    pacing = pacing_for(record.get("pacingSource", "script-file"), breath_sec=settings["breath"],
                        duration_setting=settings["duration"])
    now = stage_fingerprints(script, settings, pacing=pacing, caption_style=caption_style_for(script, settings))
    before: dict[str, dict[str, Any]] = record.get("stages", {})
    old_scenes: list[str] = record.get("scenes", [])
    recorded_hashes = {a["path"]: a["sha256"] for a in manifest.get("assets", [])}
    outputs = _outputs(manifest, old_scenes)
    if manifest.get("status") != "succeeded":
        outputs["render"] = {}
    scenes: list[SceneStatus] = []
    for scene in script.scenes:
        states: dict[str, StageState] = {}
        for stage in STAGES:
            old = before.get(stage, {}).get(scene.id)
            if old is None:
                why = "no fingerprint recorded" if record else "the run has no fingerprints.json (made before reruns)"
                states[stage] = StageState("missing", [why if scene.id in old_scenes or not record
                                                       else "a new scene"])
                continue
            new = now[stage][scene.id]
            rel = outputs[stage].get(scene.id)
            silent = stage == "voice" and (not scene.narration.strip() or settings["voice"] == "none")
            no_captions = stage == "captions" and old["parts"].get("caption style") == "none"
            problem = None if silent or no_captions else (
                _asset_ok(run_dir, rel, recorded_hashes) if rel else f"the run has no {stage} output")
            if problem is not None:
                states[stage] = StageState("missing", [problem])
                continue
            if new["key"] == old["key"]:
                states[stage] = StageState("fresh")
            else:
                states[stage] = StageState("stale", _reasons(old["parts"], new["parts"]) or ["inputs changed"])
        scenes.append(SceneStatus(scene.id, states))
    removed = [sid for sid in old_scenes if sid not in {s.id for s in script.scenes}]
    return RunStatus(run_dir=run_dir, script=script_file, scenes=scenes, removed=removed,
                     reuse=record.get("reuse", {}))
