"""Finding and summarising video runs in the workspace (the JSON files are the truth)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from reelforge.config import Settings
from reelforge.errors import NotFoundError, SafetyError
from reelforge.workspace.paths import Workspace

_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def runs_root(workspace: Workspace, settings: Settings) -> Path:
    out = Path(settings["out"])
    return out if out.is_absolute() else workspace.root / out


def run_dir_of(workspace: Workspace, settings: Settings, run_id: str) -> Path:
    if not _RUN_ID.match(run_id) or ".." in run_id:
        raise SafetyError(f"run id {run_id!r} is not a run id", hint="pass a runId from list_runs")
    run_dir = runs_root(workspace, settings) / run_id
    if not (run_dir / "manifest.json").is_file():
        raise NotFoundError(f"no run {run_id} in {runs_root(workspace, settings)}",
                            hint="list_runs shows the runs of this workspace")
    return run_dir


def read_manifest(run_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    return data


def run_summary(run_dir: Path) -> dict[str, Any]:
    """What an agent needs about a run: status, outputs, warnings, error, decisions, cost."""
    manifest = read_manifest(run_dir)
    outputs = manifest.get("outputs") or {}
    decisions_path = run_dir / "decisions.jsonl"
    decisions = ([json.loads(line) for line in decisions_path.read_text(encoding="utf-8").splitlines() if line]
                 if decisions_path.is_file() else [])
    return {
        "runId": manifest["runId"],
        "runDir": str(run_dir),
        "mode": manifest.get("mode"),
        "status": manifest.get("status"),
        "exitCode": manifest.get("exitCode"),
        "progress": 1.0 if manifest.get("status") in ("succeeded", "planned") else None,
        "outputs": {
            "video": str(run_dir / outputs["video"]) if outputs.get("video") else None,
            "durationSec": outputs.get("durationSec"),
            "sha256": outputs.get("sha256"),
            "contactSheet": str(run_dir / outputs["contactSheet"]) if outputs.get("contactSheet") else None,
        },
        "providers": manifest.get("providers", {}),
        "cost": manifest.get("cost", {}),
        "warnings": manifest.get("warnings", []),
        "error": manifest.get("error"),
        "decisions": decisions,
    }


def list_run_summaries(workspace: Workspace, settings: Settings, limit: int) -> list[dict[str, Any]]:
    root = runs_root(workspace, settings)
    if not root.is_dir():
        return []
    dirs = sorted((d for d in root.iterdir() if (d / "manifest.json").is_file()), key=lambda d: d.name, reverse=True)
    summaries = []
    for run_dir in dirs[:limit]:
        manifest = read_manifest(run_dir)
        summaries.append({"runId": manifest["runId"], "mode": manifest.get("mode"), "status": manifest.get("status"),
                          "video": (manifest.get("outputs") or {}).get("video"),
                          "warnings": len(manifest.get("warnings", []))})
    return summaries
