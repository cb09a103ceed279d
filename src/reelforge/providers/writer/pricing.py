"""List prices of the text models a writer may call, per million tokens (USD), for the pre-call estimate.

An unknown model is priced at its vendor's dearest listed model, so the estimate stays an upper bound.
Local servers cost nothing. Prices as published by the vendors (OpenAI and Google pricing pages, 2026).
"""

from __future__ import annotations

from dataclasses import dataclass

PER_MILLION: dict[str, dict[str, tuple[float, float]]] = {
    "openai": {
        "gpt-4.1": (2.00, 8.00), "gpt-4.1-mini": (0.40, 1.60), "gpt-4.1-nano": (0.10, 0.40),
        "gpt-4o": (2.50, 10.00), "gpt-4o-mini": (0.15, 0.60),
        "gpt-5": (1.25, 10.00), "gpt-5-mini": (0.25, 2.00), "gpt-5-nano": (0.05, 0.40),
    },
    "gemini": {
        "gemini-2.5-pro": (1.25, 10.00), "gemini-2.5-flash": (0.30, 2.50), "gemini-2.5-flash-lite": (0.10, 0.40),
        "gemini-2.0-flash": (0.10, 0.40), "gemini-2.0-flash-lite": (0.075, 0.30),
    },
    "local": {},
}


@dataclass(frozen=True)
class Price:
    input_per_m: float
    output_per_m: float
    listed: bool  # False: an upper bound for a model missing from the table

    def usd(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input_per_m + output_tokens * self.output_per_m) / 1_000_000


def price_of(vendor: str, model: str) -> Price:
    table = PER_MILLION.get(vendor, {})
    if vendor == "local":
        return Price(0.0, 0.0, True)
    if model in table:
        return Price(*table[model], listed=True)
    dearest = max(table.values(), key=lambda p: p[1], default=(0.0, 0.0))
    return Price(*dearest, listed=False)


def estimate_tokens(text: str) -> int:
    """About four characters a token for English prose and JSON (rounded up, plus message overhead)."""
    return len(text) // 4 + 16
