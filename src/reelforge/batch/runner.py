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
from reelforge.batch.attempts import AttemptLog
from reelforge.batch.catalog import VENDOR_KEY_ENV
from reelforge.batch.materialize import (
    asset_entries,
    materialize,
    outputs_from_attempt,
    provider_outputs,
    saved_raw_body,
    write_manifest,
)
from reelforge.batch.request import ImageRequest, normalize
from reelforge.batch.retry import Gates, RetryPolicy, call_with_retries
from reelforge.batch.vault import drop, load_urls, save_urls, vault_path
from reelforge.errors import (
    AuthRequiredError,
    InvalidInputError,
    NotFoundError,
    ProviderError,
    ProviderUnavailableError,
    ReelforgeError,
    StageTimeoutError,
)
from reelforge.providers.image.base import (
    ImageProvider,
    ProviderCallError,
    ProviderJob,
    ProviderResult,
    SourceImage,
    api_key,
    redact_json,
    redact_text,
)
from reelforge.providers.image.registry import provider_for
from reelforge.workspace.atomic import write_json_atomic
from reelforge.workspace.contain import inside, resolve_request_dir
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import Workspace


@dataclass
class Prepared:
    request: ImageRequest
    store: AssetStore
    sources: list[Path] = field(default_factory=list)

    @property
    def log(self) -> AttemptLog:
        return AttemptLog(self.store.run_dir("image", self.request.run_id), asset_id=self.request.asset_id,
                          run_id=self.request.run_id)


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


