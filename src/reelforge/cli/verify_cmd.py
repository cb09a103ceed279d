"""`reelforge verify <runDir>`: recompute every hash in manifest.json and report mismatches."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from reelforge.cli.common import format_option, workspace_from
from reelforge.cli.output import Output

if TYPE_CHECKING:
    from reelforge.pipeline.verify import Problem


@click.command("verify")
@click.argument("run_dir", type=click.Path(file_okay=False))
@format_option
@click.pass_context
def verify_command(ctx: click.Context, run_dir: str, fmt: str) -> None:
    """Recompute the sha256 of every asset and output of RUN_DIR; exit 1 on any mismatch."""
    from reelforge.pipeline.verify import verify_run

    workspace = workspace_from(ctx)
    target = Path(run_dir) if Path(run_dir).is_absolute() else workspace.root / run_dir
    report = verify_run(target)
    output = Output(fmt)
    lines = [_line(p) for p in report.problems] or [f"ok: {report.checked} files match"]
    payload = {"runDir": str(target), "checked": report.checked,
               "problems": [p.to_json() for p in report.problems], "ok": report.ok}
    if report.ok:
        output.result(payload, lines)
        return
    if output.json:
        import json
        import sys

        sys.stdout.write(json.dumps({"exitCode": 1, **payload}, indent=2) + "\n")
    else:
        for line in lines:
            click.echo(line, err=True)
        if any(p.status == "unfinished" for p in report.problems):
            click.echo("the run never finished: run `reelforge video render <runDir>` or generate it again",
                       err=True)
        else:
            click.echo(f"{len(report.problems)} mismatch(es); re-run the stage that made them", err=True)
    raise click.exceptions.Exit(1)


def _line(problem: Problem) -> str:
    if problem.status == "unfinished":
        return (f"unfinished manifest.json says status {problem.actual!r}: the run never finished (killed?) "
                "or is still running")
    if problem.status == "credentials":
        return f"{problem.status:<9} {problem.path}: {problem.actual}"
    return f"{problem.status:<9} {problem.path}"
