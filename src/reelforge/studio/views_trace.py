"""What the Trace page shows: `reelforge trace`'s chain (campaign -> concept -> persona -> script -> voice take ->
image -> render -> QA) as links, each file flagged when its sha256 today differs from the one recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelforge.renders.trace import trace
from reelforge.workspace.paths import Workspace

# the stages whose id is an asset of the store (a link to the Assets page)
_ASSET_STAGES = ("persona", "voice take", "image asset")
_EXTRAS = ("status", "verdict", "approved", "provider", "model", "predictionId", "pathTaken", "note")


@dataclass(frozen=True)
class TraceFile:
    path: str
    sha256: str | None
    recorded_sha256: str | None
    changed: bool
    missing: bool


@dataclass(frozen=True)
class TraceLink:
    stage: str
    ident: str | None
    kind: str  # asset | render | qa | none: which page ``ident`` opens
    files: list[TraceFile]
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def flagged(self) -> bool:
        return any(f.changed or f.missing for f in self.files)


@dataclass(frozen=True)
class TraceChain:
    job_id: str
    links: list[TraceLink]

    @property
    def changed(self) -> list[TraceFile]:
        return [f for link in self.links for f in link.files if f.changed]

    @property
    def missing(self) -> list[TraceFile]:
        return [f for link in self.links for f in link.files if f.missing]


@dataclass(frozen=True)
class TraceView:
    ident: str
    kind: str  # render job | asset
    chains: list[TraceChain]


def _kind(stage: str, ident: str | None) -> str:
    if not ident:
        return "none"
    if stage in _ASSET_STAGES:
        return "asset"
    return {"render job": "render", "QA report": "qa"}.get(stage, "none")


def _file(entry: dict[str, Any]) -> TraceFile:
    return TraceFile(path=str(entry["path"]), sha256=entry.get("sha256"), recorded_sha256=entry.get("recordedSha256"),
                     changed=bool(entry.get("changed")), missing=bool(entry.get("missing")))


def trace_view(workspace: Workspace | Path, ident: str) -> TraceView:
    """The chain of a render job, or of every render job that uses an asset (exit-3 NotFoundError otherwise)."""
    ws = workspace if isinstance(workspace, Workspace) else Workspace.at(workspace)
    result = trace(ident, workspace=ws)
    chains = []
    for item in result["traces"]:
        links = [TraceLink(stage=link["stage"], ident=link.get("id"), kind=_kind(link["stage"], link.get("id")),
                           files=[_file(f) for f in link["files"]],
                           extras={k: link[k] for k in _EXTRAS if k in link})
                 for link in item["chain"]]
        chains.append(TraceChain(job_id=item["jobId"], links=links))
    return TraceView(ident=result["id"], kind=result["kind"], chains=chains)
