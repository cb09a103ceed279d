"""``reelforge trace <asset-or-job-id>``: the chain campaign -> concept -> persona -> script -> voice take ->
image asset -> render job -> QA report, each link with its files and their sha256 now.

Hashes recorded at submit time are compared with the files today: ``changed`` means the file under a link
is no longer the one the render was made from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reelforge.assets.store import read_json
from reelforge.errors import NotFoundError
from reelforge.renders.gates import approved_hero, asset_root
from reelforge.renders.jobs import JobPaths, all_jobs, find_job
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import Workspace, is_inside

STAGES = ("campaign", "concept", "persona", "script", "voice take", "image asset", "render job", "QA report")


def _file(ws: Workspace, path: str | Path | None, recorded: str | None = None) -> dict[str, Any] | None:
    if not path:
        return None
    full = Path(path) if Path(path).is_absolute() else ws.root / path
    if not full.is_file() or not is_inside(full, ws.root):
        return {"path": str(path), "sha256": None, "missing": True}
    rel = full.resolve().relative_to(ws.root.resolve()).as_posix()
    now = sha256_file(full)
    entry: dict[str, Any] = {"path": rel, "sha256": now}
    if recorded:
        entry["recordedSha256"] = recorded
        entry["changed"] = recorded != now
    return entry


def _link(stage: str, ident: str | None, files: list[dict[str, Any] | None], **extra: Any) -> dict[str, Any]:
    return {"stage": stage, "id": ident, "files": [f for f in files if f], **{k: v for k, v in extra.items()
                                                                             if v is not None}}


def trace_job(ws: Workspace, paths: JobPaths) -> dict[str, Any]:
    m = paths.read_manifest()
    refs = m.get("upstreamRefs") or {}
    inputs = {i.get("role"): i for i in m.get("inputs", [])}
    persona, take, image = m.get("personaId"), m.get("voiceTakeId"), m.get("imageAssetId")
    take_asset = read_json(asset_root(ws, take) / "asset.json", {}) if take else {}
    script_path = refs.get("script") or (take_asset or {}).get("scriptPath")
    hero = approved_hero(ws, persona) if persona else None
    videos = [a for a in m.get("assets", []) if a.get("kind") == "video"]
    qa = (m.get("qaReports") or [None])[-1]

    def asset_json(asset_id: str | None) -> dict[str, Any] | None:
        return _file(ws, asset_root(ws, asset_id) / "asset.json") if asset_id else None

    def input_file(role: str) -> dict[str, Any] | None:
        item = inputs.get(role) or {}
        return _file(ws, item.get("path"), item.get("sha256")) if item.get("path") else None

    links = [
        _link("campaign", m.get("campaignId"), [_file(ws, refs.get("campaign"))]),
        _link("concept", m.get("conceptId"), [_file(ws, refs.get("concept"))]),
        _link("persona", persona, [asset_json(persona), _file(ws, hero) if hero else None],
              approved=bool(hero) if persona else None),
        _link("script", m.get("scriptId"), [_file(ws, script_path)]),
        _link("voice take", take, [asset_json(take), input_file("audio"), _file(ws, refs.get("audio"))]),
        _link("image asset", image, [asset_json(image), input_file("subject") or input_file("first_frame"),
                                     _file(ws, refs.get("image"))]),
        _link("render job", paths.job_id, [_file(ws, paths.manifest), _file(ws, paths.request),
                                           _file(ws, paths.response),
                                           *(_file(ws, paths.recorded_file(v), v.get("sha256")) for v in videos)],
              status=m.get("status"), provider=m.get("provider"), model=m.get("model"),
              predictionId=m.get("predictionId"), pathTaken=m.get("pathTaken"),
              note=m.get("providerLabel")),
        _link("QA report", qa["qaReportId"] if qa else None,
              [_file(ws, paths.qa_file(qa), qa.get("sha256"))] if qa else [],
              verdict=qa["verdict"] if qa else None,
              status=None if qa else f"no human verdict yet ({m.get('status')})"),
    ]
    return {"jobId": paths.job_id, "manifestPath": str(paths.manifest), "chain": links}


def trace(ident: str, *, workspace: Workspace | Path | None = None) -> dict[str, Any]:
    ws = workspace if isinstance(workspace, Workspace) else Workspace.at(workspace)
    try:
        return {"id": ident, "kind": "render job", "traces": [trace_job(ws, find_job(ws, ident))]}
    except NotFoundError:
        pass
    if not (asset_root(ws, ident) / "asset.json").is_file():
        raise NotFoundError(f"{ident} is neither a render job nor an asset of {ws.root}",
                            hint="list jobs with `reelforge render list`; assets live in assets/<id>/")
    keys = ("personaId", "imageAssetId", "voiceTakeId")
    jobs = [p for p in all_jobs(ws) if ident in {p.read_manifest().get(k) for k in keys}]
    return {"id": ident, "kind": "asset", "assetPath": str(asset_root(ws, ident) / "asset.json"),
            "traces": [trace_job(ws, p) for p in jobs]}


def text_lines(result: dict[str, Any]) -> list[str]:
    lines = [f"trace {result['id']} ({result['kind']})"]
    if not result["traces"]:
        lines.append("  no render job uses this asset yet")
    for t in result["traces"]:
        lines.append(f"render job {t['jobId']}")
        for link in t["chain"]:
            extras = ", ".join(f"{k}={link[k]}" for k in ("status", "verdict", "approved", "pathTaken", "model",
                                                           "predictionId") if k in link)
            lines.append(f"  {link['stage']:<12} {link['id'] or '(not set)'}" + (f"  [{extras}]" if extras else ""))
            for f in link["files"]:
                flag = "  MISSING" if f.get("missing") else ("  CHANGED since the render" if f.get("changed") else "")
                lines.append(f"      {f['path']}  sha256:{f['sha256'] or '-'}{flag}")
            if link.get("note"):
                lines.append(f"      note: {link['note']}")
    return lines
