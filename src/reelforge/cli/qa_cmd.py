"""`reelforge qa record`: a person's verdict on a render (renders are never auto-approved)."""

from __future__ import annotations

import click

from reelforge.cli.common import format_option, workspace_from
from reelforge.cli.output import Output
from reelforge.errors import InvalidInputError


@click.group("qa")
def qa_group() -> None:
    """Human creative QA records."""


def _scores(values: tuple[str, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    for value in values:
        name, _, number = value.partition("=")
        if not name or not number.isdigit():
            raise InvalidInputError(f"--score {value!r} is not NAME=1..5", hint="e.g. --score lipSync=4")
        out[name] = int(number)
    return out


@qa_group.command("record")
@click.argument("job_id")
@click.option("--verdict", required=True, type=click.Choice(["approved", "revise", "reject"]))
@click.option("--worked", multiple=True, help="What worked (repeatable; required for approved).")
@click.option("--failed", multiple=True, help="What failed (repeatable; required for revise and reject).")
@click.option("--rerun-stage", type=click.Choice(["script", "voice", "image", "render"]),
              help="The stage to rerun (required for revise).")
@click.option("--issue", "issues", multiple=True, help="Issue category, e.g. lip_sync, persona_drift (repeatable).")
@click.option("--reviewer", help="Who reviewed (default: $USER).")
@click.option("--note", help="Free text kept in the record.")
@click.option("--score", "scores", multiple=True, help="NAME=1..5, e.g. lipSync=4 (repeatable).")
@format_option
@click.pass_context
def record_command(ctx: click.Context, job_id: str, verdict: str, worked: tuple[str, ...], failed: tuple[str, ...],
                   rerun_stage: str | None, issues: tuple[str, ...], reviewer: str | None, note: str | None,
                   scores: tuple[str, ...], fmt: str) -> None:
    """Record a verdict for JOB_ID's render in its qa/ folder and the manifest's feedback history."""
    from reelforge.qa import record_qa
    from reelforge.workspace.contain import confine

    workspace = workspace_from(ctx)
    with confine(workspace.root):  # the qa/ folder of a job is checked inside the workspace like every write
        report = record_qa(job_id, verdict=verdict, worked=worked, failed=failed, rerun_stage=rerun_stage,
                           issues=issues, reviewer=reviewer, notes=note, scores=_scores(scores),
                           workspace=workspace)
    Output(fmt).result(report, [f"{report['qaReportId']}: {verdict} ({job_id})", f"  record: {report['path']}",
                                f"  next: {report['proposedAction']}"])
