"""`--visual generate`: one hosted still per scene through the image batch runner (issue 5).

The chain runs first in ``auto`` mode (user media, explainer frames, designed cards); every scene that
ended on a designed card is then asked of a hosted image model, so a scene's own ``visual.ref`` or
``--media`` file always wins and the card is ready as the fallback.

Model: the ``image_model`` setting (env ``REELFORGE_IMAGE_MODEL``), else the default hosted key of the
first vendor key that is set: OPENAI_API_KEY -> image-gpt-image-2-text, GEMINI_API_KEY ->
image-nano-banana-2-text, ARK_API_KEY -> image-seedream-v5-lite-text. No key, a dry run, or a spend the
video's cost plan did not approve: the designed card stays, ``pathTaken: fallback``, with a warning.

The runner's gates are not relaxed: each request is a normalized record (assetPurpose ``shot_support``,
sourceBasis naming the scene in the run's script.json, localAssetDir ``assets/<assetId>``) and must carry
a persona or visual-direction lock. ``script.brand.personaId`` / ``script.brand.visualDirection`` are
that lock when the script has them. Without them the direction is derived from the script title (and
``brand.name``) and every request is marked ``variantTest: true`` -- the honest label for a still that
no locked direction backs -- with a warning saying so.

The candidate lands in the asset store (``assets/<assetId>/images/candidates/``, never auto-approved)
and is copied into the run's ``visuals/`` so the render-spec names only run-relative, hashed files.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelforge.batch.runner import ImageRunner, ItemResult
from reelforge.config import Settings, environ_value
from reelforge.errors import InvalidInputError, ReelforgeError, SchemaValidationError
from reelforge.jobs.cost import estimate_lines, over_approved
from reelforge.jobs.poll import poll_until
from reelforge.models.script import Scene, Script
from reelforge.pipeline.visual_chain import VisualResult
from reelforge.providers.image.catalog import VENDOR_KEY_ENV, model_spec
from reelforge.providers.pricing import image_price
from reelforge.providers.visual import designed
from reelforge.workspace.atomic import write_bytes_atomic
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import Workspace, run_relative, sanitize_id

# Which hosted key a set vendor key selects, in order of preference.
KEY_MODELS: tuple[tuple[str, str], ...] = (
    ("OPENAI_API_KEY", "image-gpt-image-2-text"),
    ("GEMINI_API_KEY", "image-nano-banana-2-text"),
    ("ARK_API_KEY", "image-seedream-v5-lite-text"),
)
MODEL_ENV = "REELFORGE_IMAGE_MODEL"
REQUESTS_FILE = "visuals/image-requests.jsonl"
_TEXT_HEAVY = frozenset({"slide", "code", "diagram", "chart"})  # a typeset card reads better than a photo
_FORMATS = {"9:16": "short_form_vertical", "16:9": "landscape", "1:1": "square"}
_NO_TEXT = "text, captions or logos in the image (captions are burned in later)"


@dataclass(frozen=True)
class ImagePlan:
    """What `--visual generate` will call: ``model`` None means designed cards (``reason`` says why)."""

    model: str | None
    usd_per_image: float = 0.0
    reason: str | None = None

    def usd(self, images: int) -> float:
        return round(self.usd_per_image * images, 4)


def model_setting(settings: Settings) -> str | None:
    """The ``image_model`` setting (reelforge.toml, REELFORGE_IMAGE_MODEL or a flag); None when empty."""
    return str(settings["image_model"]).strip() or None


def plan_images(model: str | None = None, *, environ: Mapping[str, str] | None = None) -> ImagePlan:
    """Pick the model and its per-image price (the runner's default: the highest practical quality)."""
    def env(name: str) -> str:
        return (environ.get(name, "") if environ is not None else environ_value(name) or "").strip()

    key = model or env(MODEL_ENV) or None
    if key is None:
        key = next((m for var, m in KEY_MODELS if env(var)), None)
        if key is None:
            names = ", ".join(var for var, _ in KEY_MODELS)
            return ImagePlan(None, reason=f"no hosted image key set ({names})")
    try:
        spec = model_spec(key, field="image_model")
    except InvalidInputError as exc:
        raise InvalidInputError(exc.message, hint=f"set image_model / {MODEL_ENV} to a text key: {exc.hint}") from None
    if spec.operation != "text":
        raise InvalidInputError(f"image_model: {key} is an edit endpoint; scene stills need a text key",
                                hint=f"set {MODEL_ENV} to e.g. image-gpt-image-2-text")
    var = VENDOR_KEY_ENV.get(spec.vendor)
    if var and not env(var):
        return ImagePlan(None, reason=f"{var} is not set (image model {key})")
    return ImagePlan(key, image_price(spec.key, spec.best_quality))


@dataclass
class GeneratedStills:
    results: list[VisualResult]
    plan: ImagePlan
    warnings: list[str] = field(default_factory=list)
    requests_file: Path | None = None
    estimate_usd: float = 0.0


def scene_asset_id(run_id: str, scene_id: str) -> str:
    """``<run id>-<scene id>`` as an asset slug; over 64 chars it is cut and keeps a hash so ids stay unique."""
    full = sanitize_id(f"{run_id}-{scene_id}", max_len=1000).lstrip("-_") or "scene"
    if len(full) <= 64:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:10]
    return f"{full[:53].rstrip('-_')}-{digest}"


