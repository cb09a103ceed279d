"""The New video page: a brief or script.json plus the main settings -> a plan (mode checkpoint, cost estimate
against the guardrail) -> `video generate` in a task with live progress.

The plan is computed without touching any provider (the same calls `video generate` makes before its
checkpoints). A paid plan at or above the guardrail runs only once the person ticked the confirmation for
that amount; the server plans again at start and refuses if the estimate grew past what was confirmed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelforge.config import CAPTION_PRESETS, Settings, read_voice_profiles, resolve_settings
from reelforge.errors import FieldIssue, InvalidInputError, SchemaValidationError
from reelforge.models.common import parse_document
from reelforge.models.json_input import decode_json
from reelforge.models.script import Script
from reelforge.pipeline.cost import CostPlan
from reelforge.pipeline.decisions import (
    CostQuestion,
    ModeQuestion,
    PlanningDecider,
    PresetDecider,
    cost_question,
    mode_question,
)
from reelforge.pipeline.generate import GenerateRequest, generate
from reelforge.pipeline.run_setup import resolve_script
from reelforge.workspace.atomic import write_json_atomic
from reelforge.workspace.contain import confine
from reelforge.workspace.paths import Workspace

SCRIPT_MAX_BYTES = 256 * 1024  # a pasted script.json; generous for a short video, small for a server
BRIEF_MAX_CHARS = 4000
CHOICES: dict[str, tuple[str, ...]] = {
    "mode": ("shorts", "explainer"),  # demo needs a capture or a URL: the CLI's `--mode demo`
    "aspect": ("9:16", "16:9", "1:1", "auto"),
    "captions": CAPTION_PRESETS,
    "visual": ("auto", "card", "stock", "generate", "slide", "aigc"),
    "music": ("none", "calm", "upbeat", "cinematic", "lofi", "piano"),
}
SETTING_FIELDS = ("mode", "aspect", "captions", "voice", "music", "visual")
# rough share of a run's wall time per stage (render reports its own fraction); progress never moves backwards
STAGE_WEIGHTS = {"script": 0.05, "narration": 0.25, "visuals": 0.15, "captions": 0.05, "render": 0.45,
                 "credentials": 0.02, "check": 0.03}
Emit = Callable[[dict[str, Any]], None]


def voice_choices(workspace: Workspace) -> list[str]:
    """Suggestions for the voice field: the built-in voice, none, and the workspace's [voices.NAME] profiles."""
    try:
        profiles = sorted(read_voice_profiles(workspace.config_file))
    except InvalidInputError:
        profiles = []
    return ["joe", "none", *profiles]


@dataclass(frozen=True)
class NewVideoForm:
    brief: str
    script_text: str
    settings: dict[str, str]  # only the fields the person set; the rest come from reelforge.toml, env, defaults
    dry_run: bool
    confirmed_usd: float | None  # the estimate the person confirmed spending (None: no confirmation given)

    @classmethod
    def parse(cls, form: Mapping[str, Any]) -> NewVideoForm:
        brief = str(form.get("brief") or "").strip()
        script_text = str(form.get("script") or "").strip()
        issues: list[FieldIssue] = []
        if not brief and not script_text:
            issues.append(FieldIssue("brief", "write a brief (one line about the video) or paste a script.json"))
        if len(brief) > BRIEF_MAX_CHARS:
            issues.append(FieldIssue("brief", f"is {len(brief)} characters; at most {BRIEF_MAX_CHARS}"))
        if len(script_text.encode()) > SCRIPT_MAX_BYTES:
            issues.append(FieldIssue("script", f"is over {SCRIPT_MAX_BYTES // 1024} KB"))
        settings: dict[str, str] = {}
        for name in SETTING_FIELDS:
            value = str(form.get(name) or "").strip()
            if not value:
                continue
            allowed = CHOICES.get(name)
            if allowed is not None and value not in allowed:
                issues.append(FieldIssue(name, f"{value!r} is not one of {', '.join(allowed)}"))
            settings[name] = value
        confirmed: float | None = None
        if form.get("confirm_cost"):
            try:
                confirmed = float(str(form.get("confirmed_usd") or ""))
            except ValueError:
                issues.append(FieldIssue("confirmed_usd", "is not an amount; plan again and confirm"))
        if issues:
            raise SchemaValidationError("new video form", issues, hint="fix the named fields; nothing was started")
        return cls(brief=brief, script_text=script_text, settings=settings,
                   dry_run=str(form.get("dry_run") or "") in ("1", "on", "true", "yes"), confirmed_usd=confirmed)


