"""The hosted image endpoint keys (from the seed), what each one means per vendor, and the price table.

The endpoint key is the stable name in request records; the vendor model id is what goes on the wire and
may change without touching any request. Prices are list prices per output image in USD, kept here in one
table so the estimate before submit and the manifest after it agree (override per key with
``REELFORGE_PRICE_<KEY>``, e.g. ``REELFORGE_PRICE_IMAGE_GPT_IMAGE_2_TEXT=0.2``).
"""

from __future__ import annotations

from dataclasses import dataclass

from reelforge.config import environ_value
from reelforge.errors import InvalidInputError
from reelforge.providers.registry import rows

DEFAULT_MODEL = "image-nano-banana-2-text"
LOCAL_MODEL = "image-local-designed"


@dataclass(frozen=True)
class ModelSpec:
    key: str
    vendor: str  # a provider id of capability image in providers.registry
    operation: str  # text | edit
    vendor_model: str
    best_quality: str | None  # the highest practical tier (the default unless draft)
    draft_quality: str | None
    fixed_resolution: str | None  # Nano Banana Pro: the key is the billable tier, never switched at runtime
    best_resolution: str | None
    draft_resolution: str | None
    sequential: bool
    usd_per_image: float
    aspect_ratios: tuple[str, ...]


_GPT_RATIOS = ("1:1", "9:16", "16:9", "4:5", "5:4", "3:4", "4:3", "2:3", "3:2")
_NANO_RATIOS = ("9:16", "16:9", "1:1", "4:5", "3:4", "4:3", "2:3", "3:2", "21:9")
_SEED_RATIOS = ("9:16", "16:9", "1:1", "3:4", "4:3", "2:3", "3:2", "21:9")
_FLUX_RATIOS = ("9:16", "16:9", "1:1", "4:5", "5:4", "3:4", "4:3", "2:3", "3:2")
_LOCAL_RATIOS = ("9:16", "16:9", "1:1", "4:5", "3:4", "4:3")


def _gpt(key: str, op: str) -> ModelSpec:
    return ModelSpec(key, "openai", op, "gpt-image-2", "high", "low", None, "2k", "1k", False, 0.25, _GPT_RATIOS)


def _nano2(key: str, op: str) -> ModelSpec:
    return ModelSpec(key, "gemini", op, "gemini-3.1-flash-image-preview", None, None, None, "2k", "1k", False,
                     0.067, _NANO_RATIOS)


def _pro(op: str, tier: str) -> ModelSpec:
    price = {"1k": 0.134, "2k": 0.134, "4k": 0.24}[tier]
    return ModelSpec(f"image-nano-banana-pro-{op}-{tier}", "gemini", op, "gemini-3-pro-image-preview", None, None,
                     tier, tier, tier, False, price, _NANO_RATIOS)


def _seed(key: str, op: str, sequential: bool) -> ModelSpec:
    return ModelSpec(key, "ark", op, "seedream-5-0-lite-260128", None, None, None, "3k", "2k", sequential, 0.035,
                     _SEED_RATIOS)


MODELS: dict[str, ModelSpec] = {
    spec.key: spec
    for spec in (
        _gpt("image-gpt-image-2-text", "text"),
        _gpt("image-gpt-image-2-edit", "edit"),
        _nano2("image-nano-banana-2-text", "text"),
        _nano2("image-nano-banana-2-edit", "edit"),
        *(_pro(op, tier) for op in ("text", "edit") for tier in ("1k", "2k", "4k")),
        _seed("image-seedream-v5-lite-text", "text", False),
        _seed("image-seedream-v5-lite-edit", "edit", False),
        _seed("image-seedream-v5-lite-sequential", "text", True),
        _seed("image-seedream-v5-lite-edit-sequential", "edit", True),
        ModelSpec("image-flux-dev-text", "fal", "text", "fal-ai/flux/dev", None, None, None, "1k", "0.5k", False,
                  0.035, _FLUX_RATIOS),
        ModelSpec(LOCAL_MODEL, "local", "text", "designed-card", None, None, None, "2k", "1k", False, 0.0,
                  _LOCAL_RATIOS),
        ModelSpec("image-local-designed-edit", "local", "edit", "designed-card", None, None, None, "2k", "1k",
                  False, 0.0, _LOCAL_RATIOS),
    )
}

# Environment variable that holds each vendor's key (None: key-free), from the provider table.
VENDOR_KEY_ENV: dict[str, str | None] = {r.id: r.key_env for r in rows("image")}


def model_spec(key: str, *, field: str = "model") -> ModelSpec:
    spec = MODELS.get(key)
    if spec is None:
        raise InvalidInputError(f"{field}: unknown image endpoint key {key!r}",
                                hint=f"use one of: {', '.join(sorted(MODELS))}")
    return spec


# GPT Image bills by quality tier: the share of the "high" price per tier.
_QUALITY_SHARE = {"high": 1.0, "medium": 0.25, "low": 0.064}


def price_per_image(spec: ModelSpec, quality: str | None = None) -> float:
    """Per-image USD; for keys with quality tiers, scaled by the chosen tier."""
    share = _QUALITY_SHARE.get(quality or "", 1.0) if spec.best_quality else 1.0
    return round(_base_price(spec) * share, 4)


def _base_price(spec: ModelSpec) -> float:
    override = environ_value("REELFORGE_PRICE_" + spec.key.upper().replace("-", "_"))
    if override:
        try:
            return float(override)
        except ValueError:
            raise InvalidInputError(f"REELFORGE_PRICE_{spec.key.upper()} is not a number",
                                    hint="set it to a price in USD, e.g. 0.04") from None
    return spec.usd_per_image
