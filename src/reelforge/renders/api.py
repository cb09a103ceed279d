"""The Python API with the CLI's verbs: submit, poll, list (QA and trace live in reelforge.qa / renders.trace).

Nothing touches the network before the request is validated, the gates pass, and the cost estimate is
under the guardrail (``--max-usd``, ``--yes``; shared with the image runner).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reelforge.jobs.cost import Estimate, check_guardrail
from reelforge.renders import cost
from reelforge.renders.jobs import all_jobs
from reelforge.renders.request_file import load_request
from reelforge.renders.runner import PreparedRender, RenderResult, RenderRunner
from reelforge.workspace.contain import confine
from reelforge.workspace.paths import Workspace

RequestLike = Path | str | dict[str, Any]


def _ws(workspace: Workspace | Path | None) -> Workspace:
    return workspace if isinstance(workspace, Workspace) else Workspace.at(workspace)


@contextmanager
def _runner(workspace: Workspace | Path | None, runner: RenderRunner | None) -> Iterator[RenderRunner]:
    """The caller's runner, or one built here and closed (with its adapters' connections) when done."""
    if runner is not None:
        yield runner
        return
    with RenderRunner(_ws(workspace)) as built:
        yield built


def estimate(prepared: PreparedRender) -> Estimate:
    return cost.estimate(prepared.request, prepared.inputs)


def submit(request: RequestLike, *, workspace: Workspace | Path | None = None, new_attempt: bool = False,
           max_usd: float | None = None, yes: bool = False, wait: float = 0.0,
           runner: RenderRunner | None = None) -> RenderResult:
    with _runner(workspace, runner) as run:
        return _submit(run, request, new_attempt=new_attempt, max_usd=max_usd, yes=yes, wait=wait)


def _submit(run: RenderRunner, request: RequestLike, *, new_attempt: bool, max_usd: float | None, yes: bool,
            wait: float) -> RenderResult:
    source = None
    if not isinstance(request, dict):
        source = str(request)
        request = load_request(Path(request))
    with confine(run.workspace.root):  # every write below is checked inside the workspace
        prepared = run.prepare(request, source=source)
        est = estimate(prepared)
        check_guardrail(est, max_usd=max_usd, yes=yes)
        return run.submit(prepared, new_attempt=new_attempt, wait=wait)


def poll(job_id: str, *, workspace: Workspace | Path | None = None, wait: float = 0.0,
         runner: RenderRunner | None = None) -> RenderResult:
    with _runner(workspace, runner) as run, confine(run.workspace.root):
        return run.poll(job_id, wait=wait)


def list_jobs(*, workspace: Workspace | Path | None = None) -> list[dict[str, Any]]:
    rows = []
    for paths in all_jobs(_ws(workspace)):
        m = paths.read_manifest()
        rows.append({"jobId": paths.job_id, "route": m.get("route"), "model": m.get("model"),
                     "status": m.get("status"), "providerStatus": m.get("providerStatus"),
                     "predictionId": m.get("predictionId"), "resolution": m.get("resolution"),
                     "pathTaken": m.get("pathTaken"), "manifestPath": str(paths.manifest),
                     "updatedAt": m.get("updatedAt")})
    return rows
