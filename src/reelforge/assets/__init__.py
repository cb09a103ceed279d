"""The unified asset store shared by the image, video and audio runners (see store.py for the layout)."""

from reelforge.assets.lock import locked
from reelforge.assets.store import MEDIA, STATES, AssetStore, now_iso, read_json

__all__ = ["MEDIA", "STATES", "AssetStore", "locked", "now_iso", "read_json"]
