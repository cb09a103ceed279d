"""The vendor adapters one runner builds: made on first use per vendor, closed together (their HTTP clients)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Protocol, Self, TypeVar


class Closable(Protocol):
    def close(self) -> None: ...


A = TypeVar("A", bound=Closable)


class AdapterPool(Generic[A]):
    def __init__(self, factory: Callable[[str], A]) -> None:
        self._factory = factory
        self._providers: dict[str, A] = {}

    def provider(self, vendor: str) -> A:
        if vendor not in self._providers:
            self._providers[vendor] = self._factory(vendor)
        return self._providers[vendor]

    def close(self) -> None:
        """Close every adapter this runner built (their HTTP connections)."""
        providers, self._providers = list(self._providers.values()), {}
        for provider in providers:
            provider.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
