"""Check a model's reply before it becomes script.json; every failure is a line the repair ask repeats.

Hard problems (the reply cannot be used): not JSON, schema fields, the mode's scene / length limits, empty
narration, on-screen text that copies the narration, a hook that is too long, missing or unknown
citations. Soft problems (usable, but off brief): total length outside --duration ± 10 %; after the
repair ask they become warnings instead of a fallback.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from reelforge.errors import SchemaValidationError
from reelforge.models.common import SCHEMA_VERSION, parse_document
from reelforge.models.script import Script
from reelforge.pipeline.writers.base import WriteRequest
from reelforge.text.onscreen import copies_narration
from reelforge.text.speech_rate import scene_seconds, spoken_words

_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}")
_STOP = frozenset("""this that with from your have will what when which there their they them then than
into also just only more most some such each other about over very much many make makes made like used
using uses does done here were been being would could should these those while where after before""".split())
DURATION_TOLERANCE = 0.10


@dataclass
class Checked:
    script: Script | None
    hard: list[str] = field(default_factory=list)
    soft: list[str] = field(default_factory=list)
    citations: dict[str, list[str]] = field(default_factory=dict)

    @property
    def errors(self) -> list[str]:
        return self.hard + self.soft


def hook_word_limit(wps: float) -> int:
    return max(6, round(2 * wps) + 2)


def _content_words(text: str) -> set[str]:
    return {w.lower()[:6] for w in _WORD.findall(text) if w.lower() not in _STOP}


def check_reply(text: str, request: WriteRequest, *, provider: str) -> Checked:
    try:
        data = json.loads(text)
    except ValueError as exc:
        return Checked(None, [f"the reply is not valid JSON ({exc})"])
    if not isinstance(data, dict):
        return Checked(None, ["the reply is not a JSON object"])
    citations_raw: Any = None
    if request.grounding is not None:
        citations_raw = data.get("citations")
        data = data.get("script")
        if not isinstance(data, dict):
            return Checked(None, ["the reply has no 'script' object"])
    data = _pin(data, request, provider)
    try:
        script = parse_document(Script, data, document="script.json")
    except SchemaValidationError as exc:
        return Checked(None, [f"{i.path}: {i.message}" for i in exc.issues])
    checked = Checked(script)
    _content_rules(script, request, checked)
    if request.grounding is not None:
        _citations(script, citations_raw, request, checked)
    return checked


def _pin(data: dict[str, Any], request: WriteRequest, provider: str) -> dict[str, Any]:
    """What the model may not choose: version, mode, aspect, locale, music, brand; lengths from words."""
    data = dict(data)
    data.update(schemaVersion=SCHEMA_VERSION, mode=request.mode, aspect=request.aspect, locale=request.locale,
                music="none", brand={})
    scenes = data.get("scenes")
    if isinstance(scenes, list):
        fixed = []
        for scene in scenes:
            if isinstance(scene, dict):
                scene = dict(scene)
                narration = scene.get("narration")
                if isinstance(narration, str) and narration.strip():
                    scene["durationSec"] = scene_seconds(narration, request.words_per_second)
                visual = scene.get("visual")
                if isinstance(visual, dict):
                    scene["visual"] = {**visual, "source": f"writer:{provider}"}
                    if request.grounding is None:
                        scene["visual"]["ref"] = None  # a model never points the run at a file
                    elif not visual.get("ref") and visual.get("kind") != "code":
                        scene["visual"]["ref"] = request.grounding.default_ref
            fixed.append(scene)
        data["scenes"] = fixed
    return data


def _content_rules(script: Script, request: WriteRequest, checked: Checked) -> None:
    wps = request.words_per_second
    for i, scene in enumerate(script.scenes):
        where = f"scenes.{i}"
        if not scene.narration.strip() and request.mode != "demo":
            checked.hard.append(f"{where}.narration: empty; every scene is spoken")
        for j, line in enumerate(scene.on_screen_text):
            if line.rstrip().endswith(("…", "...")):
                checked.hard.append(f"{where}.onScreenText.{j}: ends in an ellipsis; write a complete short phrase")
            if copies_narration(line, scene.narration):
                checked.hard.append(f"{where}.onScreenText.{j}: repeats the narration; show a key phrase instead")
    first = script.scenes[0]
    sentences = [s for s in _SENTENCE.split(first.narration.strip()) if s]
    limit = hook_word_limit(wps)
    if sentences and spoken_words(sentences[0]) > limit:
        checked.hard.append(f"scenes.0.narration: the hook sentence has {spoken_words(sentences[0]):.0f} words; "
                            f"it must land in the first 2 s (at most {limit} words at {wps:.1f} words/s)")
    if not first.on_screen_text:
        checked.hard.append("scenes.0.onScreenText: empty; the hook needs on-screen text from the first frame")
    if request.duration is not None:
        total = sum(s.duration_sec for s in script.scenes)
        low, high = request.duration * (1 - DURATION_TOLERANCE), request.duration * (1 + DURATION_TOLERANCE)
        if not low <= total <= high:
            words = sum(spoken_words(s.narration) for s in script.scenes)
            want = round(request.duration * wps - 0.25 * wps * len(script.scenes))
            checked.soft.append(f"length: the narration is {words:.0f} words, about {total:.0f} s; the target is "
                                f"{request.duration:.0f} s ± 10 %, so write about {max(want, 5)} words in total")


def _citations(script: Script, raw: Any, request: WriteRequest, checked: Checked) -> None:
    grounding = request.grounding
    assert grounding is not None
    by_scene: dict[str, list[str]] = {}
    if isinstance(raw, list):
        for item in raw:
            if isinstance(item, dict) and isinstance(item.get("sceneId"), str) and isinstance(item.get("refs"), list):
                by_scene.setdefault(item["sceneId"], []).extend(str(r) for r in item["refs"])
    for i, scene in enumerate(script.scenes):
        where = f"citations[{scene.id}]"
        error = grounding.visual_ref_error(scene.visual.kind, scene.visual.ref)
        if error:
            checked.hard.append(f"scenes.{i}.visual.ref: {error}")
        if not scene.narration.strip():
            continue
        refs = by_scene.get(scene.id, [])
        if not refs:
            checked.hard.append(f"{where}: no citation; cite the material lines this scene's narration comes from")
            continue
        bad = [(r, e) for r in refs if (e := grounding.citation_error(r))]
        for ref, error in bad:
            checked.hard.append(f"{where}: {ref!r} {error}")
        if bad:
            continue
        cited = " ".join(grounding.cited_text(r) for r in refs)
        said = _content_words(scene.narration)
        found = _content_words(cited)
        if said and len(said & found) / len(said) < 0.5:
            checked.hard.append(f"{where}: the narration is not traceable to {', '.join(refs)} (most of its words "
                                "are not in those lines); cite the right lines or say only what they say")
        missing = [n for n in _NUMBER.findall(scene.narration) if n not in cited]
        if missing:
            checked.hard.append(f"{where}: the numbers {', '.join(missing)} are not in the cited lines")
        checked.citations[scene.id] = refs
