"""Normalize and validate a render request record (pure: no files read, no network).

Every problem of the document is collected and raised at once (exit 4). The approval gates that read
the asset store live in ``gates.py``; this module only checks the shape and the rules of each route.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelforge.errors import FieldIssue, InvalidInputError, SchemaValidationError
from reelforge.models.common import parse_document
from reelforge.models.requests import RenderRequest as RenderRequestRecord
from reelforge.providers.video.catalog import VideoModel, choose_tier, video_model
from reelforge.renders.prompt_plan import check_plan, compile_plan
from reelforge.workspace.documents import read_json_file
from reelforge.workspace.paths import sanitize_id

PURPOSES = ("talking_head", "singing_avatar", "first_pass_render", "render_fix", "ugc_variation",
            "reference_motion_transfer", "animatic_preview")
LINEAGE = ("campaignId", "personaId", "conceptId", "scriptId", "voiceTakeId", "imageAssetId")
SEEDANCE_MODES = ("text", "first_frame", "first_last_frame", "reference")
MEDIA_FIELDS = ("image", "lastImage", "referenceImages", "referenceVideos", "referenceAudios", "motionVideo", "audio")
# Structured motion control is not something any of these routes accepts: refuse it, never drop it silently.
MOTION_CONTROL = ("camera_fixed", "cameraFixed", "camera_control", "cameraControl", "camera_trajectory",
                  "cameraTrajectory", "camera_trajectories", "cameraTrajectories", "object_trajectory",
                  "objectTrajectory", "object_trajectories", "objectTrajectories", "motion_brush", "motionBrush",
                  "motion_brushes", "motionBrushes", "brush_mask", "brushMask")
FORMATS = {"short_form_vertical": "9:16", "instagram_meta_ads": "3:4"}
_FORMAT_ALIASES = {"9_16": "short_form_vertical", "reels": "short_form_vertical", "short_form": "short_form_vertical",
                   "stories": "short_form_vertical", "tiktok": "short_form_vertical",
                   "vertical_short_form": "short_form_vertical", "3_4": "instagram_meta_ads",
                   "instagram_3_4": "instagram_meta_ads", "meta_ads_3_4": "instagram_meta_ads"}
RATIOS = ("21:9", "16:9", "4:3", "1:1", "3:4", "9:16")
DEFAULT_TALKING_HEAD_PROMPT = ("clean creator UGC: the person speaks naturally to a front camera, bright soft light, "
                               "casual but not low quality, natural lip sync and blinking")


@dataclass
class RenderRequest:
    data: dict[str, Any]  # the normalized record (camelCase), as written to request.json
    model: VideoModel
    source: str | None

    @property
    def job_id(self) -> str:
        return str(self.data["jobId"])

    @property
    def route(self) -> str:
        return self.model.route


def media_list(value: Any) -> list[dict[str, Any]]:
    """A media field as a list of {"path"|"url", ...} objects (strings are accepted)."""
    items = value if isinstance(value, list) else ([] if value is None else [value])
    out = []
    for item in items:
        if isinstance(item, str):
            out.append({"url": item} if item.startswith(("http://", "https://")) else {"path": item})
        elif isinstance(item, dict):
            out.append(dict(item))
        else:
            out.append({"invalid": item})
    return out


def _creative_format(raw: dict[str, Any], issues: list[FieldIssue]) -> tuple[str, str]:
    ratio = next((raw[k] for k in ("targetAspectRatio", "aspectRatio", "ratio") if raw.get(k)), None)
    fmt = raw.get("creativeFormat")
    if fmt is None:
        if ratio is None or ratio == "9:16":
            return "short_form_vertical", "9:16"
        if ratio not in RATIOS:
            issues.append(FieldIssue("targetAspectRatio", f"{ratio!r} is not one of {', '.join(RATIOS)}"))
        return "custom", str(ratio)
    key = str(fmt).lower().replace("-", "_").replace(" ", "_").replace("/", "_").replace(":", "_")
    key = _FORMAT_ALIASES.get(key, key)
    if key not in FORMATS:
        issues.append(FieldIssue("creativeFormat", f"{fmt!r} is not supported (short_form_vertical, "
                                                   "instagram_meta_ads, or set only targetAspectRatio)"))
        return str(fmt), str(ratio or "9:16")
    if ratio is not None and ratio != FORMATS[key]:
        issues.append(FieldIssue("targetAspectRatio", f"{ratio} conflicts with creativeFormat {key} "
                                                      f"({FORMATS[key]})"))
    return key, FORMATS[key]


def _motion_control(raw: dict[str, Any]) -> list[FieldIssue]:
    found = [k for k in MOTION_CONTROL if k in raw]
    plan = raw.get("promptPlan") if isinstance(raw.get("promptPlan"), dict) else {}
    found += [f"promptPlan.{k}" for k in MOTION_CONTROL if k in plan]
    if isinstance(raw.get("camera"), (dict, list)):
        found.append("camera")
    return [FieldIssue(k, "structured motion control (trajectories, motion brushes, camera control) is not "
                          "supported; describe camera and motion in promptPlan.camera/motion, or use the "
                          "reference-motion route (model video-kling-v2-6-motion-control)") for k in found]


def _media_issues(route: str, raw: dict[str, Any], mode: str | None) -> list[FieldIssue]:
    present = {f for f in MEDIA_FIELDS if media_list(raw.get(f))}
    issues = [FieldIssue(f, "must be a path, an https URL, or {path|url}") for f in MEDIA_FIELDS
              if any("invalid" in m or not (m.get("path") or m.get("url")) for m in media_list(raw.get(f)))]
    issues += _media_values(raw)
    allowed: set[str] = set()
    needed: set[str] = set()
    if route == "seedance":
        allowed, needed = {"text": (set(), set()), "first_frame": ({"image"}, {"image"}),
                           "first_last_frame": ({"image", "lastImage"}, {"image", "lastImage"}),
                           "reference": ({"referenceImages", "referenceVideos", "referenceAudios"}, set()),
                           }.get(mode or "", (set(), set()))
        if mode == "reference":
            if not present & {"referenceImages", "referenceVideos"}:
                issues.append(FieldIssue("referenceImages", "reference mode needs at least one reference image or "
                                                            "video (reference audio cannot go alone)"))
            for field, cap in (("referenceVideos", 15.0), ("referenceAudios", 15.0)):
                total = sum(_seconds(m) for m in media_list(raw.get(field)))
                if total > cap:
                    issues.append(FieldIssue(field, f"total {total:g} s is over the {cap:g} s limit"))
    elif route == "motion-transfer":
        allowed = needed = {"image", "motionVideo"}
    elif route in ("talking-head", "animatic"):
        allowed = {"image", "audio"}
    for field in sorted(needed - present):
        issues.append(FieldIssue(field, f"is required for {route}" + (f" mode {mode}" if mode else "")))
    for field in sorted(present - allowed):
        what = f"mode {mode}" if route == "seedance" else f"route {route}"
        issues.append(FieldIssue(field, f"does not fit {what}" + (
            " (first/last-frame and reference media cannot be mixed)" if route == "seedance" else "")))
    return issues


def _seconds(item: dict[str, Any]) -> float:
    value = item.get("durationSeconds")
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _media_values(raw: dict[str, Any]) -> list[FieldIssue]:
    """Each media item's own fields: path/url strings, durationSeconds a non-negative number."""
    issues = []
    for field in MEDIA_FIELDS:
        for i, item in enumerate(media_list(raw.get(field))):
            where = f"{field}[{i}]" if isinstance(raw.get(field), list) else field
            for key in ("path", "url"):
                if key in item and not isinstance(item[key], str):
                    issues.append(FieldIssue(f"{where}.{key}", "must be a string"))
            seconds = item.get("durationSeconds")
            if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
                                        or not 0 <= seconds <= 3600):
                issues.append(FieldIssue(f"{where}.durationSeconds", "must be a number of seconds (0-3600)"))
    return issues


