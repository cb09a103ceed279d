"""The Python API with the CLI's verbs: submit, poll, list (QA and trace live in reelforge.qa / renders.trace).

Nothing touches the network before the request is validated, the gates pass, and the cost estimate is
under the guardrail (``--max-usd``, ``--yes``; shared with the image runner).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reelforge.jobs.cost import Estimate, check_guardrail
from reelforge.providers.pricing import video_price_per_second
from reelforge.renders.jobs import all_jobs
from reelforge.renders.request import load_request, media_list
from reelforge.renders.runner import PreparedRender, RenderResult, RenderRunner
from reelforge.workspace.contain import confine
from reelforge.workspace.paths import Workspace

RequestLike = Path | str | dict[str, Any]
DEFAULT_SECONDS = 10.0


def _ws(workspace: Workspace | Path | None) -> Workspace:
    return workspace if isinstance(workspace, Workspace) else Workspace.at(workspace)


def estimate(prepared: PreparedRender) -> Estimate:
    req = prepared.request
    data = req.data
    seconds = float(data.get("duration") or 0)
    if req.route in ("talking-head", "animatic"):
        audio = next((i for i in prepared.inputs if i.kind == "audio"), None)
        seconds = audio.duration_s if audio and audio.duration_s else DEFAULT_SECONDS
    elif req.route == "motion-transfer":
        motion = media_list(data.get("motionVideo"))
        given = motion[0].get("durationSeconds") if motion else None
        seconds = float(given) if isinstance(given, (int, float)) and given > 0 else DEFAULT_SECONDS
    usd = round(seconds * video_price_per_second(req.model.key, data["resolution"]), 4)
    return Estimate(usd, 1, {req.model.key: usd}, unit="video")


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
