"""The render request: one pydantic model for what a user writes and what request.json keeps (normalized).

`reelforge render submit --request FILE`. ``RenderRequest.settle`` checks the shape (types, slugs, purposes,
media items) with pydantic, then the rules of the model's route (Seedance modes and media, talking-head
lineage, motion transfer, prompt or promptPlan), listing every field with its fix (exit 4), and fills the
defaults (tier, creative format, compiled prompt). The video catalog is handed in by the runner (models
import no provider). The approval gates that read the asset store are ``renders/gates.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from reelforge.errors import FieldIssue, InvalidInputError, SchemaValidationError
from reelforge.models.common import Contract, SettledRequest
from reelforge.models.prompt_plan import check_plan, compile_plan
from reelforge.models.request_issues import issues_of

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
FIXES = {
    "jobId": "name the job with a slug, e.g. th-001",
    "assetPurpose": f"one of {', '.join(PURPOSES)}",
    "sourceBasis": "what this render is grounded in (brief, benchmark, approved assets)",
    "localOutputDir": "the explicit output folder, e.g. renders/<jobId>",
    "model": "a video catalog key (reelforge list-providers)",
}
SLUG = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"


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


class MediaRef(Contract):
    """A media input: a path inside an asset (must be approved) or an external URL, with its sha256."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    path: str | None = None
    url: str | None = None
    duration_seconds: float | None = Field(default=None, alias="durationSeconds", ge=0, le=3600)

    @field_validator("duration_seconds", mode="before")
    @classmethod
    def _a_number(cls, value: Any) -> Any:
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ValueError("must be a number of seconds (0-3600)")
        return value

    @model_validator(mode="after")
    def _path_or_url(self) -> MediaRef:
        if not (self.path or self.url):
            raise ValueError("must be a path, an https URL, or {path|url}")
        return self


def _media(value: Any) -> Any:
    """A path or URL string is a one-item list of {path} or {url}; anything else is checked as written."""
    return None if value is None else media_list(value)


MediaField = Annotated[list[MediaRef] | None, BeforeValidator(_media)]
Id = Annotated[str, StringConstraints(pattern=SLUG)]


class RenderRequest(SettledRequest):
    """One render job: `reelforge render submit --request FILE`. Keys not listed here are kept as written
    (e.g. captionText); structured motion control (trajectories, motion brushes) is refused."""

    model_config = ConfigDict(extra="allow", populate_by_name=False)

    schema_version: int | str | None = Field(default=None, alias="schemaVersion")
    job_id: Id = Field(alias="jobId")
    model: str = Field(min_length=1, description="a video catalog key (reelforge list-providers)")
    asset_purpose: Literal["talking_head", "singing_avatar", "first_pass_render", "render_fix", "ugc_variation",
                           "reference_motion_transfer", "animatic_preview"] = Field(alias="assetPurpose")
    campaign_id: Id | None = Field(default=None, alias="campaignId")
    persona_id: Id | None = Field(default=None, alias="personaId")
    concept_id: Id | None = Field(default=None, alias="conceptId")
    script_id: Id | None = Field(default=None, alias="scriptId")
    voice_take_id: Id | None = Field(default=None, alias="voiceTakeId")
    image_asset_id: Id | None = Field(default=None, alias="imageAssetId")
    source_basis: str | list[Any] = Field(alias="sourceBasis",
                                          description="what the render is grounded in (brief, benchmark, assets)")
    upstream_refs: dict[str, str] | None = Field(default=None, alias="upstreamRefs")
    local_output_dir: Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)] = Field(
        alias="localOutputDir", description="e.g. renders/<jobId>")
    prompt: str | None = None
    prompt_plan: dict[str, Any] | None = Field(default=None, alias="promptPlan")
    mode: Literal["text", "first_frame", "first_last_frame", "reference"] | None = Field(
        default=None, description="Seedance only")
    creative_format: str | None = Field(default=None, alias="creativeFormat")
    target_aspect_ratio: str | None = Field(default=None, alias="targetAspectRatio")
    resolution: str | None = None
    duration: StrictInt | None = Field(default=None, gt=0, description="whole seconds (Seedance: 4-15)")
    character_orientation: Literal["image", "video"] | None = Field(default=None, alias="characterOrientation",
                                                                    description="motion transfer only")
    seed: StrictInt | None = None
    draft: StrictBool = False
    image: MediaField = None
    last_image: MediaField = Field(default=None, alias="lastImage")
    reference_images: MediaField = Field(default=None, alias="referenceImages")
    reference_videos: MediaField = Field(default=None, alias="referenceVideos")
    reference_audios: MediaField = Field(default=None, alias="referenceAudios")
    motion_video: MediaField = Field(default=None, alias="motionVideo")
    audio: MediaField = None
    inputs: list[dict[str, Any]] = Field(default_factory=list,
                                         description="written by reelforge: each grounded input with its sha256")
    feedback: list[Any] = Field(default_factory=list)

    _video: Any = PrivateAttr(default=None)

    @field_validator("source_basis", mode="before")
    @classmethod
    def _grounded(cls, value: Any) -> Any:
        if not ((isinstance(value, str) and value.strip()) or (isinstance(value, list) and value)):
            raise ValueError(f"is required: {FIXES['sourceBasis']}")
        return value

    @field_validator("model")
    @classmethod
    def _known_model(cls, value: str, info: ValidationInfo) -> str:
        lookup = (info.context or {}).get("lookup")
        if lookup is not None:
            try:
                lookup(value)
            except InvalidInputError as exc:
                raise ValueError(exc.message.split(": ", 1)[-1] + f" ({exc.hint})") from None
        return value

    # ---- the settled request, as the runner uses it (data, source: SettledRequest)
    @property
    def video(self) -> Any:
        """The catalog entry of ``model`` (route, vendor, tiers, prices)."""
        return self._video

    @property
    def route(self) -> str:
        return str(self._video.route)

    @classmethod
    def settle(cls, raw: Any, *, lookup: Callable[[str], Any], source: str | None = None) -> RenderRequest:
        if not isinstance(raw, dict):
            raise InvalidInputError("a render request must be a JSON object", file=source)
        try:
            req = cls.model_validate(raw, context={"lookup": lookup})
        except ValidationError as exc:
            raise SchemaValidationError("render request", _as_written(issues_of(exc, FIXES), raw), file=source,
                                        hint="fix the listed fields; nothing was sent to any provider") from None
        req._source, req._video = source, lookup(req.model)
        issues = _rules(raw, req._video)
        prompt = _prompt(raw, req._video, issues)
        if issues:
            raise SchemaValidationError("render request", issues, file=source,
                                        hint="fix the listed fields; nothing was sent to any provider")
        req._data = _normalized(raw, req._video, prompt, source)
        return req


