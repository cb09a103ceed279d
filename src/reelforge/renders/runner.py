"""The render runner: validate + gates (no network) -> attempt written -> submit with retries -> poll -> download.

Submit returns as soon as the vendor accepted the job (the job is saved and pollable); ``wait`` makes the
same call keep polling up to a deadline, after which it exits 6 and leaves the job pollable. Poll resumes
from the files alone after a crash: an attempt in ``submitted_processing`` is checked again, one in
``provider_completed`` / ``materialization_failed`` is downloaded again from the vault, a materialized one
is answered without any network call. An attempt is never resubmitted without ``new_attempt``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reelforge.config import resolve_settings
from reelforge.errors import (
    AuthRequiredError,
    InvalidInputError,
    NotFoundError,
    ProviderCallError,
    ProviderError,
    ReelforgeError,
    StageTimeoutError,
)
from reelforge.jobs import submit as submit_outcome
from reelforge.jobs.adapters import AdapterPool
from reelforge.jobs.deadline import JobDeadline
from reelforge.jobs.disk_full import DiskFullGuard
from reelforge.jobs.exit_record import exit_code_recorded
from reelforge.jobs.poll import poll_until
from reelforge.jobs.retry import Gates, RetryPolicy, call_with_retries
from reelforge.jobs.states import MATERIALIZED, phase_of
from reelforge.jobs.vault import drop, load_urls, save_urls, vault_path
from reelforge.models.render_request import RenderRequest
from reelforge.providers.http import Deadlines
from reelforge.providers.image.base import api_key, redact_json, redact_text
from reelforge.providers.registry import create, known_secrets
from reelforge.providers.video.base import PENDING, VideoProvider, VideoResult, redact_body
from reelforge.providers.video.catalog import VENDOR_KEY_ENV, video_model
from reelforge.renders.cost import estimate
from reelforge.renders.gates import Input, resolve_inputs
from reelforge.renders.jobs import JobPaths, find_job, job_paths
from reelforge.renders.manifest import STATUS_OF_STATE, write_manifest
from reelforge.renders.materialize import materialize
from reelforge.renders.wire import build_job
from reelforge.workspace.atomic import write_json_atomic
from reelforge.workspace.paths import Workspace

_STATUS = {"queued": "processing", "running": "processing", "failed": "failed", "expired": "expired",
           "cancelled": "cancelled"}


@dataclass
class PreparedRender:
    request: RenderRequest
    paths: JobPaths
    inputs: list[Input] = field(default_factory=list)


@dataclass
class RenderResult:
    job_id: str
    status: str
    provider_status: str | None
    prediction_id: str | None
    files: list[str]
    manifest_path: str
    submitted: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"jobId": self.job_id, "status": self.status, "providerStatus": self.provider_status,
                "predictionId": self.prediction_id, "files": self.files, "manifestPath": self.manifest_path,
                "submitted": self.submitted}


def default_provider(vendor: str, deadlines: Deadlines | None = None) -> VideoProvider:
    provider: VideoProvider = create("video", vendor, **({"deadlines": deadlines} if vendor != "local" else {}))
    return provider


def _deadlines(deadlines: Deadlines, download_timeout: float | None) -> Deadlines:
    if download_timeout is None:
        return deadlines
    return Deadlines(deadlines.connect_s, deadlines.call_s, download_timeout)


class RenderRunner(AdapterPool[VideoProvider]):
    def __init__(self, workspace: Workspace, *, gates: Gates | None = None, policy: RetryPolicy | None = None,
                 providers: Callable[[str], VideoProvider] | None = None,
                 presign: Callable[[dict[str, Any]], str] | None = None, deadlines: Deadlines | None = None,
                 download_timeout: float | None = None, poll_interval: float | None = None,
                 sleep: Callable[[float], None] = time.sleep, job_deadline: JobDeadline | None = None) -> None:
        settings = resolve_settings(workspace_root=workspace.root)
        self.job_deadline = job_deadline or JobDeadline.from_settings(settings)
        self.workspace = workspace
        self.gates = gates or Gates()
        self.policy = policy or RetryPolicy.from_settings(settings)
        super().__init__(providers or (lambda vendor: default_provider(vendor, self.deadlines)))
        self.presign = presign
        self.deadlines = _deadlines(deadlines or Deadlines.from_settings(settings), download_timeout)
        self.poll_interval = poll_interval if poll_interval is not None else float(settings["render_poll_interval_s"])
        self.sleep = sleep

    # ---- validation and gates (no network)
    def prepare(self, raw: dict[str, Any], *, source: str | None = None, check_key: bool = True) -> PreparedRender:
        req = RenderRequest.settle(raw, lookup=video_model, source=source)
        paths = job_paths(self.workspace, req.job_id, req.data["localOutputDir"])
        inputs = resolve_inputs(self.workspace, req)
        env = VENDOR_KEY_ENV.get(req.video.vendor)
        if check_key and env and not api_key(env):
            raise AuthRequiredError(f"{env} is not set; model {req.video.key} ({req.video.vendor}) needs it",
                                    hint=f"export {env}=<your key>, or use model video-local-animatic (key-free)")
        return PreparedRender(req, paths, inputs)

    # ---- submit
    def submit(self, prepared: PreparedRender, *, new_attempt: bool = False, wait: float = 0.0) -> RenderResult:
        req, paths = prepared.request, prepared.paths
        job, wire_record = build_job(self.workspace, req, prepared.inputs, paths, presign=self.presign)
        # media URLs may carry signatures: the record keeps scheme, host and path only
        record = redact_body({**req.data, "inputs": [i.record(self.workspace.root) for i in prepared.inputs],
                              "providerBody": wire_record})
        log = paths.log
        try:
            attempt = log.create(record, operation=req.route, new_attempt=new_attempt)
        except InvalidInputError as exc:
            raise InvalidInputError(exc.message.replace(f"run {req.job_id} of asset {req.job_id}",
                                                        f"render job {req.job_id}"),
                                    hint=f"poll it: reelforge render poll {req.job_id} (or pass --new-attempt to "
                                         "pay for another render)", file=exc.file) from None
        with _exit_recorded(paths):
            with _guard(paths, req.data, attempt).held() as guard:
                out, deadline = self._submit(prepared, job, record, attempt, guard)
            return self._wait(paths, out, wait, deadline) if wait > 0 and out.status == "processing" else out

    def _submit(self, prepared: PreparedRender, job: Any, record: dict[str, Any], attempt: dict[str, Any],
                guard: DiskFullGuard) -> tuple[RenderResult, JobDeadline]:
        req, paths, log = prepared.request, prepared.paths, prepared.paths.log
        paths.write_pointer()
        write_json_atomic(paths.request, record)
        est = estimate(req, prepared.inputs)
        write_manifest(paths, req.data, attempt, inputs=record["inputs"], status="submitting", assets=[],
                       error=None, cost={"estimatedUsd": est.usd, "breakdown": est.by_model})
        provider = self.provider(req.video.vendor)
        deadline = self.job_deadline.start()  # one total for the submit's retries and the --wait after it
        guard.submitting_becomes = "in_doubt"  # from here on the vendor may have the job

        try:
            try:
                result = call_with_retries(lambda: provider.submit(job), gate=self.gates.get(req.video.vendor),
                                           policy=self.policy, idempotent=False, on_retry=log.retry_recorder(attempt),
                                           deadline=deadline)
            except ProviderCallError as exc:
                raise self._submit_failed(paths, req, attempt, exc) from None
            except ReelforgeError as exc:  # the local route failed on this machine: nothing was charged
                log.update(attempt, state="not_submitted", error={"message": exc.message})
                write_manifest(paths, req.data, attempt, status="not_submitted", error={"message": exc.message})
                raise
            out = self._handle(paths, req.data, attempt, result, kind="submit")  # records the answer, then unlocks
        finally:
            log.release(attempt)  # only a bug gets here still `submitting`: no live owner, so in doubt
        return out, deadline

    def _secrets(self, vendor: str) -> tuple[str | None, ...]:
        env = VENDOR_KEY_ENV.get(vendor)
        return (api_key(env) if env else None, *known_secrets())

    def _submit_failed(self, paths: JobPaths, req: RenderRequest, attempt: dict[str, Any],
                       exc: ProviderCallError) -> ReelforgeError:
        """One classification (jobs.submit) for every job; the manifest follows the attempt's new state."""
        log, vendor = paths.log, req.video.vendor
        body = redact_text(exc.raw_body or "", self._secrets(vendor))
        saved = log.attempt_dir(attempt["attemptId"]) / "submission-error.json"
        write_json_atomic(saved, {"kind": exc.call_kind, "status": exc.status, "body": body[:20_000]})
        outcome = submit_outcome.classify(exc, vendor=vendor, key_env=VENDOR_KEY_ENV.get(vendor),
                                          label=f"render job {req.job_id}", tries=self.policy.attempts, saved=saved,
                                          body_excerpt=body[:300])
        error = {"message": str(exc), "kind": exc.call_kind, "status": exc.status}
        log.update(attempt, state=outcome.state, error=error)
        write_manifest(paths, req.data, attempt, error=error)
        return outcome.error

    # ---- results
    def _handle(self, paths: JobPaths, data: dict[str, Any], attempt: dict[str, Any], result: VideoResult,
                *, kind: str) -> RenderResult:
        log = paths.log
        response = redact_json({"status": result.status, "providerStatus": result.provider_status,
                                "predictionId": result.prediction_id, "body": redact_body(result.raw),
                                "usage": result.usage, "error": result.error},
                               self._secrets(str(data.get("provider"))))
        log.save_response(attempt, kind, response)
        write_json_atomic(paths.response, response)
        ids = {"predictionId": result.prediction_id or attempt.get("predictionId"),
               "providerStatus": result.status, "providerStatusRaw": result.provider_status}
        attempt["predictionId"] = ids["predictionId"]
        if result.status in PENDING:
            log.update(attempt, state="submitted_processing", generationHandle=result.handle or attempt.get(
                "generationHandle"), providerStatus=result.status)
            write_manifest(paths, data, attempt, status="processing", **ids)
            return self._result(paths, submitted=kind == "submit")
        if result.status != "succeeded":
            log.update(attempt, state="provider_failed", providerStatus=result.status, error=result.error)
            write_manifest(paths, data, attempt, status=_STATUS[result.status], error=result.error, **ids)
            message = (result.error or {}).get("message") or result.status
            raise ReelforgeError(f"render job {paths.job_id} ended {result.status}: {message}",
                                 hint=f"see {paths.response}; fix the request and submit with --new-attempt",
                                 file=str(paths.manifest))
        urls = {i: u for i, u in enumerate((result.video_url, result.last_frame_url)) if u}
        if urls:
            save_urls(self._vault(paths, attempt), urls)
        log.update(attempt, state="provider_completed", providerStatus="succeeded",
                   localResult=str(result.local_path) if result.local_path else None)
        write_manifest(paths, data, attempt, status="downloading", usage=result.usage, **ids)
        return self._materialize(paths, data, attempt, submitted=kind == "submit")

    def _vault(self, paths: JobPaths, attempt: dict[str, Any]) -> Any:
        return vault_path(self.workspace.internal, "renders", paths.job_id, attempt["attemptId"])

    def _materialize(self, paths: JobPaths, data: dict[str, Any], attempt: dict[str, Any], *,
                     submitted: bool) -> RenderResult:
        vpath = self._vault(paths, attempt)
        try:
            assets = materialize(paths, data, attempt, load_urls(vpath), deadlines=self.deadlines)
        except ProviderError as exc:
            paths.log.update(attempt, state="materialization_failed", materializationError={"message": exc.message})
            write_manifest(paths, data, attempt, status="materialization_failed",
                           error={"message": exc.message, "recoverable": True})
            raise
        # the manifest (with its assets) first, the attempt's "materialized" last: a kill in between leaves
        # the attempt provider_completed and the next poll materializes again (kept files are reused)
        done = {**attempt, "state": MATERIALIZED, "phase": phase_of(MATERIALIZED),
                "nextAction": paths.log.next_action(MATERIALIZED)}  # not the provider_completed ones it had
        write_manifest(paths, data, done, status="review_pending", assets=assets,
                       error=None)
        paths.log.update(attempt, state="materialized", materializationError=None)
        drop(vpath)
        return self._result(paths, submitted=submitted)

    def _result(self, paths: JobPaths, *, submitted: bool = False) -> RenderResult:
        m = paths.read_manifest()
        return RenderResult(paths.job_id, m.get("status", "unknown"), m.get("providerStatus"), m.get("predictionId"),
                            [a["relativePath"] for a in m.get("assets", [])], str(paths.manifest), submitted)

    # ---- poll / resume
    def poll(self, job_id: str, *, wait: float = 0.0) -> RenderResult:
        paths = find_job(self.workspace, job_id)
        deadline = self.job_deadline.start()
        latest = paths.log.latest()
        if latest is not None and latest["state"] == MATERIALIZED:  # answered from the files: nothing to record
            return self._poll_once(paths, deadline)
        with _exit_recorded(paths):
            out = self._poll_once(paths, deadline)
            return self._wait(paths, out, wait, deadline) if wait > 0 and out.status == "processing" else out

    def _poll_once(self, paths: JobPaths, deadline: JobDeadline | None = None) -> RenderResult:
        log = paths.log
        latest = log.latest()
        if latest is None:
            raise NotFoundError(f"render job {paths.job_id} has no attempt",
                                hint="submit it: reelforge render submit --request ...")
        attempt = log.read_attempt(latest["attemptId"])
        data = _attempt_request(paths, attempt)
        state = attempt["state"]
        if state == "materialized":
            return self._result(paths)
        with _guard(paths, data, attempt).held():
            return self._resume(paths, data, attempt, deadline)

    def _resume(self, paths: JobPaths, data: dict[str, Any], attempt: dict[str, Any],
                deadline: JobDeadline | None) -> RenderResult:
        log, state = paths.log, attempt["state"]
        if state in ("provider_completed", "materialization_failed"):
            return self._materialize(paths, data, attempt, submitted=False)
        if state == "submitted_processing":
            provider = self.provider(data["provider"])
            try:
                result = call_with_retries(lambda: provider.poll(attempt["generationHandle"]),
                                           gate=self.gates.get(data["provider"]), policy=self.policy,
                                           idempotent=True, deadline=deadline)
            except ProviderCallError as exc:
                raise submit_outcome.poll_error(exc, vendor=data["provider"], key_env=VENDOR_KEY_ENV.get(
                    data["provider"]), label=f"render job {paths.job_id}", poll_command=log.poll_command) from None
            return self._handle(paths, data, attempt, result, kind="poll")
        raise InvalidInputError(f"render job {paths.job_id} attempt {attempt['attemptId']} is {state}: "
                                f"{attempt['nextAction']}", hint="submit again with --new-attempt",
                                file=str(paths.manifest))

    def _wait(self, paths: JobPaths, out: RenderResult, wait: float, deadline: JobDeadline) -> RenderResult:
        out, timed_out = poll_until(out, lambda _: self._poll_once(paths, deadline),
                                    pending=lambda r: r.status == "processing", interval=self.poll_interval,
                                    deadline_s=wait, sleep=self.sleep, job=deadline)
        if timed_out and not deadline.allows(self.poll_interval):
            raise deadline.error(f"render job {paths.job_id}", f"waiting for it (still {out.provider_status})",
                                 f"it keeps running at the vendor; resume with: reelforge render poll "
                                 f"{paths.job_id} --wait 600")
        if timed_out:
            raise StageTimeoutError(f"render job {paths.job_id} is still {out.provider_status} after {wait:g} s",
                                    hint=f"it keeps running at the vendor; resume with: reelforge render poll "
                                         f"{paths.job_id} --wait 600", file=str(paths.manifest))
        return out


def _exit_recorded(paths: JobPaths) -> Any:
    """The command's exit code into the job's manifest when it ends."""
    def record(code: int) -> None:
        if paths.manifest.is_file():
            write_manifest(paths, {}, None, exitCode=code)

    return exit_code_recorded(record)


def _guard(paths: JobPaths, data: dict[str, Any], attempt: dict[str, Any]) -> DiskFullGuard:
    def record(fields: dict[str, Any]) -> None:
        status = "materialization_failed" if attempt["state"] == "materialization_failed" else (
            STATUS_OF_STATE.get(attempt["state"]) or paths.read_manifest().get("status") or "failed")
        write_manifest(paths, data, attempt, status=status, error={**fields["error"], "recoverable": True})

    return DiskFullGuard(paths.log, attempt, record)


def _attempt_request(paths: JobPaths, attempt: dict[str, Any]) -> dict[str, Any]:
    from reelforge.assets.store import read_json

    data = read_json(paths.log.attempt_dir(attempt["attemptId"]) / "request.json", None)
    if data is None:
        raise NotFoundError(f"the request record of render job {paths.job_id} is missing",
                            hint=f"restore {paths.internal}", file=str(paths.internal))
    return data
