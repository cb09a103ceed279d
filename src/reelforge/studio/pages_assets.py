"""Studio pages: assets (routes filled in by their own change)."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
