"""The Python API, with the same verbs as the CLI: generate, edit, upload, poll (+ approve/reject).

``request`` is a path to a JSON request (or envelope), a JSONL batch, or a dict. Nothing touches the
network before the request is validated, costed and checked against the guardrail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reelforge.assets import api as assets_api
from reelforge.assets.store import AssetStore
from reelforge.batch.batch import BatchResult, Progress, estimate, prepare_batch, run_batch
from reelforge.batch.request_file import load_request_file
from reelforge.batch.runner import ImageRunner, ItemResult
from reelforge.batch.upload import upload as _upload
from reelforge.errors import InvalidInputError
from reelforge.jobs.cost import check_guardrail
from reelforge.workspace.contain import confine
from reelforge.workspace.paths import Workspace

RequestLike = Path | str | dict[str, Any]


@contextmanager
def _runner(workspace: Workspace | Path | None, runner: ImageRunner | None) -> Iterator[ImageRunner]:
    """The caller's runner, or one built here and closed (with its adapters' connections) when done."""
    if runner is not None:
        yield runner
        return
    ws = workspace if isinstance(workspace, Workspace) else Workspace.at(workspace)
    with ImageRunner(ws) as built:
        yield built


def _single(request: RequestLike) -> tuple[dict[str, Any], str | None]:
    if isinstance(request, dict):
        return request, None
    path = Path(request)
    items = load_request_file(path)
    if len(items) != 1:
        raise InvalidInputError(f"{path} holds {len(items)} requests; this verb takes one",
                                hint="use a .jsonl file for batches (generate/edit)", file=str(path))
    return items[0], str(path)


def _submit(operation: str, request: RequestLike, *, workspace: Workspace | Path | None, new_attempt: bool,
            max_usd: float | None, yes: bool, runner: ImageRunner | None,
            progress: Progress | None) -> ItemResult | BatchResult:
    with _runner(workspace, runner) as run, confine(run.workspace.root):  # every write checked inside the workspace
        if not isinstance(request, dict) and Path(request).suffix == ".jsonl":
            prepared = prepare_batch(run, Path(request), operation)
            return run_batch(run, prepared, max_usd=max_usd, yes=yes, new_attempt=new_attempt, progress=progress)
        raw, source = _single(request)
        item = run.prepare(raw, operation, source=source)
        blocking = item.log.blocking()
        if blocking is None or new_attempt:
            check_guardrail(estimate([item.request]), max_usd=max_usd, yes=yes)
        return run.submit(item, new_attempt=new_attempt)


def generate(request: RequestLike, *, workspace: Workspace | Path | None = None, new_attempt: bool = False,
             max_usd: float | None = None, yes: bool = False, runner: ImageRunner | None = None,
             progress: Progress | None = None) -> ItemResult | BatchResult:
    return _submit("text", request, workspace=workspace, new_attempt=new_attempt, max_usd=max_usd, yes=yes,
                   runner=runner, progress=progress)


def edit(request: RequestLike, *, workspace: Workspace | Path | None = None, new_attempt: bool = False,
         max_usd: float | None = None, yes: bool = False, runner: ImageRunner | None = None,
         progress: Progress | None = None) -> ItemResult | BatchResult:
    return _submit("edit", request, workspace=workspace, new_attempt=new_attempt, max_usd=max_usd, yes=yes,
                   runner=runner, progress=progress)


def poll(request: RequestLike, *, run_id: str | None = None, attempt_id: str | None = None,
         workspace: Workspace | Path | None = None, runner: ImageRunner | None = None) -> ItemResult:
    raw, source = _single(request)
    if run_id:
        raw = {**raw, "runId": run_id}
    operation = "edit" if raw.get("mode") == "edit" or str(raw.get("model", "")).endswith(
        ("-edit", "-edit-sequential")) or "-edit-" in str(raw.get("model", "")) else "text"
    with _runner(workspace, runner) as run, confine(run.workspace.root):
        item = run.prepare(raw, operation, source=source)
        return run.poll(item, attempt_id=attempt_id)


def upload(request: RequestLike, *, workspace: Workspace | Path | None = None) -> dict[str, Any]:
    ws = workspace if isinstance(workspace, Workspace) else Workspace.at(workspace)
    raw, source = _single(request)
    with confine(ws.root):
        return _upload(raw, ws, source=source)


def asset_store(asset_id: str, *, workspace: Workspace | Path | None = None,
                asset_dir: Path | None = None) -> AssetStore:
    return assets_api.asset_store(asset_id, workspace=workspace, asset_dir=asset_dir)


def approve(asset_id: str, file: str, *, workspace: Workspace | Path | None = None, asset_dir: Path | None = None,
            note: str | None = None) -> dict[str, Any]:
    return assets_api.review(asset_id, file, "approve", workspace=workspace, asset_dir=asset_dir, note=note)


def reject(asset_id: str, file: str, *, workspace: Workspace | Path | None = None, asset_dir: Path | None = None,
           note: str | None = None) -> dict[str, Any]:
    return assets_api.review(asset_id, file, "reject", workspace=workspace, asset_dir=asset_dir, note=note)
