"""Explainer mode: draft a grounded script from a README, a package or a CSV, and render its visuals."""

from reelforge.explainer.draft import draft_explainer_script
from reelforge.explainer.frames import frame_margins, render_scene_visual

__all__ = ["draft_explainer_script", "frame_margins", "render_scene_visual"]
