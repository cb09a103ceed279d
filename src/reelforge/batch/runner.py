"""The image runner: validate -> attempt (before any network) -> submit with retries -> save -> materialize.

Also ``poll``: one status check of an async attempt, or a rebuild of the files of a finished attempt from
its saved output URLs (no provider call at all).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelforge.assets.store import AssetStore
from reelforge.batch.materialize import (
    asset_entries,
    materialize,
    outputs_from_attempt,
    provider_outputs,
    saved_raw_body,
    write_manifest,
)
from reelforge.config import resolve_settings
from reelforge.errors import (
    AuthRequiredError,
    InvalidInputError,
    JobBusyError,
    NotFoundError,
    ProviderCallError,
    ProviderUnavailableError,
    ReelforgeError,
)
from reelforge.jobs import submit as submit_outcome
from reelforge.jobs.adapters import AdapterPool
from reelforge.jobs.attempts import AttemptLog
from reelforge.jobs.deadline import JobDeadline
from reelforge.jobs.disk_full import DiskFullGuard
from reelforge.jobs.exit_record import exit_code_recorded
from reelforge.jobs.retry import Gates, RetryPolicy, call_with_retries
from reelforge.jobs.states import IN_DOUBT, SUBMITTING, phase_of
from reelforge.jobs.vault import drop, load_urls, save_urls, vault_path
from reelforge.models.image_request import ImageRequest
from reelforge.providers.http import Deadlines
from reelforge.providers.image.base import (
    ImageProvider,
    ProviderJob,
    ProviderResult,
    SourceImage,
    api_key,
    redact_json,
    redact_text,
)
from reelforge.providers.image.catalog import DEFAULT_MODEL, VENDOR_KEY_ENV, model_spec
from reelforge.providers.image.registry import provider_for
from reelforge.providers.registry import known_secrets
from reelforge.workspace.atomic import write_json_atomic
from reelforge.workspace.contain import inside, resolve_request_dir
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import Workspace


def image_request(raw: Any, *, operation: str, source: str | None = None) -> ImageRequest:
    """The request settled for ``operation`` (text | edit) against the image catalog (exit 4 naming each field)."""
    return ImageRequest.settle(raw, operation=operation, lookup=model_spec, default_model=DEFAULT_MODEL, source=source)


@dataclass
class Prepared:
    request: ImageRequest
    store: AssetStore
    sources: list[Path] = field(default_factory=list)

    @property
    def log(self) -> AttemptLog:
        """The job's attempt log; every state change rewrites the manifest from the attempt (one truth)."""
        log = AttemptLog(self.store.run_dir("image", self.request.run_id), asset_id=self.request.asset_id,
                         run_id=self.request.run_id,
                         poll_command=f"reelforge image poll --request {self.request.source or '<request.json>'}")
        log.on_change = lambda attempt: self._sync(log, attempt)
        return log

    def _sync(self, log: AttemptLog, attempt: dict[str, Any]) -> None:
        if (log.attempt_dir(attempt["attemptId"]) / "manifest.json").is_file():
            write_manifest(self.store, log, attempt, self.request)


@dataclass
class ItemResult:
    asset_id: str
    run_id: str
    attempt_id: str | None
    state: str
    files: list[str]
    manifest_path: str | None
    submitted: bool = False
    error: ReelforgeError | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"assetId": self.asset_id, "runId": self.run_id, "attemptId": self.attempt_id,
                                "state": self.state, "files": self.files, "manifestPath": self.manifest_path,
                                "submitted": self.submitted}
        if self.error is not None:
            data["error"] = self.error.to_json()
        return data


