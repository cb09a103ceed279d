"""Batches: a JSONL of requests, all validated and costed before any network call, then run concurrently
with a per-vendor limit. A rerun resumes: runs that already have an attempt are polled, never resubmitted.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelforge.batch.request_file import load_request_file
from reelforge.batch.runner import ImageRunner, ItemResult, Prepared
from reelforge.errors import FieldIssue, ReelforgeError, SchemaValidationError
from reelforge.jobs.cost import Estimate, check_guardrail, estimate_lines
from reelforge.models.image_request import ImageRequest
from reelforge.providers.pricing import image_price

Progress = Callable[[ItemResult], None]


def estimate(requests: Sequence[ImageRequest]) -> Estimate:
    """The image jobs' lines for the one cost guard (jobs.cost): outputs x list price per model."""
    return estimate_lines((r.spec.key, r.images_out, image_price(r.spec.key, r.data.get("quality")))
                          for r in requests)


@dataclass
class BatchResult:
    items: list[ItemResult]
    estimate: Estimate

    @property
    def failed(self) -> list[ItemResult]:
        return [i for i in self.items if i.error is not None]

    def to_json(self) -> dict[str, Any]:
        states: dict[str, int] = {}
        for item in self.items:
            states[item.state] = states.get(item.state, 0) + 1
        return {"items": [i.to_json() for i in self.items], "states": states, "failed": len(self.failed),
                "submitted": sum(1 for i in self.items if i.submitted), "estimate": self.estimate.to_json()}


def prepare_batch(runner: ImageRunner, path: Path, operation: str) -> list[Prepared]:
    """Validate every line first; report every bad line at once (exit 4), before any network call."""
    raws = load_request_file(path)
    prepared: list[Prepared] = []
    issues: list[FieldIssue] = []
    seen: set[tuple[str, str]] = set()
    for n, raw in enumerate(raws, start=1):
        try:
            item = runner.prepare(raw, operation, source=f"{path}:{n}")
        except SchemaValidationError as exc:
            issues.extend(FieldIssue(f"line {n}: {i.path}", i.message) for i in exc.issues)
            continue
        except ReelforgeError as exc:
            if exc.exit_code != 4:
                raise
            issues.append(FieldIssue(f"line {n}", exc.message))
            continue
        ident = (item.request.asset_id, item.request.run_id)
        if ident in seen:
            issues.append(FieldIssue(f"line {n}", f"duplicate assetId/runId {ident[0]}/{ident[1]}"))
        seen.add(ident)
        prepared.append(item)
    if issues:
        raise SchemaValidationError(f"batch {path.name}", issues, file=str(path))
    return prepared


def run_batch(runner: ImageRunner, prepared: list[Prepared], *, max_usd: float | None, yes: bool,
              new_attempt: bool = False, progress: Progress | None = None) -> BatchResult:
    todo = [p for p in prepared if new_attempt or p.log.blocking() is None]
    est = estimate([p.request for p in todo])
    check_guardrail(est, max_usd=max_usd, yes=yes)
    workers = sum(runner.gates.get(v).limit for v in {p.request.spec.vendor for p in prepared}) or 1
    results: list[ItemResult] = []
    with ThreadPoolExecutor(max_workers=min(workers, 64), thread_name_prefix="reelforge-image") as pool:
        # each worker runs in a copy of this context, so the workspace confinement applies there too
        futures = {pool.submit(contextvars.copy_context().run, _one, runner, p, new_attempt): p for p in prepared}
        for future in as_completed(futures):
            item = future.result()
            results.append(item)
            if progress:
                progress(item)
    order = {(p.request.asset_id, p.request.run_id): i for i, p in enumerate(prepared)}
    results.sort(key=lambda r: order[(r.asset_id, r.run_id)])
    return BatchResult(results, est)


def _one(runner: ImageRunner, prepared: Prepared, new_attempt: bool) -> ItemResult:
    try:
        return runner.run_one(prepared, new_attempt=new_attempt)
    except ReelforgeError as exc:
        latest = prepared.log.latest()
        return ItemResult(prepared.request.asset_id, prepared.request.run_id,
                          latest["attemptId"] if latest else None, latest["state"] if latest else "refused", [],
                          str(prepared.log.run_dir / "manifest.json"), submitted=latest is not None, error=exc)
