"""The image request: one pydantic model for what a user writes and what request.json keeps (normalized).

`reelforge image generate|edit --request FILE` (one object, ``{schemaVersion, input}``, or JSONL). Keys are
camelCase; a snake_case spelling is refused naming the camelCase key. ``ImageRequest.settle`` validates a
request for one operation against the image catalog (handed in by the runner: models import no provider),
refuses an under-specified request listing every field with its fix (exit 4), and fills every default,
recording the choice in ``chosenSettings``. Nothing touches the network before it returns.
"""

from __future__ import annotations

import re
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
)

from reelforge.errors import FieldIssue, InvalidInputError, SchemaValidationError
from reelforge.models.common import SettledRequest
from reelforge.models.request_issues import issues_of

PURPOSES = ("persona_candidate", "cover_frame", "shot_support", "edit_fix")
DEFAULT_EDIT_MODEL = "image-nano-banana-2-edit"
SLUG = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
SNAKE = {"aspect_ratio": "aspectRatio", "enable_base64_output": "enableBase64Output",
         "enable_sync_mode": "enableSyncMode", "enable_web_search": "enableWebSearch",
         "output_format": "outputFormat", "negative_prompt": "negativePrompt", "max_images": "maxImages",
         "asset_id": "assetId", "run_id": "runId", "local_asset_dir": "localAssetDir",
         "source_basis": "sourceBasis", "asset_purpose": "assetPurpose"}
FIXES = {
    "personaId": "no locked persona or visual direction: set personaId (a benchmark-backed persona lock) or "
                 "visualDirection",
    "assetPurpose": f"no asset purpose: set one of {', '.join(PURPOSES)}",
    "sourceBasis": "no source basis: list the research files the image rests on",
    "localAssetDir": "no local output path: set the asset folder, e.g. assets/<assetId>",
    "sourceImages": "an edit needs an approved source image (images/approved/<file>); approve one with "
                    "`reelforge asset approve`",
}
_SIZE = re.compile(r"^(\d{3,5})\s*[x*X]\s*(\d{3,5})$")
_RATIO = re.compile(r"^[1-9][0-9]{0,2}:[1-9][0-9]{0,2}$")
_TIER = re.compile(r"^(0\.5|[1-4])\s*k$", re.IGNORECASE)
_FORMATS = {"vertical": "9:16", "short_form_vertical": "9:16", "portrait": "3:4", "square": "1:1",
            "landscape": "16:9", "feed_portrait": "4:5"}
_LONG_SIDE = {"0.5k": 768, "1k": 1536, "2k": 2048, "3k": 3072, "4k": 3840}


def _text(value: Any) -> Any:
    """A string stripped; a blank one is as good as absent (the field's default applies)."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def _texts(value: Any) -> Any:
    """One string is a list of one; every item stripped."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    return [v.strip() if isinstance(v, str) else v for v in value] if isinstance(value, list) else value


Text = Annotated[str | None, BeforeValidator(_text)]
Slug = Annotated[str, BeforeValidator(_text), StringConstraints(pattern=SLUG)]
Texts = Annotated[list[Annotated[str, Field(min_length=1)]], BeforeValidator(_texts)]