class ImageRunner:
    def __init__(self, workspace: Workspace, *, gates: Gates | None = None, policy: RetryPolicy | None = None,
                 providers: Callable[[str], ImageProvider] | None = None,
                 presign: Callable[[dict[str, Any]], str] | None = None, download_timeout: float = 120.0) -> None:
        self.workspace = workspace
        self.gates = gates or Gates()
        self.policy = policy or RetryPolicy.from_env()
        self._factory = providers or provider_for
        self._providers: dict[str, ImageProvider] = {}
        self._presign = presign
        self.download_timeout = download_timeout

    def provider(self, vendor: str) -> ImageProvider:
        if vendor not in self._providers:
            self._providers[vendor] = self._factory(vendor)
        return self._providers[vendor]

    # ---- validation (no network)
    def prepare(self, raw: dict[str, Any], operation: str, *, source: str | None = None,
                check_key: bool = True) -> Prepared:
        req = normalize(raw, operation=operation, source=source)
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
        write_json_atomic(log.run_dir / "request.json", req.data)
        store.upsert_asset({**{k: req.data.get(k) for k in ("campaignId", "personaId", "conceptId", "assetPurpose",
                                                             "creativeFormat", "sourceBasis")},
                            "targetAspectRatio": req.data["aspectRatio"], "lastRunId": req.run_id,
                            "lastRunStatus": "submitting"})
        derived = [{"path": store.rel(p), "sha256": sha256_file(p)} for p in prepared.sources]
        write_manifest(store, log, attempt, req, derivedFrom=derived)
        provider = self.provider(req.spec.vendor)
        job = self._job(prepared)

        try:
            result = call_with_retries(lambda: provider.submit(job), gate=self.gates.get(req.spec.vendor),
                                       policy=self.policy, on_retry=log.retry_recorder(attempt))
        except ProviderCallError as exc:
            raise self._submit_failed(prepared, attempt, exc) from None
        return self._handle(prepared, attempt, result, kind="submit")

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
        return (api_key(env) if env else None,)

    def _submit_failed(self, prepared: Prepared, attempt: dict[str, Any], exc: ProviderCallError) -> ReelforgeError:
        req, log = prepared.request, prepared.log
        adir = log.attempt_dir(attempt["attemptId"])
        vendor, env = req.spec.vendor, VENDOR_KEY_ENV.get(req.spec.vendor) or "the key"
        if exc.kind == "malformed":
            raw = saved_raw_body(adir / "malformed-response.txt", exc.raw_body, self._secrets(vendor))
            log.update(attempt, state="provider_response_malformed", error={"message": str(exc), "rawBody": raw.name})
            write_manifest(prepared.store, log, attempt, req, error={"message": str(exc), "rawBodyPath": str(raw)})
            return ProviderError(f"{vendor} returned a malformed response for {req.asset_id}/{req.run_id}: {exc}",
                                 hint=f"the raw body is saved in {raw}; the vendor may have charged, so pass "
                                      "--new-attempt to try again", file=str(raw))
        body = redact_text(exc.raw_body or "", self._secrets(vendor))[:20_000]
        write_json_atomic(adir / "submission-error.json", {"kind": exc.kind, "status": exc.status, "body": body})
        if exc.kind in ("timeout", "connection"):
            # in doubt: the vendor may have received it, so the attempt stays `submitting` and blocks resubmits
            log.update(attempt, error={"message": str(exc), "kind": exc.kind})
            cls = StageTimeoutError if exc.kind == "timeout" else ProviderUnavailableError
            return cls(f"{vendor}: {exc} after {self.policy.attempts} tries ({req.asset_id}/{req.run_id})",
                       hint="check the vendor console; pass --new-attempt to pay for a new try")
        log.update(attempt, state="not_submitted", error={"message": str(exc), "status": exc.status})
        if exc.auth:
            return AuthRequiredError(f"{vendor} refused the key in {env} (HTTP {exc.status})",
                                     hint=f"set a valid {env} (export {env}=...) and run again")
        if exc.retryable:
            return ProviderUnavailableError(f"{vendor}: HTTP {exc.status} after {self.policy.attempts} tries",
                                            hint="wait and run the same command again (nothing was charged)")
        return InvalidInputError(f"{vendor} refused the request with HTTP {exc.status}: {_short(body)}",
                                 hint=f"fix the request; the full answer is in {adir / 'submission-error.json'}",
                                 file=str(adir / "submission-error.json"))

    # ---- results and materialization
    def _handle(self, prepared: Prepared, attempt: dict[str, Any], result: ProviderResult, *, kind: str) -> ItemResult:
        req, store, log = prepared.request, prepared.store, prepared.log
        response = {"providerStatus": result.status, "handle": result.handle, "body": redact_json(result.raw),
                    "usage": result.usage, "error": result.error}
        path = log.save_response(attempt, kind, response)
        if result.status == "processing":
            log.update(attempt, state="submitted_processing", generationHandle=result.handle,
                       providerStatus="processing")
            write_manifest(store, log, attempt, req, generationHandle=result.handle, providerStatus="processing",
                           responsePath=str(path))
            return self._item(prepared, attempt, [], submitted=kind == "submit")
        if result.status == "failed":
            log.update(attempt, state="provider_failed", providerStatus="failed", error=result.error)
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
        log.update(attempt, state="provider_completed", providerStatus="completed", outputs=outputs,
                   providerOutputUrls=[o["url"] for o in outputs if "url" in o])
        write_manifest(store, log, attempt, req, providerStatus="completed", providerOutputs=outputs,
                       providerOutputUrls=[o["url"] for o in outputs if "url" in o], responsePath=str(path),
                       usage=result.usage, partialError=result.error)
        return self._materialize(prepared, attempt, result.outputs, urls, submitted=kind == "submit")

    def _materialize(self, prepared: Prepared, attempt: dict[str, Any], outputs: list[Any], urls: dict[int, str],
                     *, submitted: bool) -> ItemResult:
        req, store, log = prepared.request, prepared.store, prepared.log
        done = materialize(store, req, attempt["attemptId"], outputs, urls, timeout=self.download_timeout)
        vpath = vault_path(self.workspace.internal, req.asset_id, req.run_id, attempt["attemptId"])
        if done.failures:
            error = {"code": "provider_completed_asset_materialization_failed", "layer": "download",
                     "recoverable": bool(urls), "runId": req.run_id, "attemptId": attempt["attemptId"],
                     "providerOutputUrls": attempt.get("providerOutputUrls", []), "messages": done.failures,
                     "responsePath": str(log.run_dir / "response.json"),
                     "manifestPath": str(log.run_dir / "manifest.json")}
            log.update(attempt, state="materialization_failed", materializationError=error)
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
        log.update(attempt, state="materialized", materializationError=None)
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
        if state in ("provider_completed", "materialization_failed"):
            urls = load_urls(vault_path(self.workspace.internal, req.asset_id, req.run_id, attempt["attemptId"]))
            return self._materialize(prepared, attempt, outputs_from_attempt(attempt), urls, submitted=False)
        if state == "submitted_processing":
            provider = self.provider(req.spec.vendor)
            try:
                result = call_with_retries(lambda: provider.poll(attempt["generationHandle"]),
                                           gate=self.gates.get(req.spec.vendor), policy=self.policy)
            except ProviderCallError as exc:
                if exc.auth:
                    env = VENDOR_KEY_ENV.get(req.spec.vendor)
                    raise AuthRequiredError(f"{req.spec.vendor} refused the key in {env} (HTTP {exc.status})",
                                            hint=f"set a valid {env} and poll again") from None
                raise ProviderUnavailableError(f"polling {req.asset_id}/{req.run_id} failed: {exc}",
                                               hint="poll again later; nothing new was charged") from None
            return self._handle(prepared, attempt, result, kind="poll")
        raise InvalidInputError(f"run {req.run_id} attempt {attempt['attemptId']} is {state}: "
                                f"{attempt['nextAction']}", hint="pass --new-attempt to submit again",
                                file=str(log.index_path))

    def run_one(self, prepared: Prepared, *, new_attempt: bool = False) -> ItemResult:
        """Batch semantics: resume a run that already has an attempt (never resubmit it), else submit."""
        latest = prepared.log.blocking()
        if latest is None or new_attempt:
            return self.submit(prepared, new_attempt=new_attempt)
        if latest["state"] in ("submitting", "provider_failed", "provider_response_malformed",
                               "provider_completed_without_outputs"):
            attempt = prepared.log.read_attempt(latest["attemptId"])
            return self._item(prepared, attempt, [], submitted=False)
        return self.poll(prepared)


def _manifest_assets(log: AttemptLog, attempt: dict[str, Any]) -> list[dict[str, Any]]:
    from reelforge.assets.store import read_json

    return (read_json(log.attempt_dir(attempt["attemptId"]) / "manifest.json", {}) or {}).get("assets", [])


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
