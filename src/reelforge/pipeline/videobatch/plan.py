"""Before anything runs: price every line under one guardrail, fingerprint each line's resolved inputs, and
find the lines an earlier run of the same batch already made."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import reelforge
from reelforge.config import Setting, Settings
from reelforge.models.manifest import Manifest
from reelforge.pipeline.cost import CostPlan, check_cost
from reelforge.pipeline.run_setup import resolve_script
from reelforge.pipeline.videobatch.jobs import JobLine
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import Workspace

LINE_RECORD = "batch-line.json"  # written into a line's run dir as soon as it exists
# settings that decide where or whether a line runs, never its bytes
_NOT_IN_FINGERPRINT = ("engine", "ray_address", "max_usd")


@dataclass(frozen=True)
class PlannedLine:
    number: int
    brief: str
    script_path: Path | None
    settings: Settings  # out points at the batch's folder for this line
    fingerprint: str
    cost: CostPlan

    @property
    def runs_dir(self) -> Path:
        return Path(self.settings["out"])


@dataclass(frozen=True)
class Previous:
    run_dir: Path
    video: Path
    sha256: str


def fingerprint(brief: str, script_file: Path | None, settings: Settings) -> str:
    """sha256 of what makes the video: the brief, the script's bytes, every resolved setting, the code version."""
    data: dict[str, Any] = {
        "brief": brief, "script": sha256_file(script_file) if script_file else None,
        "settings": {k: v for k, v in settings.as_dict().items() if k not in _NOT_IN_FINGERPRINT},
        "version": reelforge.__version__,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def plan_lines(lines: list[JobLine], workspace: Workspace, batch_name: str) -> list[PlannedLine]:
    planned = []
    for line in lines:
        brief = (line.spec.brief or "").strip()
        script_path = None
        if line.spec.script:
            script_path = Path(line.spec.script)
            script_path = script_path if script_path.is_absolute() else workspace.root / script_path
        settings = line.settings
        # the key-free draft is cheap and exact; its scene count prices the hosted visuals
        script, _, _ = resolve_script(brief, script_path, settings, workspace)
        cost = CostPlan.for_settings(settings, scenes=len(script.scenes), dry_run=False, script=script)
        line_print = fingerprint(brief, script_path, settings)
        out = Path(settings["out"])
        runs_dir = (out if out.is_absolute() else workspace.root / out) / batch_name
        values = dict(settings.values)
        values["out"] = Setting(str(runs_dir), f"batch {batch_name} line {line.number}")
        planned.append(PlannedLine(line.number, brief, script_path, Settings(values), line_print, cost))
    return planned


def batch_cost(planned: list[PlannedLine]) -> CostPlan:
    breakdown: dict[str, float] = {}
    for p in planned:
        for key, usd in p.cost.breakdown.items():
            breakdown[key] = round(breakdown.get(key, 0.0) + usd, 6)
    return CostPlan(breakdown)


def guard(planned: list[PlannedLine], *, max_usd: float, yes: bool) -> CostPlan:
    """One guardrail for the whole batch: the sum of every line's estimate (exit 4 unless --yes)."""
    total = batch_cost(planned)
    check_cost(total, max_usd=max_usd, yes=yes)
    return total


def find_previous(line: PlannedLine) -> Previous | None:
    """A succeeded run of this line's fingerprint whose video still has its recorded sha256."""
    if not line.runs_dir.is_dir():
        return None
    for record in sorted(line.runs_dir.glob(f"*/{LINE_RECORD}")):
        try:
            if json.loads(record.read_text(encoding="utf-8")).get("fingerprint") != line.fingerprint:
                continue
            manifest = Manifest.model_validate_json((record.parent / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if manifest.status != "succeeded" or not manifest.outputs.video or not manifest.outputs.sha256:
            continue
        video = record.parent / manifest.outputs.video
        if video.is_file() and sha256_file(video) == manifest.outputs.sha256:
            return Previous(record.parent, video, manifest.outputs.sha256)
    return None
