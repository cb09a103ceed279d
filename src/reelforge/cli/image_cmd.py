"""`reelforge image generate|edit|upload|poll` over the image batch runner."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import click

from reelforge.cli.common import format_option, workspace_from
from reelforge.cli.output import Output
from reelforge.errors import JobBusyError, ReelforgeError

_REQUEST = click.option("--request", "request_path", required=True, type=click.Path(dir_okay=False),
                        help="A normalized request JSON (or a .jsonl batch for generate/edit).")


def _submit_options(func: Any) -> Any:
    func = click.option("--new-attempt", is_flag=True,
                        help="Submit a run that was already submitted (pays again).")(func)
    func = click.option("--max-usd", type=float, help="Cost guardrail in USD (default 0.20).")(func)
    func = click.option("--yes", "-y", is_flag=True, help="Confirm a cost at or above the guardrail.")(func)
    return func


class _Bar:
    """A one-line progress bar on stderr (stdout stays free for --format json)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.done, self.failed, self.enabled = total, 0, 0, enabled
        self.lock = threading.Lock()

    def __call__(self, item: Any) -> None:
        with self.lock:
            self.done += 1
            self.failed += item.error is not None
            if self.enabled:
                width = 30
                filled = int(width * self.done / max(self.total, 1))
                sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}"
                                 f"  failed {self.failed}")
                if self.done == self.total:
                    sys.stderr.write("\n")
                sys.stderr.flush()


def _run(ctx: click.Context, operation: str, request_path: str, fmt: str, new_attempt: bool,
         max_usd: float | None, yes: bool) -> None:
    from reelforge.batch import api
    from reelforge.batch.batch import BatchResult
    from reelforge.batch.request_file import load_request_file

    output = Output(fmt)
    workspace = workspace_from(ctx)
    path = Path(request_path)
    bar = _Bar(len(load_request_file(path)), enabled=not output.json) if path.suffix == ".jsonl" else None
    verb = api.generate if operation == "text" else api.edit
    result = verb(path, workspace=workspace, new_attempt=new_attempt, max_usd=max_usd, yes=yes, progress=bar)
    if isinstance(result, BatchResult):
        _batch_output(output, workspace.internal, path, result)
        return
    payload = result.to_json()
    lines = [f"{result.asset_id}/{result.run_id} {result.attempt_id}: {result.state}",
             *(f"  candidate: {f}" for f in result.files), f"  manifest:  {result.manifest_path}"]
    output.result(payload, lines)


def _batch_output(output: Output, internal: Path, path: Path, result: Any) -> None:
    from datetime import UTC, datetime

    from reelforge.workspace.atomic import write_json_atomic

    summary = result.to_json()
    summary_path = internal / "batches" / f"{path.stem}-{datetime.now(UTC):%Y%m%d-%H%M%S-%f}.json"
    write_json_atomic(summary_path, summary)
    busy = [i for i in result.failed if isinstance(i.error, JobBusyError)]
    if busy and len(busy) == len(result.failed):
        raise JobBusyError(f"{len(busy)} of {len(result.items)} batch item(s) are being submitted right now by "
                           f"another live process (first: {busy[0].asset_id}/{busy[0].run_id}); the rest are done",
                           hint="wait for that process to finish, then run the same command again (nothing is "
                                "paid twice); do not pass --new-attempt", file=str(summary_path))
    if result.failed:
        first = result.failed[0]
        error = ReelforgeError(f"{len(result.failed)} of {len(result.items)} batch item(s) failed; first: "
                               f"{first.asset_id}/{first.run_id}: {first.error.message if first.error else ''}",
                               hint="fix them and run the same command again: finished runs are kept, not "
                                    "resubmitted", file=str(summary_path))
        causes = {(f.error.exit_code, f.error.kind) for f in result.failed if f.error is not None}
        if len(causes) == 1:  # one cause for every failure (e.g. a symlink escape: 2): its exit code, not 1
            error.exit_code, error.kind = causes.pop()
        raise error
    lines = [f"batch {path.name}: {len(result.items)} item(s), {summary['submitted']} submitted",
             *(f"  {state}: {n}" for state, n in sorted(summary["states"].items())), f"summary: {summary_path}"]
    output.result({**summary, "summaryPath": str(summary_path)}, lines)


@click.group("image")
def image_group() -> None:
    """Generate, edit, upload and poll hosted images into the asset store."""


@image_group.command("generate")
@_REQUEST
@_submit_options
@format_option
@click.pass_context
def generate_command(ctx: click.Context, request_path: str, fmt: str, new_attempt: bool, max_usd: float | None,
                     yes: bool) -> None:
    """Generate candidates from a request (or a .jsonl batch)."""
    _run(ctx, "text", request_path, fmt, new_attempt, max_usd, yes)


@image_group.command("edit")
@_REQUEST
@_submit_options
@format_option
@click.pass_context
def edit_command(ctx: click.Context, request_path: str, fmt: str, new_attempt: bool, max_usd: float | None,
                 yes: bool) -> None:
    """Edit an approved image (sourceImages) into new candidates."""
    _run(ctx, "edit", request_path, fmt, new_attempt, max_usd, yes)


@image_group.command("poll")
@_REQUEST
@click.option("--run-id", help="Poll this run instead of the request's runId.")
@click.option("--attempt-id", help="Poll this attempt instead of the latest submitted one.")
@format_option
@click.pass_context
def poll_command(ctx: click.Context, request_path: str, run_id: str | None, attempt_id: str | None,
                 fmt: str) -> None:
    """Check an async run once, or rebuild a finished run's files from its saved output URLs."""
    from reelforge.batch import api

    output = Output(fmt)
    result = api.poll(Path(request_path), run_id=run_id, attempt_id=attempt_id, workspace=workspace_from(ctx))
    output.result(result.to_json(), [f"{result.asset_id}/{result.run_id} {result.attempt_id}: {result.state}",
                                     *(f"  file: {f}" for f in result.files)])


@image_group.command("upload")
@_REQUEST
@format_option
@click.pass_context
def upload_command(ctx: click.Context, request_path: str, fmt: str) -> None:
    """Upload a local file (S3-compatible storage) so URL-only vendors can edit it."""
    from reelforge.batch import api

    output = Output(fmt)
    manifest = api.upload(Path(request_path), workspace=workspace_from(ctx))
    output.result(manifest, [f"uploaded {manifest['sourceAssetRelativePath']} -> {manifest['storageReference']}"])
