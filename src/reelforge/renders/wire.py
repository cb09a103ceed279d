"""Turn the checked inputs into the provider job: media go as https URLs, presigned uploads, or data URIs.

A local file with an uploaded copy (an ``uploads[]`` entry of its asset with the same sha256) is sent as
a freshly presigned URL; otherwise images and audio go inline as data URIs (fal and Ark accept them);
local videos must be uploaded first. The wire strings live in memory only; the record keeps a redacted
copy of the body (no signatures, no base64).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from reelforge.assets.store import AssetStore
from reelforge.compose.captions.fonts import default_font_path, load_font
from reelforge.errors import FieldIssue, SchemaValidationError
from reelforge.models.render_request import RenderRequest
from reelforge.providers.video.base import MediaRef, VideoJob, data_uri, redact_body
from reelforge.renders.gates import Input, asset_root
from reelforge.renders.jobs import JobPaths
from reelforge.workspace.paths import Workspace

INLINE_LIMIT = 20 * 1024 * 1024
INFINITETALK_FPS = 25


def _upload_entry(ws: Workspace, item: Input) -> dict[str, Any] | None:
    if item.asset_id is None:
        return None
    store = AssetStore(asset_root(ws, item.asset_id), item.asset_id)
    return next((e for e in store.read_index()["uploads"]
                 if e.get("sha256") == item.sha256 and e.get("storageReference")), None)


def _wire(ws: Workspace, item: Input, vendor: str, presign: Callable[[dict[str, Any]], str] | None,
          issues: list[FieldIssue]) -> str | None:
    if vendor == "local":
        return None
    if item.url:
        return item.url
    assert item.path is not None
    entry = _upload_entry(ws, item)
    if entry is not None:
        if presign is None:
            from reelforge.providers.upload.s3 import presign_reference

            presign = presign_reference
        return presign(entry)
    if item.kind in ("image", "audio") and item.path.stat().st_size <= INLINE_LIMIT:
        return data_uri(item.path, item.mime)
    issues.append(FieldIssue(item.field, f"{item.path.name} must be uploaded first (local {item.kind}s are sent as "
                                         "URLs): reelforge image upload --request upload.json, or give an https URL"))
    return None


def build_job(ws: Workspace, req: RenderRequest, inputs: list[Input], paths: JobPaths, *,
              presign: Callable[[dict[str, Any]], str] | None = None) -> tuple[VideoJob, dict[str, Any]]:
    data, vendor = req.data, req.video.vendor
    issues: list[FieldIssue] = []
    media = tuple(MediaRef(i.kind, i.role, i.path, _wire(ws, i, vendor, presign, issues), i.sha256, i.mime)  # type: ignore[arg-type]
                  for i in inputs)
    if issues:
        raise SchemaValidationError("render request media", issues, file=req.source,
                                    hint="upload the listed files; nothing was sent to any provider")
    audio = next((i for i in inputs if i.kind == "audio" and i.role == "audio"), None)
    num_frames = data.get("numFrames")
    if num_frames is None and req.route == "talking-head" and audio and audio.duration_s:
        num_frames = min(721, max(41, math.ceil(audio.duration_s * INFINITETALK_FPS) + 1))
    extra: dict[str, Any] = {}
    if req.route == "animatic":
        font = load_font(default_font_path())
        extra = {"output": paths.renders / ".animatic-render.mp4", "captions": data.get("captions"),
                 "captionText": data.get("captionText") or _take_text(ws, data.get("voiceTakeId")),
                 "work": paths.internal / "animatic", "fontPath": font.path, "fontFamily": font.family}
    job = VideoJob(route=req.route, key=req.video.key, vendor_model=data["vendorModel"], prompt=data["prompt"],
                   media=media, resolution=data["resolution"] if req.route in ("talking-head", "seedance",
                                                                               "animatic") else None,
                   ratio=data["targetAspectRatio"] if req.route in ("seedance", "animatic") else None,
                   duration=data.get("duration"), seed=data.get("seed"), generate_audio=data.get("generateAudio"),
                   return_last_frame=bool(data.get("returnLastFrame")),
                   character_orientation=data.get("characterOrientation"),
                   keep_original_sound=data.get("keepOriginalSound"), negative_prompt=data.get("negativePrompt"),
                   num_frames=num_frames, extra=extra)
    if vendor == "local":
        return job, {"renderer": "ffmpeg (imageio-ffmpeg)", "resolution": job.resolution, "ratio": job.ratio}
    provider_body = _body_for(vendor, job)
    return job, redact_body(provider_body)


def _take_text(ws: Workspace, take_id: str | None) -> str | None:
    """The words of the voice take (its asset.json ``text``), used as captions when none are given."""
    if not take_id:
        return None
    text = AssetStore(asset_root(ws, take_id), take_id).read_asset().get("text")
    return text if isinstance(text, str) else None


def _body_for(vendor: str, job: VideoJob) -> dict[str, Any]:
    if vendor == "ark":
        from reelforge.providers.video.ark_seedance import ark_body

        return ark_body(job)
    from reelforge.providers.video.fal_queue import fal_body

    return fal_body(job)