def _lock(script: Script) -> tuple[dict[str, Any], bool]:
    """The persona / visual-direction lock from the script's brand; (fields, derived?)."""
    brand = script.brand
    fields = {k: brand[k].strip() for k in ("personaId", "visualDirection", "campaignId", "conceptId")
              if isinstance(brand.get(k), str) and brand[k].strip()}
    if "personaId" in fields or "visualDirection" in fields:
        return fields, False
    name = brand.get("name") if isinstance(brand.get("name"), str) else None
    fields["visualDirection"] = (f"derived from the script title {script.title!r}"
                                 + (f" for brand {name.strip()!r}" if name and name.strip() else ""))
    return fields, True


def _prompt(scene: Scene, script: Script) -> str:
    if scene.visual.prompt and scene.visual.prompt.strip():
        return scene.visual.prompt.strip()
    text = scene.narration.strip() or " ".join(scene.on_screen_text).strip() or script.title
    return f"A still image for a short video titled {script.title!r}, illustrating: {text}. No text in the image."


def _source_basis(run_dir: Path, workspace: Workspace, scene: Scene) -> str:
    script_path = (run_dir / "script.json").resolve()
    try:
        where = script_path.relative_to(workspace.root.resolve()).as_posix()
    except ValueError:
        where = str(script_path)
    return f"{where}#scenes/{scene.id}"


def scene_request(scene: Scene, script: Script, *, run_dir: Path, workspace: Workspace, model: str,
                  seed: int, lock: Mapping[str, Any], variant_test: bool) -> dict[str, Any]:
    """The normalized request record of one scene still (validated by the runner like any other)."""
    run_id = sanitize_id(run_dir.name).lstrip("-_") or "run"
    asset_id = scene_asset_id(run_id, scene.id)
    direction = lock.get("visualDirection")
    return {
        "assetId": asset_id, "runId": run_id[:64], **lock, "assetPurpose": "shot_support",
        "sourceBasis": [_source_basis(run_dir, workspace, scene)],
        "mustKeep": [direction] if direction else [], "canVary": ["composition", "lighting", "camera angle"],
        "mustAvoid": [_NO_TEXT], "prompt": _prompt(scene, script), "model": model,
        "aspectRatio": script.aspect, "creativeFormat": _FORMATS.get(script.aspect, "short_form_vertical"),
        "seed": seed, "localAssetDir": f"assets/{asset_id}", "variantTest": variant_test,
    }


def _fallback(result: VisualResult, reason: str) -> VisualResult:
    result.path_taken = "fallback"
    message = f"image generation unavailable: {reason}; used designed card"
    if message not in result.warnings:
        result.warnings.append(message)
    return result


