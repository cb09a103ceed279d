"""Approval gates and media resolution, read from the asset store (never assumed), before any network.

* persona ``P`` is approved when ``assets/P/asset.json`` has status ``approved`` and its hero image is a file
  under ``images/approved/`` (persona candidates are image assets; approving one makes the persona).
* image asset ``I`` is approved when its ``heroImagePath`` is an approved file (``reelforge asset approve``).
* voice take ``V`` is approved when ``assets/V/index.json`` lists an ``audio/approved/`` entry of kind
  ``approved`` whose file exists (``reelforge asset approve V audio/candidates/<take>.wav``).

Every failing gate is listed in one error (exit 4) and nothing leaves the machine.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelforge.assets.store import AssetStore
from reelforge.errors import FieldIssue, SafetyError, SchemaValidationError
from reelforge.models.render_request import RenderRequest, media_list
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import Workspace, is_inside

_KIND = {"image": "image", "lastImage": "image", "referenceImages": "image", "referenceVideos": "video",
         "referenceAudios": "audio", "motionVideo": "video", "audio": "audio"}
_ROLE = {"image": "first_frame", "lastImage": "last_frame", "referenceImages": "reference_image",
         "referenceVideos": "reference_video", "referenceAudios": "reference_audio", "motionVideo": "motion"}


@dataclass(frozen=True)
class Input:
    """One medium the render uses: a local file (hashed) or a remote URL (redacted in records)."""

    field: str
    kind: str
    role: str
    path: Path | None = None
    url: str | None = None
    sha256: str | None = None
    asset_id: str | None = None
    approval: str | None = None  # approved (a file of the asset store) | external (a URL or a file outside it)
    duration_s: float | None = None

    @property
    def mime(self) -> str:
        name = self.path.name if self.path else (self.url or "").split("?", 1)[0]
        guessed = mimetypes.guess_type(name)[0]
        return guessed or {"image": "image/png", "video": "video/mp4", "audio": "audio/wav"}[self.kind]

    def record(self, root: Path) -> dict[str, Any]:
        from reelforge.providers.image.base import redact_url

        return {"field": self.field, "kind": self.kind, "role": self.role, "assetId": self.asset_id,
                "path": self.path.relative_to(root).as_posix() if self.path and is_inside(self.path, root) else None,
                "url": redact_url(self.url) if self.url else None, "sha256": self.sha256,
                "approval": self.approval}


def asset_root(ws: Workspace, asset_id: str) -> Path:
    return ws.root / "assets" / asset_id


def approved_hero(ws: Workspace, asset_id: str) -> Path | None:
    store = AssetStore(asset_root(ws, asset_id), asset_id)
    hero = store.read_asset().get("heroImagePath")
    if not hero or not str(hero).startswith("images/approved/"):
        return None
    path = store.root / hero
    return path if path.is_file() and hero in store.approved_images() else None


def persona_approved(ws: Workspace, persona_id: str) -> bool:
    asset = AssetStore(asset_root(ws, persona_id), persona_id).read_asset()
    return asset.get("status") == "approved" and approved_hero(ws, persona_id) is not None


def approved_voice_take(ws: Workspace, take_id: str, name: str | None = None) -> Path | None:
    store = AssetStore(asset_root(ws, take_id), take_id)
    entries = [e["path"] for e in store.read_index()["audio"] if e.get("kind") == "approved"
               and str(e["path"]).startswith("audio/approved/") and (store.root / e["path"]).is_file()]
    if name:
        entries = [p for p in entries if Path(p).name == Path(name).name]
    return store.root / entries[-1] if entries else None


def _audio_seconds(path: Path) -> float | None:
    try:
        import av

        with av.open(str(path)) as container:
            return float(container.duration) / 1_000_000 if container.duration else None
    except Exception:
        return None


def resolve_inputs(ws: Workspace, req: RenderRequest) -> list[Input]:
    """Check every gate of the route and return the inputs; raise one error listing every refusal."""
    data = req.data
    issues: list[FieldIssue] = []
    inputs: list[Input] = []
    if req.route in ("talking-head", "animatic"):
        persona = data.get("personaId")
        if persona and not persona_approved(ws, persona):
            issues.append(FieldIssue("personaId", f"persona {persona} is not approved in the asset store "
                                                  f"({asset_root(ws, persona)}/asset.json): approve a persona image "
                                                  f"with `reelforge asset approve {persona} <file>`"))
        image = approved_hero(ws, data["imageAssetId"])
        if image is None:
            issues.append(FieldIssue("imageAssetId", f"image asset {data['imageAssetId']} has no approved hero image "
                                                     f"({asset_root(ws, data['imageAssetId'])}/images/approved/)"))
        else:
            inputs.append(Input("image", "image", "subject", image, sha256=sha256_file(image),
                                asset_id=data["imageAssetId"], approval="approved"))
        take_name = media_list(data.get("audio"))[0].get("path") if data.get("audio") else None
        take = approved_voice_take(ws, data["voiceTakeId"], take_name)
        if take is None:
            issues.append(FieldIssue("voiceTakeId", f"voice take {data['voiceTakeId']} has no approved audio "
                                                    f"({asset_root(ws, data['voiceTakeId'])}/audio/approved/)"))
        else:
            inputs.append(Input("audio", "audio", "audio", take, sha256=sha256_file(take),
                                asset_id=data["voiceTakeId"], approval="approved", duration_s=_audio_seconds(take)))
    else:
        for field in ("image", "lastImage", "referenceImages", "referenceVideos", "referenceAudios", "motionVideo"):
            for i, item in enumerate(media_list(data.get(field))):
                where = field if not isinstance(data.get(field), list) else f"{field}[{i}]"
                role = "subject" if req.route == "motion-transfer" and field == "image" else _ROLE[field]
                if item.get("url"):
                    if not str(item["url"]).startswith("https://"):
                        issues.append(FieldIssue(where, "remote media must be an https URL"))
                    inputs.append(Input(field, _KIND[field], role, url=str(item["url"]), approval="external"))
                    continue
                path = Path(str(item["path"]))
                path = path if path.is_absolute() else ws.root / path
                if not is_inside(path, ws.root):  # symlinks resolved: leaving the workspace is a refusal
                    raise SafetyError(f"{where}: {item['path']} resolves outside the workspace {ws.root}",
                                      hint="copy the file into the workspace (e.g. assets/<id>/) and point at it "
                                           "there; nothing was sent to any provider", file=req.source)
                if not path.is_file():
                    issues.append(FieldIssue(where, f"{item['path']} is not a file inside the workspace"))
                    continue
                owner = _owning_asset(ws, path)
                if owner is not None and not _approved_file(ws, owner, path):
                    issues.append(FieldIssue(where, f"{item['path']} is a file of asset {owner} that is not approved: "
                                                    f"approve it first (reelforge asset approve {owner} "
                                                    f"{item['path']}), or point at its approved copy"))
                    continue
                # a file from outside the asset store is an explicit external ref, recorded with its sha256
                inputs.append(Input(field, _KIND[field], role, path.resolve(), sha256=sha256_file(path),
                                    asset_id=owner, approval="approved" if owner else "external"))
    if issues:
        raise SchemaValidationError("render request gates", issues, file=req.source,
                                    hint="approve or supply what is listed; nothing was sent to any provider")
    return inputs


def _approved_file(ws: Workspace, asset_id: str, path: Path) -> bool:
    """Grounding (the seed's Fact Rule): a medium from the store must be an approved file of its asset."""
    store = AssetStore(asset_root(ws, asset_id), asset_id)
    try:
        rel = store.rel(path)
    except ValueError:
        return False
    parts = rel.split("/")
    if len(parts) < 3 or parts[1] != "approved":
        return False
    return any(e.get("path") == rel and e.get("kind") == "approved"
               for media in ("images", "videos", "audio") for e in store.read_index()[media])


def _owning_asset(ws: Workspace, path: Path) -> str | None:
    assets = (ws.root / "assets").resolve()
    try:
        rel = path.resolve().relative_to(assets)
    except ValueError:
        return None
    return rel.parts[0] if rel.parts else None