class ImageRunner(AdapterPool[ImageProvider]):
    def __init__(self, workspace: Workspace, *, gates: Gates | None = None, policy: RetryPolicy | None = None,
                 providers: Callable[[str], ImageProvider] | None = None,
                 presign: Callable[[dict[str, Any]], str] | None = None, deadlines: Deadlines | None = None,
                 download_timeout: float | None = None, job_deadline: JobDeadline | None = None) -> None:
        settings = resolve_settings(workspace_root=workspace.root)
        self.job_deadline = job_deadline or JobDeadline.from_settings(settings)
        self.workspace = workspace
        self.gates = gates or Gates()
        self.policy = policy or RetryPolicy.from_settings(settings)
        d = deadlines or Deadlines.from_settings(settings)
        self.deadlines = d if download_timeout is None else Deadlines(d.connect_s, d.call_s, download_timeout)
        super().__init__(providers or (lambda vendor: provider_for(vendor, self.deadlines)))
        self._presign = presign

    # ---- validation (no network)
    def prepare(self, raw: dict[str, Any], operation: str, *, source: str | None = None,
                check_key: bool = True) -> Prepared:
        req = image_request(raw, operation=operation, source=source)
        root = resolve_request_dir(self.workspace.root, req.data["localAssetDir"], field="localAssetDir")
        store = AssetStore(root, req.asset_id)
        prepared = Prepared(req, store)
        if operation == "edit":
            prepared.sources = [self._approved(store, name, i, source) for i, name in
                                enumerate(req.data["sourceImages"])]
            if req.spec.vendor == "ark":
                for path in prepared.sources:
                    self._upload_entry(store, path, source)
        env = VENDOR_KEY_ENV.get(req.spec.vendor)
        if check_key and env and not api_key(env):
            raise AuthRequiredError(f"{env} is not set; model {req.spec.key} ({req.spec.vendor}) needs it",
                                    hint=f"export {env}=<your key>, or use model image-local-designed (key-free)")
        return prepared

    def _approved(self, store: AssetStore, name: str, i: int, source: str | None) -> Path:
        path = inside(store.media_dir("image", "approved") / Path(name).name, store.root, what=f"sourceImages[{i}]")
        if not path.is_file() or Path(name).parent.as_posix() not in (".", "images/approved"):
            raise InvalidInputError(
                f"sourceImages[{i}]: {name} is not an approved image of asset {store.asset_id}",
                hint=f"approve it first: reelforge asset approve {store.asset_id} <file>", file=source)
        return path

    def _upload_entry(self, store: AssetStore, path: Path, source: str | None) -> dict[str, Any]:
        digest = sha256_file(path)
        for entry in store.read_index()["uploads"]:
            if entry.get("sha256") == digest and entry.get("storageReference"):
                return entry
        raise InvalidInputError(f"{store.rel(path)} has no uploaded copy; Ark edits take image URLs, never local "
                                "paths", hint="upload it first: reelforge image upload --request upload.json",
                                file=source)

    # ---- submit
    def submit(self, prepared: Prepared, *, new_attempt: bool = False) -> ItemResult:
        req, store, log = prepared.request, prepared.store, prepared.log
        store.ensure_layout()
        attempt = log.create(req.data, operation=req.spec.operation, new_attempt=new_attempt)
        with _exit_recorded(prepared, attempt["attemptId"]), _guard(prepared, attempt).held() as guard:
            return self._submit(prepared, attempt, guard)

    def _submit(self, prepared: Prepared, attempt: dict[str, Any], guard: DiskFullGuard) -> ItemResult:
        req, store, log = prepared.request, prepared.store, prepared.log
        write_json_atomic(log.run_dir / "request.json", req.data)
        store.upsert_asset({**{k: req.data.get(k) for k in ("campaignId", "personaId", "conceptId", "assetPurpose",
                                                             "creativeFormat", "sourceBasis")},
                            "targetAspectRatio": req.data["aspectRatio"], "lastRunId": req.run_id,
                            "lastRunStatus": "submitting"})
        derived = [{"path": store.rel(p), "sha256": sha256_file(p)} for p in prepared.sources]
        write_manifest(store, log, attempt, req, derivedFrom=derived)
        provider = self.provider(req.spec.vendor)
        job = self._job(prepared)
        guard.submitting_becomes = IN_DOUBT  # from here on the vendor may have the job

        try:
            try:
                result = call_with_retries(lambda: provider.submit(job), gate=self.gates.get(req.spec.vendor),
                                           policy=self.policy, idempotent=False, on_retry=log.retry_recorder(attempt),
                                           deadline=self.job_deadline.start())
            except ProviderCallError as exc:
                raise self._submit_failed(prepared, attempt, exc) from None
            return self._handle(prepared, attempt, result, kind="submit")  # records the answer, then unlocks
        finally:
            log.release(attempt)  # only a bug gets here still `submitting`: no live owner, so in doubt

    def _job(self, prepared: Prepared) -> ProviderJob:
        req, data = prepared.request, prepared.request.data
        sources = []
        for path in prepared.sources:
            url = None
            if req.spec.vendor == "ark":
                if self._presign is None:
                    from reelforge.providers.upload.s3 import presign_reference

                    self._presign = presign_reference
                url = self._presign(self._upload_entry(prepared.store, path, req.source))
            sources.append(SourceImage(path, mimetypes.guess_type(path.name)[0] or "image/png", url))
        return ProviderJob(key=req.spec.key, vendor_model=req.spec.vendor_model, operation=req.spec.operation,
                           prompt=data["prompt"], aspect_ratio=data["aspectRatio"], resolution=data["resolution"],
                           size=data["size"], output_format=data["outputFormat"], quality=data.get("quality"),
                           max_images=req.images_out, sequential=req.spec.sequential, seed=data.get("seed"),
                           sources=tuple(sources))

    def _secrets(self, vendor: str) -> tuple[str | None, ...]:
        env = VENDOR_KEY_ENV.get(vendor)
        return (api_key(env) if env else None, *known_secrets())

    def _submit_failed(self, prepared: Prepared, attempt: dict[str, Any], exc: ProviderCallError) -> ReelforgeError:
        """One classification (jobs.submit) for every job; the manifest follows the attempt's new state."""
        req, log = prepared.request, prepared.log
        adir = log.attempt_dir(attempt["attemptId"])
        vendor = req.spec.vendor
        body = redact_text(exc.raw_body or "", self._secrets(vendor))
        saved = adir / "submission-error.json"
        write_json_atomic(saved, {"kind": exc.call_kind, "status": exc.status, "body": body[:20_000]})
        if exc.call_kind == "malformed":
            saved = saved_raw_body(adir / "malformed-response.txt", exc.raw_body, self._secrets(vendor))
        outcome = submit_outcome.classify(exc, vendor=vendor, key_env=VENDOR_KEY_ENV.get(vendor),
                                          label=f"{req.asset_id}/{req.run_id}", tries=self.policy.attempts,
                                          saved=saved, body_excerpt=_short(body))
        log.update(attempt, state=outcome.state, error={"message": str(exc), "kind": exc.call_kind,
                                                        "status": exc.status, "savedBody": saved.name})
        prepared.store.upsert_asset({"lastRunId": req.run_id, "lastRunStatus": outcome.state})
        return outcome.error

    # ---- results and materialization
    def _handle(self, prepared: Prepared, attempt: dict[str, Any], result: ProviderResult, *, kind: str) -> ItemResult:
        req, store, log = prepared.request, prepared.store, prepared.log
        secrets = self._secrets(req.spec.vendor)
        response = redact_json({"providerStatus": result.status, "handle": result.handle, "body": result.raw,
                                "usage": result.usage, "error": result.error}, secrets)
        path = log.save_response(attempt, kind, response)
        if result.status == "processing":
            log.update(attempt, sync=False, state="submitted_processing", generationHandle=result.handle,
                       providerStatus="processing")
            write_manifest(store, log, attempt, req, generationHandle=result.handle, providerStatus="processing",
                           responsePath=str(path))
            return self._item(prepared, attempt, [], submitted=kind == "submit")
        if result.status == "failed":
            log.update(attempt, sync=False, state="provider_failed", providerStatus="failed", error=result.error)
            write_manifest(store, log, attempt, req, providerStatus="failed", error=result.error,
                           responsePath=str(path))
            store.upsert_asset({"lastRunId": req.run_id, "lastRunStatus": "provider_failed"})
            raise ReelforgeError(f"{req.spec.vendor} reported a failed generation for {req.asset_id}/{req.run_id}: "
                                 f"{_short(str((result.error or {}).get('message')))}",
                                 hint=f"see {path}; adjust the request and pass --new-attempt")
        urls = {o.index: o.url for o in result.outputs if o.url}
        vpath = vault_path(self.workspace.internal, req.asset_id, req.run_id, attempt["attemptId"])
        if urls:
            save_urls(vpath, urls)
        outputs = provider_outputs(result.outputs)
        log.update(attempt, sync=False, state="provider_completed", providerStatus="completed", outputs=outputs,
                   providerOutputUrls=[o["url"] for o in outputs if "url" in o])
        write_manifest(store, log, attempt, req, providerStatus="completed", providerOutputs=outputs,
                       providerOutputUrls=[o["url"] for o in outputs if "url" in o], responsePath=str(path),
                       usage=result.usage, partialError=result.error)
        return self._materialize(prepared, attempt, result.outputs, urls, submitted=kind == "submit")

    def _materialize(self, prepared: Prepared, attempt: dict[str, Any], outputs: list[Any], urls: dict[int, str],
                     *, submitted: bool) -> ItemResult:
        req, store, log = prepared.request, prepared.store, prepared.log
        done = materialize(store, req, attempt["attemptId"], outputs, urls, deadlines=self.deadlines,
                           raw_dir=log.attempt_dir(attempt["attemptId"]))
        vpath = vault_path(self.workspace.internal, req.asset_id, req.run_id, attempt["attemptId"])
        if done.failures:
            error = {"code": "provider_completed_asset_materialization_failed", "layer": "download",
                     "recoverable": bool(urls) and not any(_not_media(m) for m in done.failures),
                     "runId": req.run_id, "attemptId": attempt["attemptId"],
                     "providerOutputUrls": attempt.get("providerOutputUrls", []), "messages": done.failures,
                     "responsePath": str(log.run_dir / "response.json"),
                     "manifestPath": str(log.run_dir / "manifest.json")}
            log.update(attempt, sync=False, state="materialization_failed", materializationError=error)
            write_manifest(store, log, attempt, req, materializationError=error)
            store.record_recoverable_failure({"runId": req.run_id, "code": error["code"], "attemptId":
                                              attempt["attemptId"], "manifestPath": error["manifestPath"]})
            raise ProviderUnavailableError(
                f"{req.spec.vendor} finished {req.asset_id}/{req.run_id} but {len(done.failures)} download(s) "
                f"failed: {done.failures[0]}",
                hint=f"the output URLs are saved; rebuild the files with: reelforge image poll --request "
                     f"{req.source or '<request.json>'}", file=str(log.run_dir / "manifest.json"))
        entries = asset_entries(store, req, done.files, outputs)
        # the asset index first, the attempt's "materialized" last: a kill in between leaves the attempt
        # provider_completed, and the rerun re-materializes (files kept, index entries deduplicated)
        store.record_outputs("image", [{"path": e["assetRelativePath"], "kind": "candidate",
                                        "originRunId": req.run_id, "attemptId": attempt["attemptId"],
                                        "sha256": e["sha256"], "model": req.spec.key} for e in entries],
                             run_id=req.run_id)
        log.update(attempt, sync=False, state="materialized", materializationError=None)
        write_manifest(store, log, attempt, req, assets=entries, materializationError=None)
        drop(vpath)
        return self._item(prepared, attempt, [e["assetRelativePath"] for e in entries], submitted=submitted)

    def _item(self, prepared: Prepared, attempt: dict[str, Any], files: list[str], *, submitted: bool) -> ItemResult:
        return ItemResult(prepared.request.asset_id, prepared.request.run_id, attempt["attemptId"], attempt["state"],
                          files, str(prepared.log.run_dir / "manifest.json"), submitted=submitted)

    # ---- poll / resume
    def poll(self, prepared: Prepared, *, attempt_id: str | None = None) -> ItemResult:
        req, log = prepared.request, prepared.log
        if attempt_id:
            attempt = log.read_attempt(attempt_id)
        else:
            latest = log.blocking()
            if latest is None:
                raise NotFoundError(f"run {req.run_id} of asset {req.asset_id} has no submitted attempt",
                                    hint="submit it first: reelforge image generate --request ...")
            attempt = log.read_attempt(latest["attemptId"])
        state = attempt["state"]
        if state == "materialized":
            return self._item(prepared, attempt, [e["assetRelativePath"] for e in _manifest_assets(log, attempt)],
                              submitted=False)
        with _exit_recorded(prepared, attempt["attemptId"]), _guard(prepared, attempt).held():
            return self._resume(prepared, attempt)

    def _resume(self, prepared: Prepared, attempt: dict[str, Any]) -> ItemResult:
        req, log, state = prepared.request, prepared.log, attempt["state"]
        if state in ("provider_completed", "materialization_failed"):
            urls = load_urls(vault_path(self.workspace.internal, req.asset_id, req.run_id, attempt["attemptId"]))
            return self._materialize(prepared, attempt, outputs_from_attempt(attempt), urls, submitted=False)
        if state == "submitted_processing":
            provider = self.provider(req.spec.vendor)
            try:
                result = call_with_retries(lambda: provider.poll(attempt["generationHandle"]),
                                           gate=self.gates.get(req.spec.vendor), policy=self.policy, idempotent=True,
                                           deadline=self.job_deadline.start())
            except ProviderCallError as exc:
                raise submit_outcome.poll_error(exc, vendor=req.spec.vendor, key_env=VENDOR_KEY_ENV.get(
                    req.spec.vendor), label=f"{req.asset_id}/{req.run_id}", poll_command=log.poll_command) from None
            return self._handle(prepared, attempt, result, kind="poll")
        raise InvalidInputError(f"run {req.run_id} attempt {attempt['attemptId']} is {state}: "
                                f"{attempt['nextAction']}", hint="pass --new-attempt to submit again",
                                file=str(log.index_path))

    def run_one(self, prepared: Prepared, *, new_attempt: bool = False) -> ItemResult:
        """Batch semantics: resume a run that already has an attempt (never resubmit it), else submit.

        An attempt another live process is submitting is skipped with JobBusyError (wait, then rerun);
        one in doubt or failed by the vendor is reported as it stands, never paid for again.
        """
        latest = prepared.log.blocking()
        if latest is None or new_attempt:
            return self.submit(prepared, new_attempt=new_attempt)
        attempt = prepared.log.read_attempt(latest["attemptId"])
        if latest["state"] == SUBMITTING:
            item = self._item(prepared, attempt, [], submitted=False)
            item.error = JobBusyError(f"{prepared.request.asset_id}/{prepared.request.run_id} is being submitted "
                                      f"by another live process (pid {(attempt.get('owner') or {}).get('pid')})",
                                      hint="wait for that process to finish, then run the same command again")
            return item
        if phase_of(latest["state"]) in ("in_doubt", "failed"):
            return self._item(prepared, attempt, [], submitted=False)
        return self.poll(prepared)


def _exit_recorded(prepared: Prepared, attempt_id: str) -> Any:
    """The command's exit code into the attempt's manifest (and the run's copy) when it ends."""
    def record(code: int) -> None:
        log = prepared.log
        if (log.attempt_dir(attempt_id) / "manifest.json").is_file():
            write_manifest(prepared.store, log, log.read_attempt(attempt_id), prepared.request, exitCode=code)

    return exit_code_recorded(record)


def _guard(prepared: Prepared, attempt: dict[str, Any]) -> DiskFullGuard:
    req, store, log = prepared.request, prepared.store, prepared.log
    return DiskFullGuard(log, attempt, lambda fields: write_manifest(store, log, attempt, req, **fields))


def _manifest_assets(log: AttemptLog, attempt: dict[str, Any]) -> list[dict[str, Any]]:
    from reelforge.assets.store import read_json

    return (read_json(log.attempt_dir(attempt["attemptId"]) / "manifest.json", {}) or {}).get("assets", [])


def _not_media(message: str) -> bool:
    """A failure a new download cannot fix: the vendor's bytes are not the image it announced."""
    return "is not an image" in message or "announced as" in message


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