def normalize(raw: dict[str, Any], *, source: str | None = None) -> RenderRequest:
    if not isinstance(raw, dict):
        raise InvalidInputError("a render request must be a JSON object", file=source)
    model = video_model(raw.get("model"))
    issues: list[FieldIssue] = []
    job_id = raw.get("jobId")
    if not isinstance(job_id, str) or not job_id.strip():
        issues.append(FieldIssue("jobId", "is required"))
    elif sanitize_id(job_id) != job_id:
        issues.append(FieldIssue("jobId", "must be a slug of letters, digits, '-' or '_'"))
    if raw.get("assetPurpose") not in PURPOSES:
        issues.append(FieldIssue("assetPurpose", f"is required, one of {', '.join(PURPOSES)}"))
    basis = raw.get("sourceBasis")
    if not (isinstance(basis, str) and basis.strip()) and not (isinstance(basis, list) and basis):
        issues.append(FieldIssue("sourceBasis", "is required: what this render is grounded in (brief, benchmark, "
                                                "approved assets)"))
    if not isinstance(raw.get("localOutputDir"), str) or not raw["localOutputDir"].strip():
        issues.append(FieldIssue("localOutputDir", "is required: the explicit output folder, e.g. renders/<jobId>"))
    for key in LINEAGE:
        if raw.get(key) is not None and (not isinstance(raw[key], str) or sanitize_id(raw[key]) != raw[key]):
            issues.append(FieldIssue(key, "must be an id slug"))
    if "durationSeconds" in raw:
        issues.append(FieldIssue("durationSeconds", "is not a field; use duration (whole seconds)"))
    duration = raw.get("duration")
    if duration is not None and (not isinstance(duration, int) or isinstance(duration, bool)
                                 or (model.durations and duration not in model.durations)):
        allowed = f"{model.durations[0]}-{model.durations[-1]}" if model.durations else "a whole number"
        issues.append(FieldIssue("duration", f"{duration!r} is not allowed for {model.key} ({allowed})"))
    seed = raw.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        issues.append(FieldIssue("seed", "must be an integer"))
    issues += _motion_control(raw)
    fmt, ratio = _creative_format(raw, issues)
    mode = raw.get("mode")
    if model.route == "seedance" and mode not in SEEDANCE_MODES:
        issues.append(FieldIssue("mode", f"is required for Seedance: one of {', '.join(SEEDANCE_MODES)}"))
    if model.route == "motion-transfer" and raw.get("characterOrientation") not in ("image", "video"):
        issues.append(FieldIssue("characterOrientation", "is required for motion transfer: image or video"))
    if model.route in ("talking-head", "animatic"):
        for key in ("personaId", "imageAssetId", "voiceTakeId"):
            if not raw.get(key) and not (model.route == "animatic" and key == "personaId"):
                issues.append(FieldIssue(key, f"is required for {model.route} (an approved {key[:-2]})"))
        if not raw.get("scriptId") and not raw.get("conceptId"):
            issues.append(FieldIssue("scriptId", f"{model.route} needs a scriptId or conceptId"))
    issues += _media_issues(model.route, raw, mode if isinstance(mode, str) else None)
    counts = {kind: len(media_list(raw.get(field))) for kind, field in
              (("image", "referenceImages"), ("video", "referenceVideos"), ("audio", "referenceAudios"))}
    prompt = _prompt(raw, model, counts, issues)
    if issues:
        raise SchemaValidationError("render request", issues, file=source,
                                    hint="fix the listed fields; nothing was sent to any provider")
    try:
        tier, why = choose_tier(model, raw.get("resolution"), draft=bool(raw.get("draft")))
    except InvalidInputError as exc:
        raise InvalidInputError(exc.message, hint=exc.hint, file=source) from None
    data = {k: v for k, v in raw.items() if k not in ("prompt", "aspectRatio", "ratio")}
    data.update({"schemaVersion": 1, "route": model.route, "provider": model.vendor, "model": model.key,
                 "vendorModel": raw.get("vendorModel") or model.vendor_model(tier), "pathTaken": model.path_taken,
                 "providerLabel": model.label,
                 "creativeFormat": fmt, "targetAspectRatio": ratio, "resolution": tier, "resolutionSource": why,
                 "draft": bool(raw.get("draft")), "prompt": prompt, "feedback": raw.get("feedback") or []})
    if model.route == "seedance":
        data["duration"] = duration if duration is not None else 5
    parse_document(RenderRequestRecord, data, document="render request", file=source)  # the exported schema holds
    return RenderRequest(data, model, source)


