"""What the Assets page shows, gathered with the library calls behind `reelforge asset list|show|approve|reject`.

Each candidate carries what made it (prompt, model, seed, cost, provider, pathTaken) from the run record its
index entry names (``originRunId``): an image job's request.json and manifest.json, or the add record of a file
a person brought. The review itself is ``assets.api.review``, the function `asset approve|reject` calls, so the
rules (the hero is only ever an approved image, every spelling must resolve inside the asset) are the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelforge.assets import api as assets_api
from reelforge.assets.store import LINEAGE, MEDIA, AssetStore, read_json
from reelforge.errors import InvalidInputError
from reelforge.models.envelope import envelope_from
from reelforge.renders.jobs import all_jobs
from reelforge.workspace.paths import Workspace, is_inside, sanitize_id

_STATE_OF_KIND = {"candidate": "candidates", "approved": "approved", "rejected": "rejected"}
# lineage ids that name another asset of the store (a link to its page when it exists)
ASSET_LINKS = ("personaId", "voiceTakeId", "imageAssetId")


@dataclass(frozen=True)
class Candidate:
    """One file of an asset as the page shows it; ``path`` is asset-relative, ``workspace_path`` for the URL."""

    path: str
    workspace_path: str
    media: str  # image | audio | video
    state: str  # candidate | approved | rejected
    sha256: str | None
    origin_run_id: str | None
    prompt: str | None = None
    model: str | None = None
    provider: str | None = None
    seed: int | None = None
    cost_usd: float | None = None
    path_taken: str | None = None
    provider_label: str | None = None
    note: str | None = None
    hero: bool = False
    exists: bool = True

    @property
    def name(self) -> str:
        return Path(self.path).name


@dataclass(frozen=True)
class LineageLink:
    key: str
    value: str
    asset_id: str | None = None  # set when the value names an asset of this workspace
    file: str | None = None  # workspace-relative, set when the value is a file inside the workspace


@dataclass(frozen=True)
class AssetView:
    asset_id: str
    status: str | None
    purpose: str | None
    hero: str | None
    candidates: list[Candidate] = field(default_factory=list)
    lineage: list[LineageLink] = field(default_factory=list)
    render_jobs: list[str] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)

    def in_state(self, state: str) -> list[Candidate]:
        return [c for c in self.candidates if c.state == state]


@dataclass(frozen=True)
class AssetRow:
    asset_id: str
    status: str | None
    purpose: str | None
    hero: str | None
    counts: dict[str, dict[str, int]]

    @property
    def pending(self) -> int:
        return sum(c.get("candidate", 0) for c in self.counts.values())


def _ws(workspace: Workspace | Path) -> Workspace:
    return workspace if isinstance(workspace, Workspace) else Workspace.at(workspace)


def asset_rows(workspace: Workspace | Path) -> list[AssetRow]:
    """Every asset of the workspace (``asset list``), those waiting for a review first."""
    rows = [AssetRow(r["assetId"], r["status"], r["purpose"], r["hero"], r["files"])
            for r in assets_api.list_assets(workspace=_ws(workspace))]
    return sorted(rows, key=lambda r: (r.pending == 0, r.asset_id))


class _RunInfo:
    """What one origin run says about the files it made (read once per run)."""

    def __init__(self, store: AssetStore, run_id: str) -> None:
        self.prompt: str | None = None
        self.model: str | None = None
        self.provider: str | None = None
        self.seed: int | None = None
        self.cost_each: float | None = None
        self.path_taken: str | None = None
        self.label: str | None = None
        image_dir = store.run_dir("image", run_id)
        if (image_dir / "manifest.json").is_file():
            self._image_run(image_dir)
        elif (store.run_dir("add", run_id) / "manifest.json").is_file():
            self.path_taken, self.cost_each = "real", 0.0
            self.label = "a file a person brought in (reelforge asset add)"

    def _image_run(self, run_dir: Path) -> None:
        manifest = read_json(run_dir / "manifest.json", {}) or {}
        request = read_json(run_dir / "request.json", {}) or {}
        try:
            envelope = envelope_from(manifest)
        except (ValueError, KeyError, TypeError):
            envelope = None
        self.prompt = request.get("prompt") if isinstance(request.get("prompt"), str) else None
        self.model = (envelope.model if envelope else None) or request.get("model")
        self.provider = envelope.provider if envelope else request.get("provider")
        seed = request.get("seed", (manifest.get("settings") or {}).get("seed"))
        self.seed = seed if isinstance(seed, int) and not isinstance(seed, bool) else None
        made = len(envelope.assets) if envelope and envelope.assets else 1
        self.cost_each = round(envelope.cost.usd / made, 4) if envelope else None
        self.path_taken = envelope.path_taken if envelope else None
        label = manifest.get("providerLabel")
        self.label = label if isinstance(label, str) else None


def _lineage(ws: Workspace, asset: dict[str, Any], asset_id: str) -> list[LineageLink]:
    links: list[LineageLink] = []
    for key in LINEAGE:
        value = asset.get(key)
        values = value if isinstance(value, list) else [value]
        for item in values:
            if not isinstance(item, str) or not item:
                continue
            linked = item if key in ASSET_LINKS and item != asset_id and _asset_exists(ws, item) else None
            links.append(LineageLink(key, item, asset_id=linked, file=_workspace_file(ws, item)))
    return links


def _asset_exists(ws: Workspace, asset_id: str) -> bool:
    return "/" not in asset_id and (ws.root / "assets" / asset_id / "asset.json").is_file()


def _workspace_file(ws: Workspace, value: str) -> str | None:
    """``value`` as a workspace-relative path when it names a file inside the workspace (sourceBasis notes)."""
    if "\x00" in value or value.startswith(("http:", "https:")):
        return None
    path = Path(value) if Path(value).is_absolute() else ws.root / value
    try:
        if path.is_file() and is_inside(path, ws.root):
            return path.resolve().relative_to(ws.root.resolve()).as_posix()
    except (OSError, ValueError):
        return None
    return None


def _jobs_using(ws: Workspace, asset_id: str) -> list[str]:
    keys = ("personaId", "imageAssetId", "voiceTakeId")
    return [p.job_id for p in all_jobs(ws) if asset_id in {p.read_manifest().get(k) for k in keys}]


def asset_view(workspace: Workspace | Path, asset_id: str) -> AssetView:
    """One asset (``asset show``): its files by state with what made each, its lineage and the renders using it."""
    ws = _ws(workspace)
    data = assets_api.show(asset_id, workspace=ws)
    asset, index = data["asset"], data["index"]
    store = assets_api.asset_store(asset_id, workspace=ws)
    hero = asset.get("heroImagePath")
    runs: dict[str, _RunInfo] = {}
    candidates = []
    for media, key in MEDIA.items():
        for entry in index.get(key, []):
            rel = str(entry.get("path", ""))
            run_id = entry.get("originRunId")
            known = isinstance(run_id, str) and sanitize_id(run_id) == run_id  # a run folder name, nothing else
            info = runs.setdefault(run_id, _RunInfo(store, run_id)) if known else None
            full = store.root / rel
            candidates.append(Candidate(
                path=rel, workspace_path=f"assets/{asset_id}/{rel}", media=media,
                state=str(entry.get("kind", "candidate")), sha256=entry.get("sha256"), origin_run_id=run_id,
                prompt=info.prompt if info else None, model=(info.model if info else None) or entry.get("model"),
                provider=info.provider if info else None, seed=info.seed if info else None,
                cost_usd=info.cost_each if info else None, path_taken=info.path_taken if info else None,
                provider_label=info.label if info else None, note=entry.get("note"), hero=rel == hero,
                exists=full.is_file()))
    return AssetView(asset_id=asset_id, status=asset.get("status"), purpose=asset.get("assetPurpose"), hero=hero,
                     candidates=candidates, lineage=_lineage(ws, asset, asset_id),
                     render_jobs=_jobs_using(ws, asset_id), decisions=list(asset.get("decisions", [])),
                     failures=list(index.get("recoverableFailures", [])))


def review_candidate(workspace: Workspace | Path, asset_id: str, file: str, decision: str,
                     note: str | None = None) -> dict[str, Any]:
    """Approve or reject one file: exactly `reelforge asset approve|reject ASSET FILE --note NOTE`."""
    if decision not in ("approve", "reject"):
        raise InvalidInputError(f"decision {decision!r} is not approve or reject", hint="press Approve or Reject")
    return assets_api.review(asset_id, file, decision, workspace=_ws(workspace), note=(note or "").strip() or None)
