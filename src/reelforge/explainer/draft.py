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
from reelforge.explainer.candidates import Candidate, select_window
from reelforge.explainer.markdown import parse_markdown
from reelforge.explainer.scenes_data import data_candidates
from reelforge.explainer.scenes_package import package_candidates
from reelforge.explainer.scenes_readme import readme_candidates
from reelforge.explainer.sources import Source, load_source, nothing_to_explain
from reelforge.explainer.title import project_title
from reelforge.models.common import SCHEMA_VERSION, limits_for, parse_document
from reelforge.models.script import Scene, SceneVisual, Script
from reelforge.text.speech_rate import DEFAULT_WORDS_PER_SEC

ASPECTS = ("16:9", "9:16", "1:1")
SOURCE_TAG = {"markdown": "explainer-readme", "package": "explainer-package", "data": "explainer-data"}
_BRIEF_STOP = frozenset({"explain", "explainer", "this", "that", "project", "video", "about", "please", "make",
                         "show", "with", "from", "what", "into", "the", "and", "for", "how", "does", "work"})
_MAX_TEXT = 600
_LIMITS = limits_for("explainer")
# Without --duration a draft holds the material's most important scenes up to 3 min: a long video is asked
# for (--duration, up to the explainer limit), never the surprise of a README read out for 30 minutes.
DEFAULT_DRAFT_SEC = 180.0
TOLERANCE = 0.10


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
        doc = parse_markdown(file.text, fallback_title="")
        title = project_title(doc, file.path, source.root)
        cands = readme_candidates(doc, file.rel, title)
        if len(cands) == 1 and not doc.intro.paragraphs and not doc.sections:
            raise nothing_to_explain(source.path, "no prose, headings or code blocks were found")
        return title, cands
    if source.kind == "package":
        return package_candidates(source)
    return data_candidates(source)


def section_map(title: str, rel: str, chosen: list[Candidate]) -> Candidate | None:
    """"This video covers N topics: A, B and C." listing exactly the sections the video then shows."""
    names = list(dict.fromkeys(c.section.rstrip(".… ") for c in chosen if c.section and not c.pinned))
    if len(names) < 3:
        return None
    listed = ", ".join(names[:-1]) + f" and {names[-1]}"
    return Candidate(kind="diagram", ref=rel, narration=f"This video covers {len(names)} topics: {listed}.",
                     on_screen=[title, f"{len(names)} topics", *names], score=0.0, order=0.5, wps=chosen[0].wps)


def select_for(candidates: list[Candidate], *, title: str, rel: str | None, max_scenes: int, target_sec: float,
               tolerance: float) -> list[Candidate]:
    """Choose the most important scenes that fill target ± tolerance (kept in material order), leaving room
    for the section map, which lists exactly the sections chosen (so its length follows the choice)."""
    ceiling = min(target_sec * (1 + tolerance), _LIMITS.max_sec)
    floor = target_sec * (1 - tolerance)
    reserve = 0.0
    tries: list[list[Candidate]] = []
    for _ in range(5):
        chosen = select_window(candidates, max_scenes=max_scenes - (1 if rel else 0),
                               low_sec=floor - reserve, high_sec=ceiling - reserve)
        overview = section_map(title, rel, chosen) if rel else None
        if overview is None:
            return chosen
        full = sorted([*chosen, overview], key=lambda c: c.order)
        total = sum(c.duration for c in full)
        if floor - 1e-9 <= total <= ceiling + 1e-9:
            return full
        tries.append(full if total <= ceiling + 1e-9 else chosen)
        if abs(overview.duration - reserve) < 0.05:
            break
        reserve = overview.duration
    return min(tries, key=lambda t: abs(sum(c.duration for c in t) - target_sec))


def build_script(title: str, chosen: list[Candidate], *, aspect: str, locale: str, tag: str) -> Script:
    scenes = []
    for i, cand in enumerate(chosen, start=1):
        cap = 20 if cand.kind == "diagram" else 9
        scenes.append(Scene(
            id=f"scene-{i:02d}",
            durationSec=cand.duration,
            narration=_plain(cand.narration),
            # a section map carries the topics it lists (its frame draws exactly those)
            onScreenText=[t for t in (_plain(x, 160) for x in cand.on_screen) if t][:cap],
            visual=SceneVisual(kind=cand.kind, ref=cand.ref, source=tag),  # type: ignore[arg-type]
            transition="fade" if i < len(chosen) else None,
        ))
    data = Script(schemaVersion=SCHEMA_VERSION, mode="explainer", aspect=aspect, locale=locale,  # type: ignore[arg-type]
                  title=_plain(title, 200) or "Explainer", scenes=scenes, music="none").to_json_dict()
    return parse_document(Script, data, document="script.json")


def draft_explainer_script(source: Path, *, workspace: Path, aspect: str, locale: str, brief: str,
                           max_scenes: int = _LIMITS.max_scenes, max_total_sec: float = DEFAULT_DRAFT_SEC,
                           target_sec: float | None = None,
                           words_per_second: float = DEFAULT_WORDS_PER_SEC) -> Script:
    """Read ``source`` (README.md, a package DIR or data.csv inside ``workspace``) and draft the script."""
    return draft_explainer(source, workspace=workspace, aspect=aspect, locale=locale, brief=brief,
                           max_scenes=max_scenes, max_total_sec=max_total_sec, target_sec=target_sec,
                           words_per_second=words_per_second)[0]


def draft_explainer(source: Path, *, workspace: Path, aspect: str, locale: str, brief: str,
                    max_scenes: int = _LIMITS.max_scenes, max_total_sec: float = DEFAULT_DRAFT_SEC,
                    target_sec: float | None = None,
                    words_per_second: float = DEFAULT_WORDS_PER_SEC) -> tuple[Script, list[str]]:
    """The draft and its warnings. ``target_sec`` (--duration) picks the most important scenes to fit
    within ±10 % (up to the explainer limit, 30 min); without it the draft is as long as the material,
    up to 180 s.

    Deterministic: the same bytes in give the same script. Refusals: InvalidInputError (exit 4) for a
    missing, unreadable, binary or empty source; SafetyError (exit 2) for a source outside the workspace.
    """
    if aspect not in ASPECTS:
        raise InvalidInputError(f"aspect {aspect!r} is not one of {', '.join(ASPECTS)}",
                                hint="pass --aspect 16:9, 9:16 or 1:1 (auto means 16:9 for explainer)")
    loaded = load_source(source, workspace=workspace)
    title, candidates = _candidates(loaded)
    for cand in candidates:
        cand.wps = words_per_second
    _boost(candidates, _brief_terms(brief))
    target = min(target_sec if target_sec is not None else max_total_sec, _LIMITS.max_sec)
    tolerance = TOLERANCE if target_sec is not None else 0.0
    rel = loaded.files[0].rel if loaded.kind == "markdown" else None
    chosen = select_for(candidates, title=title, rel=rel, max_scenes=min(max_scenes, _LIMITS.max_scenes),
                        target_sec=target / (1 + tolerance) if target_sec is None else target, tolerance=tolerance)
    warnings = []
    total = sum(c.duration for c in chosen)
    if target_sec is not None and total < target_sec * (1 - TOLERANCE):
        available = max(total, sum(c.duration for c in candidates))
        why = (f"{loaded.rel} holds about {available:.0f} s of material worth narrating" if available < target_sec
               else f"the closest fit of its scenes is {total:.0f} s")
        warnings.append(f"explainer: {why}; --duration {target_sec:.0f} is not padded with silence")
    return build_script(title, chosen, aspect=aspect, locale=locale, tag=SOURCE_TAG[loaded.kind]), warnings
