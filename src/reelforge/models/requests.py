"""The request models, one per request kind, as a user writes them and as request.json keeps them (normalized):
the image request (models/image_request.py) and the render request (models/render_request.py). They are the
documented shapes exported by `reelforge schema export`, and the runners validate every request with them.
"""

from __future__ import annotations

from reelforge.models.image_request import ImageRequest
from reelforge.models.render_request import MediaRef, RenderRequest

__all__ = ["ImageRequest", "MediaRef", "RenderRequest"]
