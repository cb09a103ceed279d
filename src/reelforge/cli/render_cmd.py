"""`reelforge render submit|poll|list` over the render runner (talking-head, Seedance, motion transfer, animatic)."""

from __future__ import annotations

from pathlib import Path

import click

from reelforge.cli.common import format_option, workspace_from
from reelforge.cli.output import Output

_WAIT = click.option("--wait", type=float, default=0.0, show_default=True,
                     help="Keep polling up to this many seconds; past it exit 6 and leave the job pollable.")


def _lines(result: dict[str, object]) -> list[str]:
    lines = [f"{result['jobId']}: {result['status']} (provider {result['providerStatus'] or '-'}, "
             f"prediction {result['predictionId'] or '-'})"]
    lines += [f"  render: {f}" for f in result["files"]]  # type: ignore[attr-defined]
    lines.append(f"  manifest: {result['manifestPath']}")
    if result["status"] == "processing":
        lines.append(f"  next: reelforge render poll {result['jobId']}")
    if result["status"] == "review_pending":
        lines.append(f"  next: reelforge qa record {result['jobId']} --verdict approved|revise|reject ...")
    return lines


@click.group("render")
def render_group() -> None:
    """Render videos from approved assets; every render waits for a human QA verdict."""


@render_group.command("submit")
@click.option("--request", "request_path", required=True, type=click.Path(dir_okay=False),
              help="A render request JSON (jobId, model, lineage ids, assetPurpose, sourceBasis, localOutputDir...).")
@click.option("--new-attempt", is_flag=True, help="Submit a job that was already submitted (pays again).")
@click.option("--max-usd", type=float, help="Cost guardrail in USD (default 0.20).")
@click.option("--yes", "-y", is_flag=True, help="Confirm a cost at or above the guardrail.")
@_WAIT
@format_option
@click.pass_context
def submit_command(ctx: click.Context, request_path: str, new_attempt: bool, max_usd: float | None, yes: bool,
                   wait: float, fmt: str) -> None:
    """Validate, check approvals, and submit; returns as soon as the job is saved at the vendor."""
    from reelforge.renders import api

    result = api.submit(Path(request_path), workspace=workspace_from(ctx), new_attempt=new_attempt,
                        max_usd=max_usd, yes=yes, wait=wait).to_json()
    Output(fmt).result(result, _lines(result))


@render_group.command("poll")
@click.argument("job_id")
@_WAIT
@format_option
@click.pass_context
def poll_command(ctx: click.Context, job_id: str, wait: float, fmt: str) -> None:
    """Check a job once (or until --wait runs out), download a finished render; never resubmits."""
    from reelforge.renders import api

    result = api.poll(job_id, workspace=workspace_from(ctx), wait=wait).to_json()
    Output(fmt).result(result, _lines(result))


@render_group.command("list")
@format_option
@click.pass_context
def list_command(ctx: click.Context, fmt: str) -> None:
    """List render jobs with their status."""
    from reelforge.renders import api

    jobs = api.list_jobs(workspace=workspace_from(ctx))
    lines = [f"{j['jobId']:<24} {j['status'] or '-':<16} {j['model'] or '-':<34} {j['resolution'] or '-'}"
             for j in jobs] or ["no render jobs"]
    Output(fmt).result({"jobs": jobs}, lines)
