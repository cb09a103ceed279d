"""What the Runs and Run pages show, read from a run's own files (manifest.json is the truth).

Everything is read tolerantly: a run with a broken or half-written manifest still gets a row that says
so, never a 500 for the whole list.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reelforge.config import resolve_settings
from reelforge.workspace.paths import is_inside
from reelforge.workspace.reserve import pid_alive

_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_STAMP = re.compile(r"^(\d{8}-\d{6})-")
STATUSES = ("succeeded", "failed", "interrupted", "running", "planned")
MODES = ("shorts", "explainer", "demo")


def runs_root(workspace: Path) -> Path:
    """Where ``video generate`` puts run folders (the ``out`` setting: toml < env, relative to the workspace)."""
    out = Path(resolve_settings(workspace_root=workspace)["out"])
    return out if out.is_absolute() else workspace / out


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@dataclass
class RunRow:
    run_id: str
    run_dir: Path
    title: str | None
    mode: str | None
    aspect: str | None
    status: str
    duration_sec: float | None
    warnings: list[str]
    cost_usd: float | None
    when: datetime | None
    video: str | None  # run-relative
    contact_sheet: str | None
    error: dict[str, Any] | None
    servable: bool  # inside the workspace, so its files may be served

    @property
    def when_text(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M} UTC" if self.when else "–"


def _when(run_id: str, manifest_path: Path) -> datetime | None:
    match = _STAMP.match(run_id)
    if match:
        return datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
    try:
        return datetime.fromtimestamp(manifest_path.stat().st_mtime, tz=UTC)
    except OSError:
        return None


_RESERVE = re.compile(r"^\.manifest\.(\d+)\.reserve$")


def has_live_writer(run_dir: Path) -> bool:
    """A run's process holds ``.manifest.<pid>.reserve`` while it runs; a live pid there means it still runs."""
    try:
        names = [p.name for p in run_dir.iterdir()]
    except OSError:
        return False
    return any(pid_alive(int(m.group(1))) for m in map(_RESERVE.match, names) if m)


def _stopped_run_error(run_dir: Path) -> dict[str, str]:
    fix = (f"re-render it from its spec: reelforge video render {run_dir.name} (or the Re-render button)"
           if (run_dir / "render-spec.json").is_file() else "generate it again")
    return {"kind": "interrupted", "message": "the run stopped without finishing: its process is gone "
            "(killed, or the machine went down) and manifest.json still says running", "hint": fix}


def _row(workspace: Path, run_dir: Path) -> RunRow:
    manifest = read_json(run_dir / "manifest.json")
    script = read_json(run_dir / "script.json")
    servable = is_inside(run_dir, workspace)
    if not isinstance(manifest, dict):
        return RunRow(run_dir.name, run_dir, None, None, None, "unreadable", None, [], None,
                      _when(run_dir.name, run_dir / "manifest.json"), None, None,
                      {"message": "manifest.json cannot be read (not JSON, or being written)",
                       "hint": f"reelforge verify {run_dir} names the problem"}, servable)
    outputs = manifest.get("outputs") or {}
    cost = manifest.get("cost") or {}
    script = script if isinstance(script, dict) else {}
    status, error = str(manifest.get("status") or "unknown"), manifest.get("error")
    if status == "running" and not has_live_writer(run_dir):
        status, error = "interrupted", error or _stopped_run_error(run_dir)
    return RunRow(
        run_id=str(manifest.get("runId") or run_dir.name), run_dir=run_dir, title=script.get("title"),
        mode=manifest.get("mode"), aspect=script.get("aspect"), status=status,
        duration_sec=outputs.get("durationSec"), warnings=[str(w) for w in manifest.get("warnings") or []],
        cost_usd=cost.get("usd"), when=_when(run_dir.name, run_dir / "manifest.json"), video=outputs.get("video"),
        contact_sheet=outputs.get("contactSheet"), error=error, servable=servable)


def list_runs(workspace: Path, *, status: str | None = None, mode: str | None = None) -> list[RunRow]:
    """Every run folder (newest first), optionally only one status and/or mode."""
    root = runs_root(workspace)
    if not root.is_dir():
        return []
    dirs = sorted((d for d in root.iterdir() if d.is_dir() and (d / "manifest.json").is_file()),
                  key=lambda d: d.name, reverse=True)
    rows = [_row(workspace, d) for d in dirs]
    return [r for r in rows if (not status or r.status == status) and (not mode or r.mode == mode)]


def run_dir_of(workspace: Path, run_id: str) -> Path | None:
    """The folder of ``run_id`` inside the runs root, or None (also for ids that try to leave it)."""
    if not _RUN_ID.match(run_id) or ".." in run_id:
        return None
    root = runs_root(workspace)
    run_dir = root / run_id
    if not (run_dir / "manifest.json").is_file() or not is_inside(run_dir, root):
        return None
    return run_dir


@dataclass
class SceneRow:
    id: str
    narration: str
    on_screen: list[str]
    visual_src: str | None
    visual_type: str | None
    provider: str | None
    path_taken: str | None
    provenance: list[tuple[str, str]]
    visual_warnings: list[str]
    start_sec: float | None
    end_sec: float | None
    speech: tuple[float, float] | None
    words: list[dict[str, Any]]
    cues: list[tuple[float, float, str]] = field(default_factory=list)

    @property
    def preview_at(self) -> float | None:
        """When the video shows this scene's first caption (else the middle of its speech, else of the scene)."""
        if self.cues:
            start, end, _ = self.cues[0]
            return round((start + end) / 2, 2)
        if self.speech:
            return round(sum(self.speech) / 2, 2)
        if self.start_sec is not None and self.end_sec is not None:
            return round((self.start_sec + self.end_sec) / 2, 2)
        return None


