"""Upload runs: ``runs/upload/<run-id>/{request,response,manifest}.json`` plus an ``uploads[]`` index entry."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from reelforge.assets.store import AssetStore, now_iso, read_json
from reelforge.errors import FieldIssue, InvalidInputError, SchemaValidationError
from reelforge.providers.upload.s3 import upload_file
from reelforge.workspace.atomic import write_json_atomic
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import Workspace, ensure_inside, sanitize_id


def upload(raw: dict[str, Any], workspace: Workspace, *, source: str | None = None) -> dict[str, Any]:
    issues = [FieldIssue(k, "is required") for k in ("assetId", "runId", "localAssetDir", "localFilePath")
              if not isinstance(raw.get(k), str) or not raw[k].strip()]
    if issues:
        raise SchemaValidationError("upload request", issues, file=source)
    asset_id, run_id = raw["assetId"], raw["runId"]
    if sanitize_id(asset_id) != asset_id or sanitize_id(run_id) != run_id:
        raise InvalidInputError("assetId and runId must be slugs of letters, digits, '-' or '_'", file=source)
    root = Path(raw["localAssetDir"])
    root = ensure_inside(root if root.is_absolute() else workspace.root / root, workspace.root,
                         what="localAssetDir", flag="a localAssetDir inside the workspace")
    store = AssetStore(root, asset_id)
    file = Path(raw["localFilePath"])
    candidates = [file] if file.is_absolute() else [root / file, workspace.root / file]
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        raise InvalidInputError(f"localFilePath {file} does not exist", hint="point it at a file of the asset",
                                file=source)
    path = ensure_inside(path, workspace.root, what="localFilePath", flag="a file inside the workspace")
    run_dir = store.run_dir("upload", run_id)
    digest = sha256_file(path)
    previous = read_json(run_dir / "manifest.json", None)
    if previous and previous.get("sha256") == digest:
        return {**previous, "alreadyUploaded": True}
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    write_json_atomic(run_dir / "request.json", raw)
    key = f"reelforge/{asset_id}/{digest[:16]}-{path.name}"
    answer = upload_file(path, key=key, mime=mime)
    write_json_atomic(run_dir / "response.json", answer)
    rel = store.rel(path) if path.resolve().is_relative_to(root.resolve()) else str(path)
    entry = {"path": rel, "kind": "uploaded_source", "uploadedUrl": answer["uploadedUrl"],
             "storageReference": answer["storageReference"], "sha256": digest, "originRunId": run_id}
    manifest = {"schemaVersion": 1, "mediaType": "upload", "assetId": asset_id, "runId": run_id, "provider": "s3",
                "localAssetDir": str(root), "requestPath": str(run_dir / "request.json"),
                "responsePath": str(run_dir / "response.json"), "sourceLocalFilePath": str(path),
                "sourceAssetRelativePath": rel, "sha256": digest, "mimeType": mime,
                "uploadedUrl": answer["uploadedUrl"], "storageReference": answer["storageReference"],
                "indexEntry": entry, "createdAt": now_iso()}
    write_json_atomic(run_dir / "manifest.json", manifest)
    store.record_upload(entry)
    store.upsert_asset({"lastUploadRunId": run_id})
    return manifest
