"""Cost estimate before submit and the shared guardrail (--max-usd, --yes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reelforge.batch.catalog import price_per_image
from reelforge.batch.request import ImageRequest
from reelforge.errors import InvalidInputError

DEFAULT_MAX_USD = 0.20  # the same default as `reelforge video generate`


@dataclass(frozen=True)
class Estimate:
    usd: float
    images: int
    by_model: dict[str, float]
    unit: str = "image"  # what ``images`` counts; render jobs say "video"

    def to_json(self) -> dict[str, object]:
        return {"usd": self.usd, "images": self.images, "byModel": self.by_model}


def estimate(requests: Sequence[ImageRequest]) -> Estimate:
    by_model: dict[str, float] = {}
    images = 0
    for req in requests:
        n = req.images_out
        images += n
        price = price_per_image(req.spec, req.data.get("quality"))
        by_model[req.spec.key] = round(by_model.get(req.spec.key, 0.0) + n * price, 4)
    return Estimate(round(sum(by_model.values()), 4), images, by_model)


def check_guardrail(est: Estimate, *, max_usd: float | None, yes: bool) -> None:
    """Refuse (exit 4) a paid plan at or above the guardrail unless --yes was given."""
    limit = DEFAULT_MAX_USD if max_usd is None else max_usd
    if est.usd > 0 and est.usd >= limit and not yes:
        parts = ", ".join(f"{k} ${v:.2f}" for k, v in sorted(est.by_model.items()) if v > 0)
        raise InvalidInputError(f"estimated cost ${est.usd:.2f} for {est.images} {est.unit}(s) ({parts}) reaches the "
                                f"guardrail ${limit:.2f}",
                                hint="pass --yes to spend it, raise --max-usd, or set draft: true / a cheaper model")
