"""The Python API with the CLI's verbs: submit, poll, list (QA and trace live in reelforge.qa / renders.trace).

Nothing touches the network before the request is validated, the gates pass, and the cost estimate is
under the guardrail (``--max-usd``, ``--yes``; shared with the image runner).
"""

from __future__ import annotations

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


def estimate(prepared: PreparedRender) -> Estimate:
    return cost.estimate(prepared.request, prepared.inputs)


def submit(request: RequestLike, *, workspace: Workspace | Path | None = None, new_attempt: bool = False,
           max_usd: float | None = None, yes: bool = False, wait: float = 0.0,
           runner: RenderRunner | None = None) -> RenderResult:
    run = runner or RenderRunner(_ws(workspace))
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
    run = runner or RenderRunner(_ws(workspace))
    with confine(run.workspace.root):
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
