"""The unified asset store: one folder per durable creative asset, shared by image, video and audio runs.

    <asset root>/asset.json                          identity card: lineage, status, heroImagePath (approved only)
    <asset root>/index.json                          browse layer, derived from run manifests (rebuildable)
    <asset root>/{images,videos,audio}/{candidates,approved,rejected}/
    <asset root>/runs/<type>/<run-id>/{request,response,manifest}.json + attempts/

Every write is atomic; every read-modify-write of asset.json or index.json holds the asset's file lock,
so concurrent writers (threads or processes) never lose each other's entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reelforge.assets.lock import locked
from reelforge.errors import InvalidInputError, NotFoundError, SchemaValidationError
from reelforge.models.json_input import decode_json
from reelforge.workspace import contain
from reelforge.workspace.atomic import write_json_atomic

MEDIA = {"image": "images", "video": "videos", "audio": "audio"}
STATES = ("candidates", "approved", "rejected")
LINEAGE = ("campaignId", "personaId", "conceptId", "scriptId", "voiceTakeId", "imageAssetId", "assetPurpose",
           "creativeFormat", "targetAspectRatio", "sourceBasis", "customerId")
_KIND = {"candidates": "candidate", "approved": "approved", "rejected": "rejected"}


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def read_json(path: Path, default: Any = None) -> Any:
    """A record of the store; a damaged one (bad bytes, bad JSON, over the limits) is exit 4 naming it."""
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return default
    try:
        return decode_json(raw, document=path.name, file=str(path))
    except SchemaValidationError as exc:
        raise InvalidInputError(f"{path} is damaged: {exc.issues[0].message}",
                                hint="restore it from the run manifests (`reelforge asset rebuild-index`)",
                                file=str(path)) from None


class AssetStore:
    """The folder of one asset. Cheap to construct; nothing is written until a method is called."""

    def __init__(self, root: Path, asset_id: str) -> None:
        self.root = root
        self.asset_id = asset_id

    # ---- paths
    @property
    def asset_json(self) -> Path:
        return self.root / "asset.json"

    @property
    def index_json(self) -> Path:
        return self.root / "index.json"

    @property
    def lock_path(self) -> Path:
        return self.root / ".asset.lock"

    def media_dir(self, media: str, state: str) -> Path:
        return self.root / MEDIA[media] / state

    def run_dir(self, run_type: str, run_id: str) -> Path:
        return self.root / "runs" / run_type / run_id

    def rel(self, path: Path) -> str:
        real = contain.inside(path, self.root, what=f"file of asset {self.asset_id}")
        return real.relative_to(contain.inside(self.root, self.root)).as_posix()

    def ensure_layout(self, media: str = "image") -> None:
        """Create the media folders; each one (and runs/) must really be inside the asset folder."""
        for state in STATES:
            contain.mkdir(self.media_dir(media, state), what=f"{MEDIA[media]}/{state} folder")
            contain.inside(self.media_dir(media, state), self.root, what=f"{MEDIA[media]}/{state} folder")
        contain.inside(self.root / "runs", self.root, what="runs folder")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with locked(self.lock_path):
            yield

    # ---- asset.json
    def read_asset(self) -> dict[str, Any]:
        return read_json(self.asset_json, {}) or {}

    def upsert_asset(self, fields: dict[str, Any]) -> dict[str, Any]:
        with self.transaction():
            return self._upsert_asset_locked(fields)

    def _upsert_asset_locked(self, fields: dict[str, Any]) -> dict[str, Any]:
        current = self.read_asset()
        stamp = now_iso()
        merged = {"assetId": self.asset_id, "status": "review_pending", "heroImagePath": None,
                  "localAssetDir": str(self.root.resolve()), **current,
                  **{k: v for k, v in fields.items() if v is not None or k in current}}
        merged["createdAt"] = current.get("createdAt", stamp)
        merged["updatedAt"] = stamp
        write_json_atomic(self.asset_json, merged)
        return merged

    # ---- index.json
    def read_index(self) -> dict[str, Any]:
        data = read_json(self.index_json, None) or {}
        base = {"assetId": self.asset_id, "images": [], "videos": [], "audio": [], "uploads": [],
                "recoverableFailures": []}
        return {**base, **data}

    def update_index(self, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        with self.transaction():
            return self._update_index_locked(change)

    def _update_index_locked(self, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        index = self.read_index()
        change(index)
        index["updatedAt"] = now_iso()
        write_json_atomic(self.index_json, index)
        return index

    def record_outputs(self, media: str, entries: list[dict[str, Any]], *, run_id: str) -> None:
        """Add entries (deduplicated by path) and clear the run's recoverable failures in one locked step."""
        key = MEDIA[media]

        def change(index: dict[str, Any]) -> None:
            known = {e["path"] for e in index[key]}
            index[key].extend(e for e in entries if e["path"] not in known)
            index["recoverableFailures"] = [f for f in index["recoverableFailures"] if f.get("runId") != run_id]

        with self.transaction():
            self._update_index_locked(change)
            asset = self.read_asset()
            still_failing = [f for f in self.read_index()["recoverableFailures"]]
            status = asset.get("status", "review_pending")
            if status == "materialization_failed" and not still_failing:
                status = "approved" if asset.get("heroImagePath") else "review_pending"
            self._upsert_asset_locked({"status": status, "lastRunStatus": "materialized", "lastRunId": run_id,
                                       "lastRecoverableError": None})

    def record_recoverable_failure(self, failure: dict[str, Any]) -> None:
        def change(index: dict[str, Any]) -> None:
            index["recoverableFailures"] = [
                f for f in index["recoverableFailures"]
                if (f.get("runId"), f.get("code")) != (failure["runId"], failure["code"])] + [failure]

        with self.transaction():
            self._update_index_locked(change)
            self._upsert_asset_locked({"status": "materialization_failed", "lastRunStatus": "materialization_failed",
                                       "lastRunId": failure["runId"], "lastRecoverableError": failure})

    def record_upload(self, entry: dict[str, Any]) -> None:
        def change(index: dict[str, Any]) -> None:
            index["uploads"] = [u for u in index["uploads"] if u["path"] != entry["path"]] + [entry]

        self.update_index(change)

    # ---- review: approve / reject (the hero is only ever an approved file)
    def resolve_file(self, name: str, media: str = "image") -> Path:
        candidate = Path(name)
        options = [self.root / candidate] if len(candidate.parts) > 1 else [
            self.media_dir(media, s) / candidate for s in STATES]
        for path in options:
            if path.is_file():
                contain.inside(path, self.root, what=f"{name} (asset {self.asset_id})")
                return path
        raise NotFoundError(f"{name} is not a file of asset {self.asset_id} ({self.root})",
                            hint=f"list the candidates: ls {self.media_dir(media, 'candidates')}", file=name)

    def review(self, name: str, decision: str, *, media: str = "image", note: str | None = None) -> dict[str, Any]:
        """Move a file into approved/ or rejected/, update index and asset.json, and pick the hero."""
        state = {"approve": "approved", "reject": "rejected"}[decision]
        top = Path(name).parts[0] if len(Path(name).parts) > 1 else None
        media = {"audio": "audio", "videos": "video"}.get(top or "", media)  # audio/... names say their media
        with self.transaction():
            src = self.resolve_file(name, media)
            dest = self.media_dir(media, state) / src.name
            contain.mkdir(dest.parent, what=f"{MEDIA[media]}/{state} folder")
            contain.inside(dest.parent, self.root, what=f"{MEDIA[media]}/{state} folder")
            old_rel, new_rel = self.rel(src), f"{MEDIA[media]}/{state}/{src.name}"
            if src.resolve() != dest.resolve():
                contain.replace(src, dest, what=src.name)
            stamp = now_iso()

            def change(index: dict[str, Any]) -> None:
                entries = index[MEDIA[media]]
                match = next((e for e in entries if e["path"] in (old_rel, new_rel)), None)
                if match is None:
                    match = {"path": new_rel, "originRunId": None}
                    entries.append(match)
                match.update({"path": new_rel, "kind": _KIND[state], "reviewedAt": stamp})
                if note:
                    match["note"] = note

            index = self._update_index_locked(change)
            approved = [e["path"] for e in index[MEDIA[media]] if e.get("kind") == "approved"]
            asset = self.read_asset()
            hero = asset.get("heroImagePath")
            if state == "approved" and media == "image":
                hero = new_rel
            elif hero == old_rel or hero not in approved:
                hero = approved[-1] if approved else None
            decisions = [*asset.get("decisions", []), {"path": new_rel, "from": old_rel, "decision": state,
                                                        "at": stamp, **({"note": note} if note else {})}]
            fields: dict[str, Any] = {"decisions": decisions}
            if media == "image":
                fields["heroImagePath"] = hero
                if asset.get("status") != "materialization_failed":
                    fields["status"] = "approved" if hero else "review_pending"
            updated = self._upsert_asset_locked(fields)
        return {"assetId": self.asset_id, "path": new_rel, "state": state, "heroImagePath": updated.get(
            "heroImagePath"), "status": updated.get("status")}

    def approved_images(self) -> list[str]:
        return [e["path"] for e in self.read_index()["images"] if e.get("kind") == "approved"]

    # ---- derived index
    def rebuild_index(self) -> dict[str, Any]:
        """Rebuild index.json from run manifests plus the files' current folders (the manifests are the truth)."""
        entries: dict[str, dict[str, Any]] = {}
        for manifest_path in sorted(self.root.glob("runs/image/*/manifest.json")):
            manifest = read_json(manifest_path, {}) or {}
            for item in manifest.get("assets", []):
                name = Path(item["assetRelativePath"]).name
                for state in STATES:
                    if (self.media_dir("image", state) / name).is_file():
                        rel = f"images/{state}/{name}"
                        entries[rel] = {"path": rel, "kind": _KIND[state], "originRunId": manifest.get("runId")}
        uploads = []
        for manifest_path in sorted(self.root.glob("runs/upload/*/manifest.json")):
            manifest = read_json(manifest_path, {}) or {}
            if manifest.get("indexEntry"):
                uploads.append(manifest["indexEntry"])

        def change(index: dict[str, Any]) -> None:
            index["images"] = sorted(entries.values(), key=lambda e: e["path"])
            index["uploads"] = uploads

        return self.update_index(change)
