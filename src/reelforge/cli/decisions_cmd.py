"""The terminal side of the decision checkpoints: ask on a TTY, and `reelforge video decisions <runDir>`."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click

from reelforge.cli.common import format_option, workspace_from
from reelforge.cli.output import Output
from reelforge.pipeline.decisions import Answer, CostQuestion, Decider, FlagDecider, ModeQuestion, Who


@dataclass(frozen=True)
class TerminalDecider:
    """Flags answer the mode; a crossed cost guardrail is asked at the terminal (stderr prompt, stdin answer)."""

    who: Who = "interactive"

    def confirm_mode(self, question: ModeQuestion) -> Answer:
        return FlagDecider().confirm_mode(question)

    def confirm_cost(self, question: CostQuestion) -> Answer:
        breakdown = ", ".join(f"{k} ${v:.2f}" for k, v in sorted(question.breakdown.items()) if v > 0)
        click.echo(f"Estimated cost ${question.usd:.2f} ({breakdown}) reaches the guardrail "
                   f"${question.guardrail_usd:.2f}.", err=True)
        approved = click.confirm("Spend it?", default=False, err=True)
        return Answer(approved, "confirmed at the terminal" if approved else "declined at the terminal", "interactive")


def decider_for(yes: bool) -> Decider:
    """--yes or no terminal: the flags decide (exit 4 naming --yes/--max-usd); otherwise ask the person."""
    if yes or not sys.stdin.isatty():
        return FlagDecider(yes=yes)
    return TerminalDecider()


@click.command("decisions")
@click.argument("run_dir", type=click.Path(file_okay=False))
@format_option
@click.pass_context
def decisions_command(ctx: click.Context, run_dir: str, fmt: str) -> None:
    """Show the checkpoint decisions (mode-selection, cost-confirmation) recorded in RUN_DIR."""
    from reelforge.pipeline.decisions import read_decisions

    workspace = workspace_from(ctx)
    target = Path(run_dir) if Path(run_dir).is_absolute() else workspace.root / run_dir
    records = read_decisions(target)
    lines = [f"{r['timestamp']}  {r['subject']:<24} {r['decision']:<12} by {r['who']}: {r['rationale']}"
             for r in records]
    Output(fmt).result({"runDir": str(target), "decisions": records}, lines)
