"""`video rerun <runDir>`: a new run of an earlier run's script (or an edited one) that reuses what is fresh.

The new run is an ordinary `generate` into a NEW run directory (the earlier one is never written), with the
earlier run's settings (fingerprints.json) under any flags given now, and its pacing. Every stage looks its
outputs up in the workspace cache by fingerprint, so whatever the edit left unchanged is copied, not made
again; ``from_stage`` makes that stage and every later one again regardless. The render's segment
boundaries come from the spec alone, so the mp4 is byte-identical to a fresh run of the same script.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelforge.config import Settings, resolve_settings
from reelforge.errors import InvalidInputError, NotFoundError
from reelforge.pipeline.decisions import Decider
from reelforge.pipeline.generate import GenerateRequest, GenerateResult, generate
from reelforge.pipeline.progress import Reporter
from reelforge.pipeline.run_record import read_run_record
from reelforge.pipeline.stage_caches import REDO_FROM
from reelforge.workspace.paths import Workspace


@dataclass(frozen=True)
class RerunRequest:
    run_dir: Path
    workspace: Workspace
    script_path: Path | None = None  # an edited script.json; default: the run's own
    from_stage: str | None = None  # voice, visual, captions or render: make it and every later stage again
    flags: Mapping[str, Any] = field(default_factory=dict)  # settings changed now (e.g. captions)
    yes: bool = False
    decider: Decider | None = None


def rerun_settings(run_dir: Path, workspace: Workspace, flags: Mapping[str, Any]) -> tuple[Settings, dict[str, Any]]:
    """The earlier run's deliberately set settings, under ``flags``; plus its run record ({} if none)."""
    record = read_run_record(run_dir) or {}
    merged = {**record.get("settingsSet", {}), **{k: v for k, v in flags.items() if v is not None}}
    return resolve_settings(workspace_root=workspace.root, flags=merged), record


def resolve_run_dir(run_dir: Path, workspace: Workspace) -> Path:
    target = run_dir if run_dir.is_absolute() else workspace.root / run_dir
    if not (target / "manifest.json").is_file():
        raise NotFoundError(f"{target} is not a run directory (no manifest.json)", file=str(target),
                            hint="pass a folder under videos/ made by `reelforge video generate`")
    if not (target / "script.json").is_file():
        raise NotFoundError(f"{target} has no script.json", file=str(target),
                            hint="the run failed before its script was written: generate it again")
    return target


def rerun(request: RerunRequest, reporter: Reporter | None = None) -> GenerateResult:
    if request.from_stage is not None and request.from_stage not in REDO_FROM:
        raise InvalidInputError(f"--from {request.from_stage!r} is not a stage",
                                hint=f"pass one of {', '.join(REDO_FROM)}")
    run_dir = resolve_run_dir(request.run_dir, request.workspace)
    script = request.script_path or run_dir / "script.json"
    if not script.is_absolute():
        script = request.workspace.root / script
    settings, record = rerun_settings(run_dir, request.workspace, request.flags)
    return generate(GenerateRequest(
        brief="", settings=settings, workspace=request.workspace, script_path=script, yes=request.yes,
        decider=request.decider, redo_from=request.from_stage, pacing_source=record.get("pacingSource"),
        rerun_of=run_dir.name), reporter)
