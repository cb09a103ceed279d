"""Render an explainer scene's visual (slide, code, diagram, chart) to a PNG."""
from reelforge.explainer.frames.render import frame_margins, render_scene_visual

__all__ = ["frame_margins", "render_scene_visual"]