@dataclass(frozen=True)
class VideoPlan:
    form: NewVideoForm
    settings: Settings
    script: Script
    script_path: Path | None
    mode: ModeQuestion
    cost: CostQuestion

    @property
    def needs_confirmation(self) -> bool:
        """A paid plan at or above the guardrail (a dry run calls nothing, so it never asks)."""
        return self.cost.crosses_guardrail and not self.form.dry_run

    @property
    def confirmed(self) -> bool:
        confirmed = self.form.confirmed_usd
        return not self.needs_confirmation or (confirmed is not None and self.cost.usd <= confirmed + 1e-9)

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode.to_json(), "cost": self.cost.to_json(), "scenes": len(self.script.scenes),
                "title": self.script.title, "dryRun": self.form.dry_run,
                "needsConfirmation": self.needs_confirmation, "confirmed": self.confirmed}


def _store_script(workspace: Workspace, text: str) -> Path:
    """A pasted script.json, validated, kept under .reelforge/studio/scripts/ by its hash (like `--script`)."""
    data = decode_json(text.encode(), document="script", max_bytes=SCRIPT_MAX_BYTES)
    parse_document(Script, data, document="script")
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
    path = workspace.internal / "studio" / "scripts" / f"{hashlib.sha256(canonical.encode()).hexdigest()[:16]}.json"
    if not path.is_file():
        with confine(workspace.root):
            write_json_atomic(path, data)
    return path


def plan_video(workspace: Workspace, form: NewVideoForm) -> VideoPlan:
    """What `video generate` would do with this form, asked of no provider: the mode and the cost questions."""
    settings = resolve_settings(workspace_root=workspace.root, flags=form.settings)
    script_path = _store_script(workspace, form.script_text) if form.script_text else None
    script, _, writing = resolve_script(form.brief, script_path, settings, workspace)
    plan = CostPlan.for_settings(settings, scenes=len(script.scenes), dry_run=form.dry_run, script=script)
    if writing is not None and writing.llm is not None and not form.dry_run:
        plan = CostPlan({f"writer:{writing.llm.id}": writing.llm.estimate_usd(writing.request), **plan.breakdown})
    return VideoPlan(form=form, settings=settings, script=script, script_path=script_path,
                     mode=mode_question(script, settings), cost=cost_question(plan, settings["max_usd"]))


class TaskReporter:
    """A pipeline Reporter that turns stage events into task progress events (0..1, never backwards)."""

    def __init__(self, emit: Emit) -> None:
        self.emit = emit
        self.finished: list[str] = []
        self.warnings: list[str] = []
        self._high = 0.0

    def _send(self, stage: str, fraction: float, message: str) -> None:
        done = sum(STAGE_WEIGHTS.get(s, 0.0) for s in set(self.finished))
        current = 0.0 if stage in self.finished else STAGE_WEIGHTS.get(stage, 0.0) * fraction
        self._high = max(self._high, round(min(0.99, done + current), 3))
        self.emit({"stage": stage, "progress": self._high, "message": message})

    def stage_started(self, name: str) -> None:
        self._send(name, 0.0, f"{name} ...")

    def stage_finished(self, name: str, seconds: float, detail: str) -> None:
        self.finished.append(name)
        self._send(name, 1.0, f"{name} {detail} ({seconds:.1f}s)")

    def progress(self, name: str, fraction: float) -> None:
        self._send(name, min(1.0, max(0.0, fraction)), f"{name} {fraction:.0%}")

    def warning(self, message: str) -> None:
        self.warnings.append(message)
        self.emit({"stage": "warning", "progress": self._high, "message": f"warning: {message}"})


def run_video(workspace: Workspace, form: NewVideoForm, emit: Emit) -> dict[str, Any]:
    """Plan again (the estimate is the server's, never the page's), refuse an unconfirmed paid plan, then run
    `video generate` with the person's answers as the checkpoints' decider. Returns the run's summary."""
    plan = plan_video(workspace, form)
    if not plan.confirmed:
        raise InvalidInputError(plan.cost.describe() + " and was not confirmed for this amount",
                                hint="tick the cost confirmation on the plan, raise max_usd in reelforge.toml, "
                                     "or choose key-free providers")
    decider = (PlanningDecider(who="interactive") if form.dry_run else
               PresetDecider(mode_confirmed=True, cost_approved=plan.needs_confirmation,
                             rationale="confirmed by a person in reelforge studio", who="interactive"))
    request = GenerateRequest(brief=form.brief, settings=plan.settings, workspace=workspace,
                              script_path=plan.script_path, yes=False, dry_run=form.dry_run, decider=decider,
                              on_run_dir=lambda run_dir: emit({"stage": "run", "progress": 0.0,
                                                               "message": f"run {run_dir.name}",
                                                               "runId": run_dir.name}))
    reporter = TaskReporter(emit)
    result = generate(request, reporter)
    manifest = result.manifest
    return {"runId": result.run_dir.name, "dryRun": form.dry_run, "status": manifest.status,
            "video": result.video.name if result.video else None, "durationSec": manifest.outputs.duration_sec,
            "costUsd": manifest.cost.usd, "warnings": list(manifest.warnings)}
