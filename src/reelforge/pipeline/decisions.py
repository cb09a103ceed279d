"""Decision checkpoints: mode-selection and cost-confirmation, recorded as lines of decisions.jsonl.

The seed's workflow stops at two checkpoints. Whoever answers them (flags, a person at a terminal, an MCP
client) is a Decider; every answer becomes one record in the run dir, linked from the manifest as an asset.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from reelforge.config import Settings
from reelforge.errors import InvalidInputError
from reelforge.models.script import Script
from reelforge.pipeline.cost import CostPlan
from reelforge.workspace.atomic import write_text_atomic

DECISIONS_FILE = "decisions.jsonl"
MODE_SUBJECT = "video.mode-selection"
COST_SUBJECT = "video.cost-confirmation"
Who = Literal["cli-flag", "interactive", "mcp-client"]
COMPOSITOR = "ffmpeg"  # the one compositor reelforge renders with


@dataclass(frozen=True)
class ModeQuestion:
    mode: str
    aspect: str
    visual: str
    compositor: str
    origins: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode, "aspect": self.aspect, "visual": self.visual, "compositor": self.compositor,
                "origins": self.origins}


@dataclass(frozen=True)
class CostQuestion:
    usd: float
    guardrail_usd: float
    breakdown: dict[str, float]

    @property
    def crosses_guardrail(self) -> bool:
        return self.usd > 0 and self.usd >= self.guardrail_usd

    def to_json(self) -> dict[str, Any]:
        return {"usd": self.usd, "guardrailUsd": self.guardrail_usd, "breakdown": self.breakdown,
                "crossesGuardrail": self.crosses_guardrail}

    def describe(self) -> str:
        parts = ", ".join(f"{k} ${v:.2f}" for k, v in sorted(self.breakdown.items()) if v > 0)
        return f"estimated cost ${self.usd:.2f} ({parts}) reaches the guardrail ${self.guardrail_usd:.2f}"


@dataclass(frozen=True)
class Answer:
    approved: bool
    rationale: str
    who: Who
    label: str | None = None  # overrides confirmed/declined, e.g. "proposed" for a dry-run plan


class Decider(Protocol):
    @property
    def who(self) -> Who: ...
    def confirm_mode(self, question: ModeQuestion) -> Answer: ...
    def confirm_cost(self, question: CostQuestion) -> Answer: ...


@dataclass(frozen=True)
class FlagDecider:
    """The CLI without a terminal to ask: the flags (and their defaults) are the answer."""

    yes: bool = False
    who: Who = "cli-flag"

    def confirm_mode(self, question: ModeQuestion) -> Answer:
        return Answer(True, "mode, aspect and visual come from " + _origins_text(question.origins), "cli-flag")

    def confirm_cost(self, question: CostQuestion) -> Answer:
        if self.yes:
            return Answer(True, "--yes confirmed spending at or above the guardrail", "cli-flag")
        return Answer(False, "no --yes and no terminal to ask", "cli-flag")


@dataclass(frozen=True)
class PresetDecider:
    """Answers given ahead of time by an MCP client (generate_video's ``decisions`` argument)."""

    mode_confirmed: bool
    cost_approved: bool | None = None
    rationale: str = ""
    who: Who = "mcp-client"

    def confirm_mode(self, question: ModeQuestion) -> Answer:
        return Answer(self.mode_confirmed, self.rationale or "the client confirmed the plan", self.who)

    def confirm_cost(self, question: CostQuestion) -> Answer:
        return Answer(bool(self.cost_approved), self.rationale or "the client answered the cost question", self.who)


@dataclass(frozen=True)
class PlanningDecider:
    """A dry run plans without confirming: the mode is recorded as proposed, and a dry run spends nothing."""

    who: Who = "mcp-client"

    def confirm_mode(self, question: ModeQuestion) -> Answer:
        return Answer(True, "dry-run plan; the mode is not confirmed yet", self.who, label="proposed")

    def confirm_cost(self, question: CostQuestion) -> Answer:
        return Answer(False, "a dry run spends nothing", self.who)


@dataclass
class DecisionLog:
    """Appends records to <runDir>/decisions.jsonl (rewritten atomically, so a reader never sees half a line)."""

    run_dir: Path
    records: list[dict[str, Any]] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.run_dir / DECISIONS_FILE

    def record(self, subject: str, decision: str, rationale: str, who: Who, details: dict[str, Any]) -> None:
        self.records.append({"subject": subject, "decision": decision, "rationale": rationale, "who": who,
                             "details": details, "timestamp": datetime.now(UTC).isoformat(timespec="seconds")})
        text = "".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in self.records)
        write_text_atomic(self.path, text)


def mode_question(script: Script, settings: Settings) -> ModeQuestion:
    return ModeQuestion(mode=script.mode, aspect=script.aspect, visual=settings["visual"], compositor=COMPOSITOR,
                        origins={k: settings.origin(k) for k in ("mode", "aspect", "visual")})


def cost_question(plan: CostPlan, max_usd: float) -> CostQuestion:
    return CostQuestion(usd=plan.usd, guardrail_usd=max_usd, breakdown=dict(plan.breakdown))


def mode_checkpoint(log: DecisionLog, question: ModeQuestion, decider: Decider) -> None:
    answer = decider.confirm_mode(question)
    log.record(MODE_SUBJECT, answer.label or ("confirmed" if answer.approved else "declined"), answer.rationale,
               answer.who,
               question.to_json())
    if not answer.approved:
        raise InvalidInputError(f"the plan (mode {question.mode}, aspect {question.aspect}, visual "
                                f"{question.visual}) was not confirmed",
                                hint="confirm the mode-selection checkpoint, or change mode/aspect/visual")


def cost_checkpoint(log: DecisionLog, question: CostQuestion, decider: Decider) -> None:
    """Under the guardrail nothing is asked (recorded as not-required); above it, a refusal stops with exit 4."""
    if not question.crosses_guardrail:
        log.record(COST_SUBJECT, "not-required",
                   f"cost under guardrail (${question.usd:.2f} < ${question.guardrail_usd:.2f})", decider.who,
                   question.to_json())
        return
    answer = decider.confirm_cost(question)
    log.record(COST_SUBJECT, "approved" if answer.approved else "declined", answer.rationale, answer.who,
               question.to_json())
    if not answer.approved:
        raise InvalidInputError(question.describe(),
                                hint="pass --yes to spend it, raise --max-usd above the estimate, "
                                     "or choose key-free providers")


def read_decisions(run_dir: Path) -> list[dict[str, Any]]:
    path = run_dir / DECISIONS_FILE
    if not path.is_file():
        from reelforge.errors import NotFoundError

        raise NotFoundError(f"{path} does not exist", hint="decisions are recorded by runs made with this version",
                            file=str(path))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _origins_text(origins: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in origins.items())
