"""The asset verbs of the CLI as library calls: add, list, show, approve, reject, rebuild the index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reelforge.assets.store import MEDIA, AssetStore, read_json
from reelforge.errors import InvalidInputError, NotFoundError
from reelforge.workspace.contain import confine
from reelforge.workspace.paths import Workspace, ensure_inside, sanitize_id


def _ws(workspace: Workspace | Path | None) -> Workspace:
    return workspace if isinstance(workspace, Workspace) else Workspace.at(workspace)


def asset_store(asset_id: str, *, workspace: Workspace | Path | None = None, asset_dir: Path | None = None,
                create: bool = False) -> AssetStore:
    ws = _ws(workspace)
    if sanitize_id(asset_id) != asset_id:
        raise InvalidInputError(f"asset id {asset_id!r} must be a slug of letters, digits, '-' or '_'",
                                hint=f"use e.g. {sanitize_id(asset_id) or 'take-1'}")
    root = asset_dir if asset_dir is not None else ws.root / "assets" / asset_id
    root = ensure_inside(root if root.is_absolute() else ws.root / root, ws.root, what="asset folder",
                         flag="an asset folder inside the workspace")
    if not create and not (root / "asset.json").is_file():
        raise NotFoundError(f"no asset {asset_id} at {root}",
                            hint=f"add a file to it first: reelforge asset add {asset_id} --kind image|audio|video "
                                 "FILE --purpose ... --source-basis ...", file=str(root))
    return AssetStore(root, asset_id)


def add(asset_id: str, file: Path, *, kind: str, purpose: str, source_basis: list[str],
        workspace: Workspace | Path | None = None, note: str | None = None) -> dict[str, Any]:
    """Bring a file you have (a still, a voice take wav, a clip) into the store as a candidate of the asset."""
    if not purpose.strip():
        raise InvalidInputError("--purpose is required (what the asset is for, e.g. voice_take)",
                                hint="pass --purpose talking_head_voice (or persona_candidate, cover_frame, ...)")
    if not [b for b in source_basis if b.strip()]:
        raise InvalidInputError("--source-basis is required (where the asset comes from)",
                                hint="pass --source-basis videos/<run>/manifest.json (or a research note path)")
    store = asset_store(asset_id, workspace=workspace, create=True)
    with confine(_ws(workspace).root):  # every write below is checked inside the workspace
        return store.add_file(file, kind, purpose=purpose, source_basis=source_basis, note=note)


def list_assets(*, workspace: Workspace | Path | None = None) -> list[dict[str, Any]]:
    rows = []
    for asset_json in sorted((_ws(workspace).root / "assets").glob("*/asset.json")):
        asset = read_json(asset_json, {}) or {}
        store = AssetStore(asset_json.parent, asset_json.parent.name)
        index = store.read_index()
        counts = {key: {k: sum(1 for e in index[key] if e.get("kind") == k)
                        for k in ("candidate", "approved", "rejected")} for key in MEDIA.values()}
        rows.append({"assetId": store.asset_id, "status": asset.get("status"), "purpose": asset.get("assetPurpose"),
                     "hero": asset.get("heroImagePath"), "files": counts})
    return rows


def show(asset_id: str, *, workspace: Workspace | Path | None = None,
         asset_dir: Path | None = None) -> dict[str, Any]:
    store = asset_store(asset_id, workspace=workspace, asset_dir=asset_dir)
    return {"asset": store.read_asset(), "index": store.read_index()}


def review(asset_id: str, file: str, decision: str, *, workspace: Workspace | Path | None = None,
           asset_dir: Path | None = None, note: str | None = None) -> dict[str, Any]:
    store = asset_store(asset_id, workspace=workspace, asset_dir=asset_dir)
    with confine(_ws(workspace).root):
        return store.review(file, decision, note=note)
