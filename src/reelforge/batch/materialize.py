"""Run manifests and output files: the manifest is written before downloads, files after, index last."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelforge.assets.store import AssetStore, now_iso, read_json
from reelforge.errors import DownloadError
from reelforge.jobs.attempts import AttemptLog
from reelforge.jobs.states import phase_of
from reelforge.media.checks import check_image_bytes, check_image_file
from reelforge.models.envelope import attempts_of, in_envelope
from reelforge.models.image_request import ImageRequest
from reelforge.providers.http import Deadlines, download, redact_url
from reelforge.providers.image.base import ProviderOutput, redact_text
from reelforge.providers.image.local import LABEL as LOCAL_LABEL
from reelforge.providers.pricing import image_price
from reelforge.workspace.atomic import write_bytes_atomic, write_json_atomic
from reelforge.workspace.contain import own_file
from reelforge.workspace.hashing import sha256_file

_EXT = {"image/png": "png", "image/jpeg": "jpeg", "image/webp": "webp"}


@dataclass
class Materialized:
    files: list[Path]
    failures: list[str]


def prompt_hash(prompt: str) -> str:
    return "sha256:" + hashlib.sha256(prompt.encode("utf-8")).hexdigest()


def candidate_name(req: ImageRequest, attempt_id: str, index: int, mime: str) -> str:
    """Unique across runs and attempts of one asset (the original numbering restarted at img-001)."""
    return f"{req.run_id}-{attempt_id}-img-{index + 1:03d}.{_EXT.get(mime, 'png')}"


def write_manifest(store: AssetStore, log: AttemptLog, attempt: dict[str, Any], req: ImageRequest,
                   **fields: Any) -> dict[str, Any]:
    """The image job's manifest in the envelope shape (models/envelope.py); ``exitCode`` is set only by the
    end of a command (``fields``), and is null while one is working on the job."""
    adir = log.attempt_dir(attempt["attemptId"])
    previous = read_json(adir / "manifest.json", {}) or {}
    data = req.data
    manifest: dict[str, Any] = {
        "schemaVersion": 1, "kind": "image_job", "mediaType": "image", "assetId": req.asset_id, "runId": req.run_id,
        "jobId": data.get("jobId"), "campaignId": data.get("campaignId"), "personaId": data.get("personaId"),
        "conceptId": data.get("conceptId"), "assetPurpose": data.get("assetPurpose"),
        "visualDirection": data.get("visualDirection"), "variantTest": data.get("variantTest"),
        "provider": req.spec.vendor, "pathTaken": "fallback" if req.spec.vendor == "local" else "real",
        "providerLabel": LOCAL_LABEL if req.spec.vendor == "local" else None, "model": req.spec.key,
        "vendorModel": req.spec.vendor_model, "mode": data["mode"], "creativeFormat": data["creativeFormat"],
        "targetAspectRatio": data["aspectRatio"],
        "settings": {k: data.get(k) for k in ("quality", "resolution", "size", "outputFormat", "maxImages", "seed",
                                              "draft", "chosenSettings")},
        "sourceBasis": data["sourceBasis"], "mustKeep": data["mustKeep"], "canVary": data["canVary"],
        "mustAvoid": data["mustAvoid"], "promptHash": prompt_hash(data["prompt"]),
        "promptSha256": prompt_hash(data["prompt"]).removeprefix("sha256:"),
        "localAssetDir": str(store.root.resolve()), "requestPath": str(adir / "request.json"),
        "attemptId": attempt["attemptId"], "attemptPath": str(adir), "attemptIndexPath": str(log.index_path),
        "cost": {"usdPerImage": image_price(req.spec.key, data.get("quality")), "estimatedUsd": round(
            image_price(req.spec.key, data.get("quality")) * req.images_out, 4)},
        "assets": [], "createdAt": previous.get("createdAt", now_iso()),
        **{k: v for k, v in previous.items() if k not in ("updatedAt",)},
    }
    manifest.update(fields)
    manifest["attemptState"] = attempt["state"]
    manifest["attemptPhase"] = manifest["status"] = phase_of(attempt["state"])
    manifest["nextAction"] = attempt["nextAction"]
    manifest["updatedAt"] = now_iso()
    fallback = [f"fallback: {LOCAL_LABEL}"] if req.spec.vendor == "local" else []
    manifest = in_envelope(manifest, attempts=attempts_of(log.read_index()), warnings=fallback,
                           exit_code=fields.get("exitCode"))
    write_json_atomic(adir / "manifest.json", manifest)
    write_json_atomic(log.run_dir / "manifest.json", manifest)  # run-level copy of the latest attempt
    return manifest


def provider_outputs(outputs: list[ProviderOutput]) -> list[dict[str, Any]]:
    return [{"index": o.index, "type": "url" if o.kind == "url" else "base64", "mimeType": o.mime,
             **({"url": redact_url(o.url)} if o.url else {})} for o in outputs]


def materialize(store: AssetStore, req: ImageRequest, attempt_id: str, outputs: list[ProviderOutput],
                urls: dict[int, str], *, deadlines: Deadlines | None = None,
                raw_dir: Path | None = None) -> Materialized:
    """Write every output into images/candidates/ after checking it is the image it claims to be; a file
    that is already there is kept (resume). Bytes that are not that image are kept in ``raw_dir``."""
    store.ensure_layout()
    files: list[Path] = []
    failures: list[str] = []
    for out in outputs:
        dest = store.media_dir("image", "candidates") / candidate_name(req, attempt_id, out.index, out.mime)
        what = f"output {out.index}"
        if own_file(dest):  # a symlink planted under this name is replaced by the write, never followed
            files.append(dest)
            continue
        try:
            if out.data is not None:
                try:
                    check_image_bytes(out.data, out.mime, what=what)
                except DownloadError:
                    if raw_dir is not None:
                        write_bytes_atomic(raw_dir / f"output-{out.index + 1:03d}.raw", out.data)
                    raise
                write_bytes_atomic(dest, out.data)
            elif out.index in urls:
                download(urls[out.index], dest, deadlines=deadlines,
                         check=lambda path, mime=out.mime, what=what: check_image_file(path, mime, what=what))
            else:
                raise DownloadError(f"output {out.index} has no saved URL left to download from")
            files.append(dest)
        except DownloadError as exc:
            failures.append(exc.message)
    return Materialized(files, failures)


def asset_entries(store: AssetStore, req: ImageRequest, files: list[Path],
                  outputs: list[ProviderOutput]) -> list[dict[str, Any]]:
    by_name = {p.name: p for p in files}
    entries = []
    for i, out in enumerate(outputs):
        match = next((p for name, p in by_name.items() if f"-img-{out.index + 1:03d}." in name), None)
        if match is None:
            continue
        entries.append({"assetId": f"img-{i + 1:03d}", "localPath": str(match.resolve()),
                        "assetRelativePath": store.rel(match), "remoteUrl": redact_url(out.url) if out.url else None,
                        "mimeType": out.mime, "sha256": sha256_file(match), "bytes": match.stat().st_size,
                        "promptHash": prompt_hash(req.data["prompt"]), "sourceBasis": req.data["sourceBasis"]})
    return entries


def outputs_from_attempt(attempt: dict[str, Any]) -> list[ProviderOutput]:
    """The outputs recorded at submit/poll time, rebuilt without bytes (for resume)."""
    return [ProviderOutput(o["index"], "url" if o["type"] == "url" else "bytes", o["mimeType"])
            for o in attempt.get("outputs", [])]


def saved_raw_body(path: Path, body: str | None, secrets: tuple[str | None, ...]) -> Path:
    write_bytes_atomic(path, redact_text(body or "", secrets)[:1_000_000].encode("utf-8"))
    return path
