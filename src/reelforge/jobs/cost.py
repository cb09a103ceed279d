"""The one cost guard: an estimate before any paid call, the shared guardrail (--max-usd, --yes), and the
budget check for spends a parent plan already approved (scene stills inside a video's cost plan).

Prices come from the provider registry's price table (``providers.registry``); the runners only count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reelforge.errors import InvalidInputError

DEFAULT_MAX_USD = 0.20  # the same default as `reelforge video generate`
DEFAULT_HINT = "pass --yes to spend it, raise --max-usd, or set draft: true / a cheaper model"


@dataclass(frozen=True)
class Estimate:
    usd: float
    images: int  # how many outputs (``unit`` says of what)
    by_model: dict[str, float]
    unit: str = "image"  # render jobs say "video"

    def to_json(self) -> dict[str, object]:
        return {"usd": self.usd, "images": self.images, "byModel": self.by_model}


def estimate_lines(lines: Iterable[tuple[str, int, float]], *, unit: str = "image") -> Estimate:
    """``(model key, outputs, USD per output)`` lines -> one estimate, summed per model."""
    by_model: dict[str, float] = {}
    count = 0
    for key, n, price in lines:
        count += n
        by_model[key] = round(by_model.get(key, 0.0) + n * price, 4)
    return Estimate(round(sum(by_model.values()), 4), count, by_model, unit=unit)


def check_guardrail(est: Estimate, *, max_usd: float | None, yes: bool,
                    hint: str = DEFAULT_HINT) -> None:
    """Refuse (exit 4) a paid plan at or above the guardrail unless --yes was given (every surface uses this)."""
    limit = DEFAULT_MAX_USD if max_usd is None else max_usd
    if est.usd > 0 and est.usd >= limit and not yes:
        parts = ", ".join(f"{k} ${v:.2f}" for k, v in sorted(est.by_model.items()) if v > 0)
        count = f" for {est.images} {est.unit}(s)" if est.images else ""
        raise InvalidInputError(f"estimated cost ${est.usd:.2f}{count} ({parts}) reaches the guardrail ${limit:.2f}",
                                hint=hint)


def over_approved(est: Estimate, approved: Mapping[str, float]) -> str | None:
    """Why ``est`` exceeds what a parent plan approved per model (None: it fits, nothing asked twice)."""
    for key, usd in sorted(est.by_model.items()):
        budget = approved.get(key, 0.0)
        if usd > budget + 1e-9:
            return f"{key} needs ${usd:.2f} but the run's cost plan approved ${budget:.2f}"
    return None