# Housekeeping leaves of a provenance record (font files, licences, package versions) crowd out what a
# reviewer checks: who made the picture, from what, and with which look.
_PROVENANCE_NOISE = ("fonts.", "licence", "package", "version", "iconSet")


def provenance_pairs(record: dict[str, Any], limit: int = 8) -> list[tuple[str, str]]:
    pairs = [(k, v) for k, v in flatten(record) if not any(noise in k for noise in _PROVENANCE_NOISE)]
    return pairs[:limit]


def flatten(value: Any, prefix: str = "", depth: int = 0) -> list[tuple[str, str]]:
    """Scalar leaves of a provenance record as ``(dotted.key, text)``, two levels deep."""
    if isinstance(value, dict):
        if depth >= 3:
            return []
        pairs: list[tuple[str, str]] = []
        for key, sub in value.items():
            pairs += flatten(sub, f"{prefix}{key}.", depth + 1)
        return pairs
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            return [(prefix.rstrip("."), ", ".join(str(v) for v in value))] if value else []
        pairs = []
        for item in value[:4]:
            pairs += flatten(item, prefix, depth + 1)
        return pairs
    return [(prefix.rstrip("."), str(value))]


_VTT_TIME = re.compile(r"(\d+):(\d{2}):(\d{2})[.,](\d{3})")


def _seconds(stamp: str) -> float:
    match = _VTT_TIME.search(stamp)
    if not match:
        return 0.0
    h, m, s, ms = (int(g) for g in match.groups())
    return h * 3600 + m * 60 + s + ms / 1000


def caption_cues(run_dir: Path) -> list[tuple[float, float, str]]:
    """The cues of captions.vtt (what a viewer reads), as (start, end, text)."""
    try:
        text = (run_dir / "captions.vtt").read_text(encoding="utf-8")
    except OSError:
        return []
    cues = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line for line in block.strip().split("\n") if line]
        for i, line in enumerate(lines):
            if "-->" in line:
                start, _, end = line.partition("-->")
                cues.append((_seconds(start), _seconds(end), " ".join(lines[i + 1:])))
                break
    return cues


def _visual_records(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    for stage in manifest.get("stages") or []:
        if stage.get("stage") == "visuals":
            return {str(r.get("sceneId")): r for r in (stage.get("params") or {}).get("perScene") or []
                    if isinstance(r, dict)}
    return {}


def scene_rows(run_dir: Path, manifest: dict[str, Any]) -> list[SceneRow]:
    script = read_json(run_dir / "script.json")
    timing = read_json(run_dir / "timing.json")
    spec = read_json(run_dir / "render-spec.json")
    scenes = script.get("scenes") if isinstance(script, dict) else None
    if not isinstance(scenes, list):
        return []
    segments = {s.get("sceneId"): s for s in (timing or {}).get("segments") or []} if isinstance(timing, dict) else {}
    spec_scenes = {s.get("id"): s for s in (spec or {}).get("scenes") or []} if isinstance(spec, dict) else {}
    records = _visual_records(manifest)
    cues = caption_cues(run_dir)
    rows = []
    for scene in scenes:
        sid = str(scene.get("id"))
        record = records.get(sid, {})
        spec_visual = (spec_scenes.get(sid) or {}).get("visual") or {}
        segment = segments.get(sid) or {}
        start, end = segment.get("startSec"), segment.get("endSec")
        speech = ((segment["speechStartSec"], segment["speechEndSec"])
                  if "speechStartSec" in segment and "speechEndSec" in segment else None)
        scene_cues = [c for c in cues if start is not None and end is not None and c[0] < end and c[1] > start]
        rows.append(SceneRow(
            id=sid, narration=str(scene.get("narration") or ""), on_screen=[str(t) for t in
                                                                              scene.get("onScreenText") or []],
            visual_src=record.get("src") or spec_visual.get("src"), visual_type=record.get("type")
            or spec_visual.get("type"), provider=record.get("provider") or spec_visual.get("provider"),
            path_taken=record.get("pathTaken"), provenance=provenance_pairs(record.get("attribution") or {}),
            visual_warnings=[str(w) for w in record.get("warnings") or []], start_sec=start, end_sec=end,
            speech=speech, words=list(segment.get("words") or []), cues=scene_cues))
    return rows


@dataclass
class RunDetail:
    row: RunRow
    manifest: dict[str, Any]
    scenes: list[SceneRow]
    stages: list[dict[str, Any]]
    assets: list[dict[str, Any]]


def run_detail(workspace: Path, run_dir: Path) -> RunDetail:
    row = _row(workspace, run_dir)
    manifest = read_json(run_dir / "manifest.json")
    manifest = manifest if isinstance(manifest, dict) else {}
    return RunDetail(row=row, manifest=manifest, scenes=scene_rows(run_dir, manifest),
                     stages=[s for s in manifest.get("stages") or [] if isinstance(s, dict)],
                     assets=[a for a in manifest.get("assets") or [] if isinstance(a, dict)])
