"""`reelforge video batch jobs.jsonl`: many videos, one line each, on the local machine or a Ray cluster."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from reelforge.cli.common import format_option, workspace_from
from reelforge.cli.output import Output
from reelforge.config import resolve_settings


class _StderrWatcher:
    """One line on stderr whenever a video changes stage or status, with the overall count."""

    def __init__(self) -> None:
        self._seen: dict[int, tuple[str, str | None, int]] = {}

    def __call__(self, summary: object) -> None:
        from reelforge.pipeline.videobatch.summary import FINAL, BatchSummary

        assert isinstance(summary, BatchSummary)
        done = sum(1 for s in summary.lines.values() if s.status in FINAL)
        for state in sorted(summary.lines.values(), key=lambda s: s.line):
            key = (state.status, state.stage, int(state.fraction * 4))
            if self._seen.get(state.line) == key:
                continue
            self._seen[state.line] = key
            what = state.status if state.status in FINAL else f"{state.stage or state.status} {state.fraction:.0%}"
            click.echo(f"[batch {done}/{len(summary.lines)}] line {state.line}: {what}", err=True)


@click.command("batch")
@click.argument("jobs", type=click.Path(dir_okay=False))
@click.option("--engine", type=click.Choice(["local", "ray"]), help="local (process pool, default) or ray.")
@click.option("--ray-address", help="Ray cluster address (or REELFORGE_RAY_ADDRESS); empty: a local Ray.")
@click.option("--workers", type=click.IntRange(1, 512), help="local engine: videos at once (default: the CPUs).")
@click.option("--out", help="Directory for the batch's run folders (inside the workspace).")
@click.option("--max-usd", type=float, help="Cost guardrail for the whole batch, in USD.")
@click.option("--yes", "-y", is_flag=True, help="Confirm a batch whose total cost is at or above the guardrail.")
@format_option
@click.pass_context
def batch_command(ctx: click.Context, jobs: str, workers: int | None, yes: bool, fmt: str,
                  **flags: object) -> None:
    """Make one video per line of JOBS (JSONL: {"brief": ...} or {"script": ...} plus generate options)."""
    from reelforge.pipeline.videobatch import BatchRequest, run_batch

    output = Output(fmt)
    workspace = workspace_from(ctx)
    settings = resolve_settings(workspace_root=workspace.root, flags=flags)
    path = Path(jobs) if Path(jobs).is_absolute() else workspace.root / jobs
    result = run_batch(BatchRequest(path, workspace, settings, yes=yes, workers=workers),
                       None if output.json else _StderrWatcher())
    rows = [s.to_json() for s in result.lines]
    code = 1 if result.failed else 0
    payload = {"exitCode": code, "summary": str(result.summary_path), "estimatedUsd": result.estimated_usd,
               "lines": rows}
    if output.json:
        sys.stdout.write(json.dumps(payload, indent=2, sort_keys=True) + "\n")
    else:
        for s in result.lines:
            click.echo(f"line {s.line:>3} {s.status:<11} {s.video or (s.error or {}).get('message', '')}")
        click.echo(f"summary: {result.summary_path}")
    if code:
        raise click.exceptions.Exit(code)
