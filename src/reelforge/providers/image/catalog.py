"""The hosted image endpoint keys, collected from the adapter classes the provider table names.

The endpoint key is the stable name in request records; the vendor model id is what goes on the wire and
may change without touching any request. Each adapter class declares its own keys and list prices (USD per
output image) in its ``models`` attribute (``providers/image/spec.py``); nothing here names a vendor's model,
so the estimate before submit and the manifest after it read the vendor's own module. Override a price per
key with ``REELFORGE_PRICE_<KEY>``, e.g. ``REELFORGE_PRICE_IMAGE_GPT_IMAGE_2_TEXT=0.2``.
"""

from __future__ import annotations

from reelforge.config import environ_value
from reelforge.errors import InvalidInputError
from reelforge.providers.image.spec import ModelSpec
from reelforge.providers.registry import declared_models, rows

__all__ = ["DEFAULT_MODEL", "LOCAL_MODEL", "MODELS", "VENDOR_KEY_ENV", "ModelSpec", "model_spec", "price_per_image"]

DEFAULT_MODEL = "image-nano-banana-2-text"
LOCAL_MODEL = "image-local-designed"

MODELS: dict[str, ModelSpec] = {spec.key: spec for spec in declared_models("image")}

# Environment variable that holds each vendor's key (None: key-free), from the provider table.
VENDOR_KEY_ENV: dict[str, str | None] = {r.id: r.key_env for r in rows("image")}


def model_spec(key: str, *, field: str = "model") -> ModelSpec:
    spec = MODELS.get(key)
    if spec is None:
        raise InvalidInputError(f"{field}: unknown image endpoint key {key!r}",
                                hint=f"use one of: {', '.join(sorted(MODELS))}")
    return spec


def price_per_image(spec: ModelSpec, quality: str | None = None) -> float:
    """Per-image USD; for keys with quality tiers, scaled by the chosen tier."""
    share = spec.quality_share.get(quality or "", 1.0) if spec.best_quality else 1.0
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