def _as_written(issues: list[FieldIssue], raw: dict[str, Any]) -> list[FieldIssue]:
    """A media field written as one item (not a list) is named without an index: ``motionVideo.durationSeconds``."""
    out = []
    for issue in issues:
        path = issue.path
        for field in MEDIA_FIELDS:
            if path.startswith(f"{field}[0]") and not isinstance(raw.get(field), list):
                path = field + path[len(field) + 3:]
        out.append(FieldIssue(path, issue.message))
    return out


def _rules(raw: dict[str, Any], model: Any) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    if "durationSeconds" in raw:
        issues.append(FieldIssue("durationSeconds", "is not a field; use duration (whole seconds)"))
    duration = raw.get("duration")
    if duration is not None and model.durations and duration not in model.durations:
        issues.append(FieldIssue("duration", f"{duration!r} is not allowed for {model.key} "
                                             f"({model.durations[0]}-{model.durations[-1]})"))
    issues += _motion_control(raw)
    _creative_format(raw, issues)
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
    return issues


def _normalized(raw: dict[str, Any], model: Any, prompt: str, source: str | None) -> dict[str, Any]:
    fmt, ratio = _creative_format(raw, [])
    tier, why = _tier(model, raw.get("resolution"), draft=bool(raw.get("draft")), source=source)
    data = {k: v for k, v in raw.items() if k not in ("prompt", "aspectRatio", "ratio")}
    data.update({"schemaVersion": 1, "route": model.route, "provider": model.vendor, "model": model.key,
                 "vendorModel": raw.get("vendorModel") or model.vendor_model(tier), "pathTaken": model.path_taken,
                 "providerLabel": model.label,
                 "creativeFormat": fmt, "targetAspectRatio": ratio, "resolution": tier, "resolutionSource": why,
                 "draft": bool(raw.get("draft")), "prompt": prompt, "feedback": raw.get("feedback") or []})
    if model.route == "seedance":
        data["duration"] = raw.get("duration") if raw.get("duration") is not None else 5
    return data


def _tier(model: Any, requested: object, *, draft: bool, source: str | None) -> tuple[str, str]:
    """(tier, why): the request's own tier, the draft tier (the last), or the best tier (the first)."""
    if requested is not None:
        if requested not in model.tiers:
            raise InvalidInputError(f"resolution: {requested!r} is not a tier of {model.key}", file=source,
                                    hint=f"use one of {', '.join(model.tiers)} (or omit it for the best tier)")
        return str(requested), "request"
    if draft:
        return model.tiers[-1], "draft"
    return model.tiers[0], "default-highest"


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
    issues: list[FieldIssue] = []
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
                total = sum(float(m.get("durationSeconds") or 0) for m in media_list(raw.get(field)))
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


def _prompt(raw: dict[str, Any], model: Any, issues: list[FieldIssue]) -> str:
    plan, text = raw.get("promptPlan"), raw.get("prompt")
    counts = {kind: len(media_list(raw.get(field))) for kind, field in
              (("image", "referenceImages"), ("video", "referenceVideos"), ("audio", "referenceAudios"))}
    if plan is not None:
        plan_issues = check_plan(plan, counts)
        issues += plan_issues
        return "" if plan_issues else compile_plan(plan)
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
