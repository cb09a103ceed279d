"""The normalized image request record: parse, refuse under-specified requests, fill the chosen settings.

The record is camelCase and is the stable local truth: vendor bodies are built from it, never the reverse.
Every refusal happens here, before any network call, and lists every missing field at once (exit 4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelforge.errors import FieldIssue, InvalidInputError, SchemaValidationError
from reelforge.models.common import parse_document
from reelforge.models.requests import ImageRequest as ImageRequestRecord
from reelforge.providers.image.catalog import DEFAULT_MODEL, ModelSpec, model_spec
from reelforge.workspace.documents import read_json_file, read_json_lines
from reelforge.workspace.paths import sanitize_id

PURPOSES = ("persona_candidate", "cover_frame", "shot_support", "edit_fix")
MODES = ("text-to-image", "edit")
_SNAKE = {"aspect_ratio": "aspectRatio", "enable_base64_output": "enableBase64Output",
          "enable_sync_mode": "enableSyncMode", "enable_web_search": "enableWebSearch",
          "output_format": "outputFormat", "negative_prompt": "negativePrompt", "max_images": "maxImages",
          "asset_id": "assetId", "run_id": "runId", "local_asset_dir": "localAssetDir",
          "source_basis": "sourceBasis", "asset_purpose": "assetPurpose"}
_LISTS = ("sourceBasis", "mustKeep", "canVary", "mustAvoid", "sourceImages")
_STRINGS = ("assetId", "runId", "jobId", "campaignId", "personaId", "conceptId", "assetPurpose", "prompt",
            "negativePrompt", "model", "mode", "aspectRatio", "creativeFormat", "resolution", "quality", "size",
            "outputFormat", "localAssetDir", "visualDirection", "provider")
_KNOWN = {*_LISTS, *_STRINGS, "maxImages", "seed", "draft", "variantTest", "schemaVersion", "feedback"}
_SIZE = re.compile(r"^(\d{3,5})\s*[x*X]\s*(\d{3,5})$")
_RATIO = re.compile(r"^[1-9][0-9]{0,2}:[1-9][0-9]{0,2}$")
_TIER = re.compile(r"^(0\.5|[1-4])\s*k$", re.IGNORECASE)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_FORMATS = {"vertical": "9:16", "short_form_vertical": "9:16", "portrait": "3:4", "square": "1:1",
            "landscape": "16:9", "feed_portrait": "4:5"}


@dataclass(frozen=True)
class ImageRequest:
    """One normalized request; ``data`` is the camelCase record as persisted in request.json."""

    data: dict[str, Any]
    spec: ModelSpec
    source: str | None = None  # the request file, for error messages
    issues: list[FieldIssue] = field(default_factory=list)

    def __getitem__(self, key: str) -> Any:
        return self.data.get(key)

    @property
    def asset_id(self) -> str:
        return str(self.data["assetId"])

    @property
    def run_id(self) -> str:
        return str(self.data["runId"])

    @property
    def images_out(self) -> int:
        return int(self.data.get("maxImages") or 1) if self.spec.sequential else 1


def load_request_file(path: Path) -> list[dict[str, Any]]:
    """A request file: one JSON object, an envelope ``{schemaVersion, input}``, or JSONL (one per line).

    Missing file: exit 3. Anything malformed (encoding, JSON, limits, not an object, empty JSONL): exit 4."""
    if path.suffix == ".jsonl":
        raw = read_json_lines(path, document="request batch", flag="--request")
    else:
        raw = [(0, read_json_file(path, document="request file", flag="--request"))]
    out: list[dict[str, Any]] = []
    issues: list[FieldIssue] = []
    for line, item in raw:
        if isinstance(item, dict) and "input" in item and isinstance(item["input"], dict):
            item = item["input"]
        if not isinstance(item, dict):
            issues.append(FieldIssue(f"line {line}" if line else "<root>", "each request must be a JSON object"))
            continue
        out.append(item)
    if issues:
        raise SchemaValidationError("request file", issues, file=str(path), hint="wrap each request's fields in {...}")
    return out


def normalize(raw: dict[str, Any], *, operation: str, source: str | None = None) -> ImageRequest:
    """Validate ``raw`` for ``operation`` (text | edit) and return the record with every default chosen."""
    issues: list[FieldIssue] = []
    for key, camel in _SNAKE.items():
        if key in raw:
            issues.append(FieldIssue(key, f"snake_case field; use {camel}"))
    for key in raw:
        if key not in _KNOWN and key not in _SNAKE:
            issues.append(FieldIssue(key, "unknown field"))
    data: dict[str, Any] = {}
    for key in _STRINGS:
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            issues.append(FieldIssue(key, "must be a string"))
            continue
        if value.strip():
            data[key] = value.strip()
    for key in _LISTS:
        value = raw.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            issues.append(FieldIssue(key, "must be a list of non-empty strings"))
            value = []
        data[key] = [v.strip() for v in value]
    for key in ("draft", "variantTest"):
        if key in raw and not isinstance(raw[key], bool):
            issues.append(FieldIssue(key, "must be true or false"))
        data[key] = bool(raw.get(key, False))
    for key, low, high in (("maxImages", 1, 15), ("seed", 0, 2**32 - 1)):
        value = raw.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            issues.append(FieldIssue(key, "must be an integer"))
        elif value is not None and not low <= value <= high:
            issues.append(FieldIssue(key, f"must be between {low} and {high}"))
        elif value is not None:
            data[key] = value

    _require_brief(data, issues, operation)
    spec = _model(data, issues, operation)
    if spec is not None:
        _settings(data, spec, issues)
    if issues:
        fields = ", ".join(sorted({i.path for i in issues}))
        raise SchemaValidationError("image request", issues, file=source,
                                    hint=f"fix {fields} in {source or 'the request'}; an image request must name "
                                         "its persona or visual direction, purpose, source basis and output dir")
    assert spec is not None
    data.setdefault("jobId", data["runId"])
    data["provider"] = spec.vendor
    data["schemaVersion"] = 1
    parse_document(ImageRequestRecord, data, document="image request", file=source)  # the exported schema holds
    return ImageRequest(data=data, spec=spec, source=source)


def _require_brief(data: dict[str, Any], issues: list[FieldIssue], operation: str) -> None:
    for key in ("assetId", "runId"):
        value = data.get(key)
        if not value:
            issues.append(FieldIssue(key, "is required"))
        elif not _ID.match(value) or sanitize_id(value) != value:
            issues.append(FieldIssue(key, "must be a slug of letters, digits, '-' or '_' (max 64)"))
    if not data.get("prompt"):
        issues.append(FieldIssue("prompt", "is required"))
    if not data.get("personaId") and not data.get("visualDirection"):
        issues.append(FieldIssue("personaId", "no locked persona or visual direction: set personaId "
                                              "(a benchmark-backed persona lock) or visualDirection"))
    purpose = data.get("assetPurpose")
    if not purpose:
        issues.append(FieldIssue("assetPurpose", f"no asset purpose: set one of {', '.join(PURPOSES)}"))
    elif purpose not in PURPOSES:
        issues.append(FieldIssue("assetPurpose", f"must be one of {', '.join(PURPOSES)}"))
    if not data.get("sourceBasis"):
        issues.append(FieldIssue("sourceBasis", "no source basis: list the research files the image rests on"))
    if not data.get("localAssetDir"):
        issues.append(FieldIssue("localAssetDir", "no local output path: set the asset folder, "
                                                  "e.g. assets/<assetId>"))
    if operation == "edit" and not data.get("sourceImages"):
        issues.append(FieldIssue("sourceImages", "an edit needs an approved source image (images/"
                                                 "approved/<file>); approve one with `reelforge asset approve`"))


def _model(data: dict[str, Any], issues: list[FieldIssue], operation: str) -> ModelSpec | None:
    key = data.get("model") or (DEFAULT_MODEL if operation == "text" else "image-nano-banana-2-edit")
    data["model"] = key
    try:
        spec = model_spec(key)
    except InvalidInputError as exc:
        issues.append(FieldIssue("model", exc.message.split(": ", 1)[-1]))
        return None
    if spec.operation != operation:
        verb = "generate" if spec.operation == "text" else "edit"
        issues.append(FieldIssue("model", f"{key} is a {spec.operation} endpoint; use `reelforge image {verb}` "
                                          f"or a {operation} key"))
    mode = "edit" if operation == "edit" else "text-to-image"
    if data.get("mode") and data["mode"] != mode:
        issues.append(FieldIssue("mode", f"must be {mode} for this command"))
    data["mode"] = mode
    return spec


def _settings(data: dict[str, Any], spec: ModelSpec, issues: list[FieldIssue]) -> None:
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


def _tier(value: str) -> str:
    match = _TIER.match(value.replace(" ", ""))
    return f"{match[1]}k" if match else value.lower()


_LONG_SIDE = {"0.5k": 768, "1k": 1536, "2k": 2048, "3k": 3072, "4k": 3840}


def pixel_size(ratio: str, tier: str, vendor: str) -> str:
    """WxH for an aspect ratio at a resolution tier: long side by tier, short side rounded to 16 px."""
    w, h = (int(x) for x in ratio.split(":"))
    long_side = _LONG_SIDE.get(tier, 2048)
    if vendor == "ark" and tier == "2k" and ratio == "9:16":
        return "1440x2560"  # the seed's documented Seedream default
    short = max(16, round(long_side * min(w, h) / max(w, h) / 16) * 16)
    return f"{short}x{long_side}" if h >= w else f"{long_side}x{short}"
