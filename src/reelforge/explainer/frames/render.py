"""Dispatch a scene to its frame renderer and write one PNG at exactly width x height."""

from __future__ import annotations

from pathlib import Path

from reelforge.errors import InvalidInputError
from reelforge.explainer.frames.canvas import Box, frame_margins, geometry, save_png
from reelforge.explainer.frames.chart import render_chart
from reelforge.explainer.frames.code import render_code
from reelforge.explainer.frames.diagram import render_diagram
from reelforge.explainer.frames.slide import render_slide
from reelforge.explainer.refs import parse_ref
from reelforge.explainer.sources import read_text_file
from reelforge.models.script import Scene
from reelforge.workspace.paths import canonical

KINDS = ("slide", "code", "diagram", "chart")

__all__ = ["KINDS", "Box", "frame_margins", "render_scene_visual"]


def render_scene_visual(scene: Scene, out: Path, *, source_root: Path, width: int, height: int, seed: int,
                        margins: Box | None = None) -> Path:
    """Render ``scene.visual`` (slide | code | diagram | chart) to ``out`` as a PNG; returns ``out``.

    ``source_root`` is the workspace that ``visual.ref`` is relative to. Same inputs, same bytes.
    ``margins`` overrides the default safe rectangle (``frame_margins``) when captions sit elsewhere.
    """
    kind = scene.visual.kind
    if kind not in KINDS:
        raise InvalidInputError(f"scene {scene.id}: visual.kind {kind!r} is not an explainer visual",
                                hint=f"use one of {', '.join(KINDS)} for explainer scenes")
    if width < 320 or height < 320:
        raise InvalidInputError(f"frame size {width}x{height} is too small for text frames",
                                hint="render explainer frames at 640x360 or larger")
    root = canonical(source_root)
    g = geometry(width, height, seed, margins)
    titles = [t for t in scene.on_screen_text if t.strip()]
    if kind == "slide":
        footer = scene.visual.ref or ""
        if not titles and scene.visual.ref:
            parse_ref(scene.visual.ref, root)  # a broken ref still fails loudly
        image = render_slide(g, titles or [scene.narration or scene.id], footer)
    else:
        ref = parse_ref(scene.visual.ref, root)
        if kind == "code":
            if not ref.path.is_file():
                raise InvalidInputError(f"scene {scene.id}: a code ref must name a file and lines, got "
                                        f"{scene.visual.ref!r}", hint="write visual.ref as path/to/file.py:10-40")
            text = read_text_file(ref.path, root, what="visual.ref").text
            image = render_code(g, ref, text, scene.narration, titles[1:] or titles)
        elif kind == "diagram":
            image = render_diagram(g, ref, root, titles)
        else:
            if not ref.column:
                raise InvalidInputError(f"scene {scene.id}: a chart ref must name a CSV column, got "
                                        f"{scene.visual.ref!r}", hint="write visual.ref as data.csv:column")
            image = render_chart(g, ref, root, titles)
    if image.size != (width, height):
        raise AssertionError(f"frame renderer returned {image.size}, not {(width, height)}")
    return save_png(image, out)
