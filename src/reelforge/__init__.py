"""reelforge: traceable, reproducible short-form video."""

__version__ = "0.1.0"
