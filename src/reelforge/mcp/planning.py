"""Turning an MCP request (brief or script object + options) into a GenerateRequest, and the checkpoint questions."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from reelforge.config import Settings, resolve_settings
from reelforge.errors import InvalidInputError
from reelforge.models.common import parse_document
from reelforge.models.script import Script
from reelforge.pipeline.cost import CostPlan
from reelforge.pipeline.decisions import (
    COST_SUBJECT,
    MODE_SUBJECT,
    CostQuestion,
    ModeQuestion,
    cost_question,
    mode_question,
)
from reelforge.pipeline.run_setup import resolve_script
from reelforge.workspace.atomic import write_json_atomic
from reelforge.workspace.paths import Workspace


class VideoOptions(BaseModel):
    """The settings an agent may choose; anything left out comes from reelforge.toml, env, then defaults."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    mode: Literal["shorts", "explainer", "demo"] | None = None
    aspect: Literal["9:16", "16:9", "1:1", "auto"] | None = None
    locale: str | None = None
    captions: Literal["tiktok", "lower-third", "none"] | None = None
    visual: Literal["auto", "card", "stock", "generate"] | None = None
    voice: str | None = Field(default=None, description="joe (default), a Piper .onnx path, or none")
    duration: str | None = Field(default=None, description="target seconds of a drafted script, or auto")
    seed: int | None = None
    transition: Literal["cut", "fade", "slide", "wipe"] | None = None
    max_usd: float | None = Field(default=None, alias="maxUsd", description="cost guardrail in USD")

    def flags(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class Decisions(BaseModel):
    """The checkpoint answers an agent relays from its user (recorded as who: mcp-client)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    mode_confirmed: bool = Field(default=False, alias="modeConfirmed",
                                 description="the user confirmed mode, aspect, visual and compositor")
    cost_approved: bool | None = Field(default=None, alias="costApproved",
                                       description="the user's answer to the cost question (only asked when the "
                                                   "estimate reaches the guardrail)")
    rationale: str = Field(default="", description="why, in the user's words")


def settings_for(workspace: Workspace, options: VideoOptions | None) -> Settings:
    """Options are the flag layer (origin ``flag:--x``), so they meet the same checks as CLI flags (a flag that
    disagrees with a script file is refused rather than half-applied)."""
    return resolve_settings(workspace_root=workspace.root, flags=(options or VideoOptions()).flags())


def store_script(workspace: Workspace, script: dict[str, Any]) -> Path:
    """Validate a script object and keep it as a file under .reelforge/mcp/scripts/ (named by its hash)."""
    parse_document(Script, script, document="script")
    text = json.dumps(script, sort_keys=True, ensure_ascii=False)
    path = workspace.internal / "mcp" / "scripts" / f"{hashlib.sha256(text.encode()).hexdigest()[:16]}.json"
    if not path.is_file():
        write_json_atomic(path, script)
    return path


def script_source(workspace: Workspace, brief: str, script: dict[str, Any] | None) -> Path | None:
    if script is None and not brief.strip():
        raise InvalidInputError("neither a brief nor a script was given",
                                hint='pass "brief" (one line about the video) or "script" (a script.json object)')
    return store_script(workspace, script) if script is not None else None


def questions(workspace: Workspace, settings: Settings, brief: str, script_path: Path | None
              ) -> tuple[Script, ModeQuestion, CostQuestion]:
    """The checkpoint questions for this request, computed without touching any provider."""
    script, _, writing = resolve_script(brief, script_path, settings, workspace)
    plan = CostPlan.for_settings(settings, scenes=len(script.scenes), dry_run=False, script=script)
    if writing is not None and writing.llm is not None:  # an LLM writer's tokens count before its call too
        plan = CostPlan({f"writer:{writing.llm.id}": writing.llm.estimate_usd(writing.request), **plan.breakdown})
    return script, mode_question(script, settings), cost_question(plan, settings["max_usd"])


def checkpoint_list(mode: ModeQuestion, cost: CostQuestion) -> list[dict[str, Any]]:
    return [
        {"subject": MODE_SUBJECT, "required": True, "answerWith": "decisions.modeConfirmed",
         "question": f"Proceed with mode {mode.mode}, aspect {mode.aspect}, visual {mode.visual}, "
                     f"compositor {mode.compositor}?", "details": mode.to_json()},
        {"subject": COST_SUBJECT, "required": cost.crosses_guardrail, "answerWith": "decisions.costApproved",
         "question": (f"{cost.describe()}. Spend it?" if cost.crosses_guardrail
                      else f"cost under guardrail (${cost.usd:.2f} < ${cost.guardrail_usd:.2f}); nothing to confirm"),
         "details": cost.to_json()},
    ]


def missing_decisions(mode: ModeQuestion, cost: CostQuestion, decisions: Decisions | None) -> list[dict[str, Any]]:
    """The checkpoints still unanswered: the mode always; the cost only when it reaches the guardrail."""
    answered = decisions or Decisions()
    pending = []
    for item in checkpoint_list(mode, cost):
        if item["subject"] == MODE_SUBJECT and not answered.mode_confirmed:
            pending.append(item)
        if item["subject"] == COST_SUBJECT and item["required"] and answered.cost_approved is None:
            pending.append(item)
    return pending