def _prompt(raw: dict[str, Any], model: VideoModel, counts: dict[str, int], issues: list[FieldIssue]) -> str:
    plan, text = raw.get("promptPlan"), raw.get("prompt")
    if plan is not None:
        plan_issues = check_plan(plan, counts)
        issues += plan_issues
        if not plan_issues:
            return compile_plan(plan)
        return ""
    if isinstance(text, str) and text.strip():
        if model.route == "seedance" and raw.get("mode") == "reference" and "[" not in text:
            issues.append(FieldIssue("prompt", "reference mode must bind each reference in the prompt "
                                               "([image 1] <role>, ...) or use promptPlan.referenceMap"))
        return text.strip()
    if model.route == "seedance":
        issues.append(FieldIssue("prompt", "Seedance needs a prompt or a promptPlan"))
    if model.route == "talking-head":
        return DEFAULT_TALKING_HEAD_PROMPT
    return ""


def load_request(path: Path) -> dict[str, Any]:
    """A render request file: missing -> exit 3; malformed bytes/JSON or not one object -> exit 4."""
    data = read_json_file(path, document="render request", flag="--request")
    if not isinstance(data, dict):
        raise SchemaValidationError("render request", [FieldIssue("<root>", "must be one JSON object")],
                                    file=str(path))
    return data
