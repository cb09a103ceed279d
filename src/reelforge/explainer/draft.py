"""Draft a grounded explainer script.json from a README, a package directory or a CSV, without an LLM.

The material only ever becomes narration and on-screen text: the script's mode, aspect, locale, music,
transitions and every ``visual.ref`` come from this code and the caller's arguments, so nothing written in
a README can change flags, paths or providers.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from reelforge.errors import InvalidInputError
from reelforge.explainer.candidates import Candidate, select
from reelforge.explainer.markdown import parse_markdown
from reelforge.explainer.scenes_data import data_candidates
from reelforge.explainer.scenes_package import package_candidates
from reelforge.explainer.scenes_readme import readme_candidates
from reelforge.explainer.sources import Source, load_source, nothing_to_explain
from reelforge.models.common import MAX_DURATION_SEC, MAX_SCENES, SCHEMA_VERSION, parse_document
from reelforge.models.script import Scene, SceneVisual, Script

ASPECTS = ("16:9", "9:16", "1:1")
SOURCE_TAG = {"markdown": "explainer-readme", "package": "explainer-package", "data": "explainer-data"}
_BRIEF_STOP = frozenset({"explain", "explainer", "this", "that", "project", "video", "about", "please", "make",
                         "show", "with", "from", "what", "into", "the", "and", "for", "how", "does", "work"})
_MAX_TEXT = 600


def _plain(text: str, limit: int = _MAX_TEXT) -> str:
    """Printable single-line text: control and format characters (bidi overrides, zero-widths) dropped."""
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return re.sub(r"\s+", " ", text).strip()[:limit]


def _brief_terms(brief: str) -> list[str]:
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]{2,}", brief.lower())
    return sorted({w for w in words if w not in _BRIEF_STOP})


def _boost(candidates: list[Candidate], terms: list[str]) -> None:
    """The user's brief (not the material) may point at a topic: matching scenes rank higher."""
    for cand in candidates:
        haystack = f"{cand.ref} {' '.join(cand.on_screen[:1])}".lower()
        if any(t in haystack for t in terms):
            cand.score += 15.0


def _candidates(source: Source) -> tuple[str, list[Candidate]]:
    if source.kind == "markdown":
        file = source.files[0]
        doc = parse_markdown(file.text, fallback_title=Path(file.rel).parent.name or Path(file.rel).stem)
        cands = readme_candidates(doc, file.rel)
        if len(cands) == 1 and not doc.intro.paragraphs and not doc.sections:
            raise nothing_to_explain(source.path, "no prose, headings or code blocks were found")
        return doc.title, cands
    if source.kind == "package":
        return package_candidates(source)
    return data_candidates(source)


def build_script(title: str, chosen: list[Candidate], *, aspect: str, locale: str, tag: str) -> Script:
    scenes = []
    for i, cand in enumerate(chosen, start=1):
        scenes.append(Scene(
            id=f"scene-{i:02d}",
            durationSec=cand.duration,
            narration=_plain(cand.narration),
            onScreenText=[t for t in (_plain(x, 160) for x in cand.on_screen) if t][:9],
            visual=SceneVisual(kind=cand.kind, ref=cand.ref, source=tag),  # type: ignore[arg-type]
            transition="fade" if i < len(chosen) else None,
        ))
    data = Script(schemaVersion=SCHEMA_VERSION, mode="explainer", aspect=aspect, locale=locale,  # type: ignore[arg-type]
                  title=_plain(title, 200) or "Explainer", scenes=scenes, music="none").to_json_dict()
    return parse_document(Script, data, document="script.json")


def draft_explainer_script(source: Path, *, workspace: Path, aspect: str, locale: str, brief: str,
                           max_scenes: int = MAX_SCENES, max_total_sec: float = MAX_DURATION_SEC) -> Script:
    """Read ``source`` (README.md, a package DIR or data.csv inside ``workspace``) and draft the script.

    Deterministic: the same bytes in give the same script. Refusals: InvalidInputError (exit 4) for a
    missing, unreadable, binary or empty source; SafetyError (exit 2) for a source outside the workspace.
    """
    if aspect not in ASPECTS:
        raise InvalidInputError(f"aspect {aspect!r} is not one of {', '.join(ASPECTS)}",
                                hint="pass --aspect 16:9, 9:16 or 1:1 (auto means 16:9 for explainer)")
    loaded = load_source(source, workspace=workspace)
    title, candidates = _candidates(loaded)
    _boost(candidates, _brief_terms(brief))
    chosen = select(candidates, max_scenes=min(max_scenes, MAX_SCENES),
                    max_total_sec=min(max_total_sec, MAX_DURATION_SEC))
    return build_script(title, chosen, aspect=aspect, locale=locale, tag=SOURCE_TAG[loaded.kind])