def generate_stills(script: Script, results: list[VisualResult], *, run_dir: Path, workspace: Workspace,
                    seed: int, plan: ImagePlan, approved: Mapping[str, float], dry_run: bool,
                    runner: ImageRunner | None = None, sleep: Callable[[float], None] = time.sleep,
                    poll_deadline_s: float = 600.0) -> GeneratedStills:
    """Replace the designed cards of ``results`` (the chain's ``auto`` output) by hosted stills.

    ``approved`` is the cost plan's breakdown that passed the guardrail (--max-usd/--yes) before any side
    effect; nothing is submitted beyond the line it holds for the model.
    """
    out = GeneratedStills(list(results), plan)
    todo = [r for r in out.results if r.provider == designed.PROVIDER_ID
            and script.scenes[r.index].visual.kind not in _TEXT_HEAVY]
    if not todo:
        return out
    if plan.model is None:
        for r in todo:
            _fallback(r, plan.reason or "no image model")
        return out
    model = plan.model
    out.estimate_usd = plan.usd(len(todo))
    if dry_run:
        for r in todo:
            _fallback(r, f"dry run, {model} was not called (a real run estimates ${out.estimate_usd:.2f} for "
                         f"{len(todo)} image(s))")
        return out
    over = over_approved(estimate_lines([(model, len(todo), plan.usd_per_image)]), approved)
    if over is not None:
        for r in todo:
            _fallback(r, over)
        return out
    lock, derived = _lock(script)
    if derived:
        out.warnings.append("script.brand has no personaId or visualDirection: scene stills use a direction "
                            f"{lock['visualDirection']} and are recorded as an explicit variant test "
                            "(variantTest: true)")
    requests = [scene_request(script.scenes[r.index], script, run_dir=run_dir, workspace=workspace, model=model,
                              seed=seed, lock=lock, variant_test=derived) for r in todo]
    out.requests_file = run_dir / REQUESTS_FILE
    _write_jsonl(out.requests_file, requests)
    items = _run(out.requests_file, requests, workspace, runner, sleep, poll_deadline_s)
    for result, request, item in zip(todo, requests, items, strict=True):
        if item.error is not None or item.state != "materialized" or not item.files:
            if isinstance(item.error, SchemaValidationError):
                raise item.error
            why = item.error.message if item.error is not None else f"run {item.run_id} is {item.state}"
            _fallback(result, f"{model}: {why} (asset {request['assetId']})")
            continue
        _adopt(out.results, result, item, request, run_dir=run_dir, workspace=workspace, model=model)
    return out


def _write_jsonl(path: Path, requests: Sequence[dict[str, Any]]) -> None:
    import json

    text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in requests)
    write_bytes_atomic(path, text.encode("utf-8"))


def _run(path: Path, requests: Sequence[dict[str, Any]], workspace: Workspace, runner: ImageRunner | None,
         sleep: Callable[[float], None], deadline_s: float) -> list[ItemResult]:
    """Submit the batch concurrently (per-vendor limit), then poll async jobs until done or the deadline."""
    from reelforge.batch import api

    run = runner or ImageRunner(workspace)
    # The video's cost plan already passed the shared guardrail for exactly this spend (checked by the
    # caller against ``approved``); asking again per batch would count the same consent twice.
    batch = api.generate(path, workspace=workspace, yes=True, runner=run)
    items = list(batch.items)  # type: ignore[union-attr]

    def pending(current: list[ItemResult]) -> bool:
        return any(i.state == "submitted_processing" and i.error is None for i in current)

    def step(current: list[ItemResult]) -> list[ItemResult]:
        for n, item in enumerate(current):
            if item.state == "submitted_processing" and item.error is None:
                try:
                    current[n] = api.poll(requests[n], workspace=workspace, runner=run)
                except ReelforgeError as exc:
                    item.error = exc
        return current

    items, _timed_out = poll_until(items, step, pending=pending, interval=3.0, deadline_s=deadline_s, sleep=sleep,
                                   job=run.job_deadline.start())
    return items


def _adopt(results: list[VisualResult], card: VisualResult, item: ItemResult, request: Mapping[str, Any], *,
           run_dir: Path, workspace: Workspace, model: str) -> None:
    """Copy the candidate into the run's visuals/ (hashed) and put it in the card's place."""
    asset_root = workspace.root / request["localAssetDir"]
    candidate = asset_root / item.files[0]
    target = run_dir / "visuals" / f"scene-{card.index + 1:02d}-generated{candidate.suffix.lower()}"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(candidate, target)
    (run_dir / card.src).unlink(missing_ok=True)  # the card was only the fallback
    spec = model_spec(model)
    attribution = {"provider": model, "vendor": spec.vendor, "assetId": item.asset_id, "runId": item.run_id,
                   "attemptId": item.attempt_id, "candidate": f"{request['localAssetDir']}/{item.files[0]}",
                   "variantTest": request["variantTest"], "usdEstimate": image_price(spec.key, spec.best_quality)}
    warnings = [w for w in card.warnings if not w.startswith("image generation unavailable")]
    results[results.index(card)] = VisualResult(
        card.scene_id, card.index, run_relative(target, run_dir), sha256_file(target), "image", model,
        "fallback" if spec.vendor == "local" else "real", "full", warnings, attribution, card.seconds)
