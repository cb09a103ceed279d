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
from reelforge.errors import DownloadError, InvalidInputError, NotFoundError, SchemaValidationError
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
        """The file ``name`` names: a bare file name (searched in the media's state folders), a path relative to
        the asset folder or to the current folder (``assets/<id>/images/candidates/x.png``), or an absolute
        path. Whatever the spelling, it must resolve (symlinks followed) inside the asset folder."""
        given = Path(name)
        if given.is_absolute():
            options = [given]
        elif len(given.parts) > 1:
            options = [self.root / given, Path.cwd() / given]
        else:
            options = [self.media_dir(m, s) / given for m in (media, *(m for m in MEDIA if m != media))
                       for s in STATES] + [Path.cwd() / given]
        for path in options:
            if path.is_file():
                # any spelling is fine as long as it resolves (symlinks followed) inside the asset: else exit 2
                return contain.inside(path, self.root, what=f"{name} (asset {self.asset_id})")
        raise NotFoundError(f"{name} is not a file of asset {self.asset_id} ({self.root})",
                            hint=f"list its files: reelforge asset show {self.asset_id}", file=name)

    def add_file(self, source: Path, media: str, *, purpose: str, source_basis: list[str],
                 note: str | None = None) -> dict[str, Any]:
        """Copy a file the user brings into ``<media>/candidates/`` as a candidate (never auto-approved), with
        its sha256 in the index and a small add record under ``runs/add/`` so the index can be rebuilt."""
        import shutil

        from reelforge.media.checks import check_media_file
        from reelforge.workspace.hashing import sha256_file

        if media not in MEDIA:
            raise InvalidInputError(f"--kind {media} is not one of {', '.join(MEDIA)}")
        if not source.is_file():
            raise NotFoundError(f"{source} is not a file", hint="pass the path of an image, audio or video file",
                                file=str(source))
        try:
            check_media_file(source, media, what=str(source))
        except DownloadError as exc:
            raise InvalidInputError(f"{exc.message}; --kind {media} needs a real {media} file",
                                    hint=exc.hint, file=str(source)) from None
        digest = sha256_file(source)
        self.ensure_layout(media)
        dest = self.media_dir(media, "candidates") / source.name
        if dest.exists() and sha256_file(dest) != digest:
            dest = dest.with_name(f"{dest.stem}-{digest[:8]}{dest.suffix}")
        tmp = contain.target(dest.with_name(f".{dest.name}.part"), what="asset file")
        shutil.copyfile(source, tmp)
        contain.replace(tmp, dest, what="asset file")
        rel, stamp = self.rel(dest), now_iso()
        run_id = f"add-{stamp.replace(':', '').replace('-', '').replace('.', '')[:20]}-{digest[:8]}"
        entry = {"path": rel, "kind": "candidate", "originRunId": run_id, "sha256": digest,
                 "source": source.name, "addedAt": stamp, **({"note": note} if note else {})}
        write_json_atomic(self.run_dir("add", run_id) / "manifest.json",
                          {"schemaVersion": 1, "mediaType": media, "assetId": self.asset_id, "runId": run_id,
                           "operation": "add", "assetPurpose": purpose, "sourceBasis": source_basis,
                           "indexEntry": entry, "createdAt": stamp})
        key = MEDIA[media]

        def change(index: dict[str, Any]) -> None:
            index[key] = [e for e in index[key] if e["path"] != rel] + [entry]

        with self.transaction():
            self._update_index_locked(change)
            current = self.read_asset()
            self._upsert_asset_locked({"assetPurpose": current.get("assetPurpose") or purpose,
                                       "sourceBasis": current.get("sourceBasis") or source_basis,
                                       "mediaTypes": sorted({*current.get("mediaTypes", []), media})})
        return {"assetId": self.asset_id, "path": rel, "kind": "candidate", "sha256": digest, "runId": run_id}

    def review(self, name: str, decision: str, *, media: str = "image", note: str | None = None) -> dict[str, Any]:
        """Move a file into approved/ or rejected/, update index and asset.json, and pick the hero."""
        state = {"approve": "approved", "reject": "rejected"}[decision]
        with self.transaction():
            src = self.resolve_file(name, media)
            top = self.rel(src).split("/", 1)[0]
            media = {"images": "image", "audio": "audio", "videos": "video"}.get(top, media)  # the folder says
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
            elif not index["images"] and asset.get("status") != "materialization_failed":
                fields["status"] = "approved" if approved else "review_pending"  # a voice take or a clip
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
        added: dict[str, list[dict[str, Any]]] = {key: [] for key in MEDIA.values()}
        for manifest_path in sorted(self.root.glob("runs/add/*/manifest.json")):
            manifest = read_json(manifest_path, {}) or {}
            entry, key = manifest.get("indexEntry"), MEDIA.get(str(manifest.get("mediaType")))
            if not entry or key is None:
                continue
            name = Path(entry["path"]).name
            for state in STATES:
                if (self.root / key / state / name).is_file():
                    rel = f"{key}/{state}/{name}"
                    added[key].append({**entry, "path": rel, "kind": _KIND[state]})
        uploads = []
        for manifest_path in sorted(self.root.glob("runs/upload/*/manifest.json")):
            manifest = read_json(manifest_path, {}) or {}
            if manifest.get("indexEntry"):
                uploads.append(manifest["indexEntry"])

        def change(index: dict[str, Any]) -> None:
            index["images"] = sorted([*entries.values(), *(e for e in added["images"] if e["path"] not in entries)],
                                     key=lambda e: e["path"])
            for key in ("audio", "videos"):
                kept = [e for e in index[key] if (self.root / e["path"]).is_file()]
                known = {e["path"] for e in kept}
                index[key] = kept + [e for e in added[key] if e["path"] not in known]
            index["uploads"] = uploads

        return self.update_index(change)