class ImageRequest(SettledRequest):
    """One image job: `reelforge image generate|edit --request FILE` (one object, ``{schemaVersion, input}``, or
    JSONL). Keys are camelCase; a snake_case spelling is refused naming the camelCase key."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False)  # aspect_ratio is refused, naming aspectRatio

    schema_version: int | str | None = Field(default=None, alias="schemaVersion")
    asset_id: Slug = Field(alias="assetId", description="the asset folder: assets/<assetId>/")
    run_id: Slug = Field(alias="runId")
    job_id: Text = Field(default=None, alias="jobId", description="defaults to runId")
    campaign_id: Text = Field(default=None, alias="campaignId")
    persona_id: Text = Field(default=None, alias="personaId",
                             description="a locked persona; required unless visualDirection is set")
    concept_id: Text = Field(default=None, alias="conceptId")
    asset_purpose: Annotated[Literal["persona_candidate", "cover_frame", "shot_support", "edit_fix"],
                             BeforeValidator(_text)] = Field(alias="assetPurpose", description="why the image exists")
    source_basis: Texts = Field(alias="sourceBasis", description="research files the image rests on")
    must_keep: Texts = Field(default_factory=list, alias="mustKeep")
    can_vary: Texts = Field(default_factory=list, alias="canVary")
    must_avoid: Texts = Field(default_factory=list, alias="mustAvoid")
    source_images: Texts = Field(default_factory=list, alias="sourceImages",
                                 description="edit only: approved images of the asset")
    prompt: Annotated[str, BeforeValidator(_text), StringConstraints(min_length=1)]
    negative_prompt: Text = Field(default=None, alias="negativePrompt")
    model: Text = Field(default=None, validate_default=True,
                        description="a catalog key (reelforge list-providers); default by mode")
    mode: Annotated[Literal["text-to-image", "edit"] | None, BeforeValidator(_text)] = Field(
        default=None, validate_default=True)
    provider: Text = Field(default=None, description="filled from the model")
    aspect_ratio: Text = Field(default=None, alias="aspectRatio")
    creative_format: Text = Field(default=None, alias="creativeFormat")
    resolution: Text = None
    quality: Text = None
    size: Text = None
    output_format: Text = Field(default=None, alias="outputFormat")
    max_images: StrictInt | None = Field(default=None, alias="maxImages", ge=1, le=15)
    seed: StrictInt | None = Field(default=None, ge=0, le=2**32 - 1)
    draft: StrictBool = False
    variant_test: StrictBool = Field(default=False, alias="variantTest")
    local_asset_dir: Annotated[str, BeforeValidator(_text), StringConstraints(min_length=1)] = Field(
        alias="localAssetDir")
    visual_direction: Text = Field(default=None, alias="visualDirection")
    feedback: list[Any] = Field(default_factory=list)
    chosen_settings: dict[str, Any] | None = Field(default=None, alias="chosenSettings",
                                                   description="written by reelforge: the settings it chose")

    _spec: Any = PrivateAttr(default=None)

    @field_validator("model")
    @classmethod
    def _known_model(cls, value: str | None, info: ValidationInfo) -> str | None:
        ctx = info.context or {}
        if "lookup" not in ctx:  # read as a record (schema checks, old files): any key
            return value
        operation = ctx["operation"]
        key = value or (ctx["default_model"] if operation == "text" else DEFAULT_EDIT_MODEL)
        try:
            spec = ctx["lookup"](key)
        except InvalidInputError as exc:
            raise ValueError(exc.message.split(": ", 1)[-1]) from None
        if spec.operation != operation:
            verb = "generate" if spec.operation == "text" else "edit"
            raise ValueError(f"{key} is a {spec.operation} endpoint; use `reelforge image {verb}` or a {operation} key")
        return key

    @field_validator("mode")
    @classmethod
    def _mode_of_command(cls, value: str | None, info: ValidationInfo) -> str | None:
        operation = (info.context or {}).get("operation")
        if operation is None:
            return value
        mode = "edit" if operation == "edit" else "text-to-image"
        if value is not None and value != mode:
            raise ValueError(f"must be {mode} for this command")
        return mode

    # ---- the settled request, as the runner uses it (data, source: SettledRequest)
    @property
    def spec(self) -> Any:
        return self._spec

    @property
    def images_out(self) -> int:
        return int(self._data.get("maxImages") or 1) if self._spec.sequential else 1

    def __getitem__(self, key: str) -> Any:
        return self._data.get(key)

    @classmethod
    def settle(cls, raw: Any, *, operation: str, lookup: Callable[[str], Any], default_model: str,
               source: str | None = None) -> ImageRequest:
        """Validate ``raw`` for ``operation`` (text | edit) and fill every default; exit 4 listing each field."""
        hint = (f"fix {{fields}} in {source or 'the request'}; an image request must name its persona or visual "
                "direction, purpose, source basis and output dir")
        if not isinstance(raw, dict):
            raise SchemaValidationError("image request", [FieldIssue("<root>", "must be one JSON object")],
                                        file=source)
        try:
            req = cls.model_validate(raw, context={"operation": operation, "lookup": lookup,
                                                   "default_model": default_model})
        except ValidationError as exc:
            issues = [FieldIssue(i.path, f"snake_case field; use {SNAKE[i.path]}") if i.path in SNAKE else i
                      for i in issues_of(exc, FIXES)]
            raise SchemaValidationError("image request", issues, file=source, hint=hint.format(
                fields=", ".join(sorted({i.path for i in issues})))) from None
        req._source = source
        req._spec = lookup(str(req.model))
        issues = req._rules(operation)
        if issues:
            raise SchemaValidationError("image request", issues, file=source, hint=hint.format(
                fields=", ".join(sorted({i.path for i in issues}))))
        return req

    def _rules(self, operation: str) -> list[FieldIssue]:
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"chosen_settings", "provider"})
        data.pop("feedback", None)
        issues: list[FieldIssue] = []
        if not self.persona_id and not self.visual_direction:
            issues.append(FieldIssue("personaId", FIXES["personaId"]))
        if operation == "edit" and not self.source_images:
            issues.append(FieldIssue("sourceImages", FIXES["sourceImages"]))
        issues += _settings(data, self._spec)
        data.setdefault("jobId", data["runId"])
        data["provider"] = self._spec.vendor
        data["schemaVersion"] = 1
        self._data = data
        return issues


def _settings(data: dict[str, Any], spec: Any) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    draft = data["draft"]
    fmt = data.get("creativeFormat", "short_form_vertical")
    data["creativeFormat"] = fmt
    ratio = data.get("aspectRatio") or _FORMATS.get(fmt, "9:16")
    ratio_ok = ratio in spec.aspect_ratios and _RATIO.match(ratio) is not None
    if not ratio_ok:
        issues.append(FieldIssue("aspectRatio", f"{spec.key} accepts {', '.join(spec.aspect_ratios)}"))
    data["aspectRatio"] = ratio
    chosen: dict[str, str] = {}
    if spec.fixed_resolution:
        if data.get("resolution") and _tier(data["resolution"]) != spec.fixed_resolution:
            issues.append(FieldIssue("resolution", f"{spec.key} is billed at {spec.fixed_resolution}; pick the "
                                                   "endpoint key with the tier you want"))
        data["resolution"] = spec.fixed_resolution
        chosen["resolution"] = "endpoint-key"
    elif data.get("resolution"):
        data["resolution"] = _tier(data["resolution"])
        chosen["resolution"] = "request"
    else:
        data["resolution"] = spec.draft_resolution if draft else spec.best_resolution
        chosen["resolution"] = "draft" if draft else "highest-practical"
    if spec.best_quality is not None:
        if data.get("quality"):
            data["quality"] = data["quality"].lower()
            if data["quality"] not in ("low", "medium", "high"):
                issues.append(FieldIssue("quality", "must be low, medium or high"))
            chosen["quality"] = "request"
        else:
            data["quality"] = spec.draft_quality if draft else spec.best_quality
            chosen["quality"] = "draft" if draft else "highest-practical"
    elif data.get("quality"):
        issues.append(FieldIssue("quality", f"{spec.key} has no quality tiers; use resolution"))
    if data.get("size"):
        match = _SIZE.match(data["size"])
        if not match:
            issues.append(FieldIssue("size", "must be WIDTHxHEIGHT, e.g. 1440x2560"))
        else:
            data["size"] = f"{match[1]}x{match[2]}"
    elif ratio_ok:
        data["size"] = pixel_size(ratio, data["resolution"], spec.vendor)
    fmt_out = (data.get("outputFormat") or "png").lower().replace("jpg", "jpeg")
    if fmt_out not in ("png", "jpeg", "webp"):
        issues.append(FieldIssue("outputFormat", "must be png, jpeg or webp"))
    data["outputFormat"] = fmt_out
    if spec.sequential:
        data["maxImages"] = data.get("maxImages", 4)  # an explicit 0 was refused above, never replaced
    elif data.get("maxImages") not in (None, 1):
        issues.append(FieldIssue("maxImages", f"only sequential keys make sets; {spec.key} makes one image"))
    data["chosenSettings"] = {"draft": draft, "quality": data.get("quality"), "resolution": data["resolution"],
                              "size": data.get("size"), "source": chosen}
    return issues


def _tier(value: str) -> str:
    match = _TIER.match(value.replace(" ", ""))
    return f"{match[1]}k" if match else value.lower()


def pixel_size(ratio: str, tier: str, vendor: str) -> str:
    """WxH for an aspect ratio at a resolution tier: long side by tier, short side rounded to 16 px."""
    w, h = (int(x) for x in ratio.split(":"))
    long_side = _LONG_SIDE.get(tier, 2048)
    if vendor == "ark" and tier == "2k" and ratio == "9:16":
        return "1440x2560"  # the seed's documented Seedream default
    short = max(16, round(long_side * min(w, h) / max(w, h) / 16) * 16)
    return f"{short}x{long_side}" if h >= w else f"{long_side}x{short}"
