"""promptPlan -> one compact prompt, in a fixed documented order.

Order (one line per non-empty section, joined with newlines):

 1. subject + action   ``subject``, ``action``, then each ``storyline`` entry as
                       ``<time> <shot>: <visual> Dialogue: "<dialogue>"``
 2. scene              ``Scene:`` scene, background, props, wardrobe, composition
 3. camera             ``Camera:`` shotType, camera, lens, motion, pacing
 4. style / realism    ``Style:`` style, realism
 5. sound              ``Sound:`` audio, music, soundEffects
 6. continuity         ``Continuity:`` continuity[]
 7. must-keep          ``Keep these true:`` mustKeep[]
 8. must-avoid         ``Avoid:`` mustAvoid[] (default: subtitles, on-screen text, watermark)
 9. reference bindings ``[image 1] <role>; [video 1] <role>; ...`` from referenceMap[]

``camera``/``motion``/``shotType`` are prompt words only: structured motion control (trajectories,
brushes, camera_control) is refused elsewhere. ``finalPrompt`` (or ``final_prompt``) is used verbatim.
"""

from __future__ import annotations

import re
from typing import Any

from reelforge.errors import FieldIssue

TEXT_FIELDS = ("subject", "action", "scene", "background", "props", "wardrobe", "composition", "shotType", "camera",
               "lens", "motion", "pacing", "style", "realism", "audio", "music", "soundEffects")
LIST_FIELDS = ("continuity", "mustKeep", "mustAvoid")
KNOWN = {*TEXT_FIELDS, *LIST_FIELDS, "storyline", "referenceMap", "finalPrompt", "final_prompt"}
DEFAULT_AVOID = ("subtitles", "on-screen text", "watermark")
BINDING = re.compile(r"^(image|video|audio) ([1-9][0-9]?)$")


def _join(plan: dict[str, Any], keys: tuple[str, ...]) -> str:
    seen: list[str] = []
    for key in keys:
        value = str(plan.get(key) or "").strip().rstrip(".")
        if value and value not in seen:
            seen.append(value)
    return ". ".join(seen)


def check_plan(plan: Any, counts: dict[str, int]) -> list[FieldIssue]:
    """Problems with a promptPlan (unknown fields, malformed storyline or bindings); empty when fine."""
    if not isinstance(plan, dict):
        return [FieldIssue("promptPlan", "must be an object")]
    issues = [FieldIssue(f"promptPlan.{k}", "is not a promptPlan field") for k in sorted(plan) if k not in KNOWN]
    for key in TEXT_FIELDS:
        if key in plan and not isinstance(plan[key], str):
            issues.append(FieldIssue(f"promptPlan.{key}", "must be a string"))
    for key in LIST_FIELDS:
        if key in plan and not (isinstance(plan[key], list) and all(isinstance(v, str) for v in plan[key])):
            issues.append(FieldIssue(f"promptPlan.{key}", "must be a list of strings"))
    for key in ("storyline", "referenceMap"):
        if plan.get(key) is not None and not isinstance(plan[key], list):
            issues.append(FieldIssue(f"promptPlan.{key}", "must be a list of objects"))
    storyline = plan["storyline"] if isinstance(plan.get("storyline"), list) else []
    references = plan["referenceMap"] if isinstance(plan.get("referenceMap"), list) else []
    for key in ("finalPrompt", "final_prompt"):
        if plan.get(key) is not None and not isinstance(plan[key], str):
            issues.append(FieldIssue(f"promptPlan.{key}", "must be a string"))
    for i, entry in enumerate(storyline):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) and entry[k].strip()
                                                  for k in ("time", "visual")):
            issues.append(FieldIssue(f"promptPlan.storyline[{i}]", "needs non-empty time and visual"))
        elif any(entry.get(k) is not None and not isinstance(entry[k], str) for k in ("shot", "dialogue")):
            issues.append(FieldIssue(f"promptPlan.storyline[{i}]", "shot and dialogue must be strings"))
    for i, entry in enumerate(references):
        ok = isinstance(entry, dict) and isinstance(entry.get("ref"), str) and isinstance(entry.get("role"), str)
        match = BINDING.match(entry["ref"].strip().lower()) if ok else None
        if match is None or not entry["role"].strip():
            issues.append(FieldIssue(f"promptPlan.referenceMap[{i}]",
                                     'needs ref like "image 1" / "video 1" / "audio 1" and a role'))
        elif int(match.group(2)) > counts.get(match.group(1), 0):
            issues.append(FieldIssue(f"promptPlan.referenceMap[{i}]",
                                     f"binds [{match.group(0)}] but the request sends only "
                                     f"{counts.get(match.group(1), 0)} {match.group(1)} reference(s)"))
    has_text = any(str(plan.get(k) or "").strip() for k in ("subject", "action", "finalPrompt", "final_prompt"))
    if not has_text and not storyline:
        issues.append(FieldIssue("promptPlan", "needs at least subject/action or a storyline (or finalPrompt)"))
    return issues


def compile_plan(plan: dict[str, Any]) -> str:
    final = plan.get("finalPrompt") or plan.get("final_prompt")
    if isinstance(final, str) and final.strip():
        return final.strip()
    lines: list[str] = []
    head = _join(plan, ("subject", "action"))
    if head:
        lines.append(head + ".")
    for entry in plan.get("storyline") or []:
        shot = str(entry.get("shot") or "").strip()
        line = f"{entry['time'].strip()} {shot}".rstrip() + f": {entry['visual'].strip()}"
        if str(entry.get("dialogue") or "").strip():
            line += f' Dialogue: "{entry["dialogue"].strip()}"'
        lines.append(line)
    for label, keys in (("Scene", ("scene", "background", "props", "wardrobe", "composition")),
                        ("Camera", ("shotType", "camera", "lens", "motion", "pacing")),
                        ("Style", ("style", "realism")), ("Sound", ("audio", "music", "soundEffects"))):
        text = _join(plan, keys)
        if text:
            lines.append(f"{label}: {text}.")
    if plan.get("continuity"):
        lines.append("Continuity: " + "; ".join(s.strip() for s in plan["continuity"]) + ".")
    if plan.get("mustKeep"):
        lines.append("Keep these true: " + "; ".join(s.strip() for s in plan["mustKeep"]) + ".")
    avoid = plan.get("mustAvoid") if plan.get("mustAvoid") is not None else list(DEFAULT_AVOID)
    if avoid:
        lines.append("Avoid: " + ", ".join(s.strip() for s in avoid) + ".")
    bindings = [f"[{e['ref'].strip().lower()}] {e['role'].strip()}" for e in plan.get("referenceMap") or []]
    if bindings:
        lines.append("; ".join(bindings) + ".")
    return "\n".join(lines)
