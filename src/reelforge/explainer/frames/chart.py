"""Chart frames: one CSV column plotted with matplotlib (Agg), annotated at its max and min.

Determinism: a private Figure (no pyplot state), fixed rc (``svg.hashsalt``, fonts from font-roboto),
pixels copied out of the Agg buffer and saved by Pillow, so no date or software tag reaches the PNG.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from reelforge.errors import InvalidInputError
from reelforge.explainer.frames.canvas import RGB, Geometry, background, ellipsize, font, line_height
from reelforge.explainer.refs import Ref
from reelforge.explainer.sources import read_text_file
from reelforge.explainer.tabular import fmt, read_table, series_for


def _hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _rc(g: Geometry) -> dict[str, Any]:
    return {"svg.hashsalt": "reelforge-explainer", "path.simplify": True, "font.family": "Roboto",
            "font.size": 22 * g.unit, "axes.titlesize": 26 * g.unit, "axes.labelsize": 24 * g.unit,
            "xtick.labelsize": 20 * g.unit, "ytick.labelsize": 20 * g.unit, "text.antialiased": True,
            "axes.unicode_minus": False}


def _register_fonts() -> None:
    import font_roboto
    from matplotlib import font_manager

    known = {f.fname for f in font_manager.fontManager.ttflist}
    for key in ("Roboto", "RobotoMedium", "RobotoBold"):
        if font_roboto.font_files[key] not in known:
            font_manager.fontManager.addfont(font_roboto.font_files[key])


def plot(g: Geometry, labels: list[str], values: list[float], x_name: str, y_name: str, x_numeric: bool,
         width: int, height: int) -> Image.Image:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    _register_fonts()
    p = g.palette
    with matplotlib.rc_context(_rc(g)):
        fig = Figure(figsize=(width / 100, height / 100), dpi=100, facecolor=_hex(p.panel), layout="constrained")
        canvas = FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.set_facecolor(_hex(p.panel))
        xs = np.arange(len(values), dtype=float)
        if x_numeric:
            xs = np.array([float(v.replace(",", "")) for v in labels])
        if len(values) <= 12 and not x_numeric:
            ax.bar(xs, values, color=_hex(p.accent), width=0.66)
        else:
            ax.plot(xs, values, color=_hex(p.accent), linewidth=3.2 * g.unit, marker="o" if len(values) <= 40 else
                    None, markersize=7 * g.unit)
        hi, lo = int(np.argmax(values)), int(np.argmin(values))
        for idx, colour, va in ((hi, p.accent2, "bottom"), (lo, p.muted, "top")):
            ax.annotate(fmt(values[idx]), (xs[idx], values[idx]), textcoords="offset points",
                        xytext=(0, 10 if va == "bottom" else -10), ha="center", va=va, color=_hex(colour),
                        fontsize=22 * g.unit, fontweight="bold")
        lo_v, hi_v = min(values), max(values)
        pad = (hi_v - lo_v) * 0.18 or abs(hi_v) * 0.1 or 1.0
        ax.set_ylim(0.0 if 0 <= lo_v < 0.25 * hi_v else lo_v - pad, hi_v + pad)
        if not x_numeric:
            step = max(1, int(np.ceil(len(labels) / (10 if not g.portrait else 5))))
            ticks = list(range(0, len(labels), step))
            ax.set_xticks([xs[i] for i in ticks], [ellipsize(labels[i], font("Roboto", 20), 200) for i in ticks],
                          rotation=0 if max((len(labels[i]) for i in ticks), default=0) <= 6 else 30,
                          ha="center" if max((len(labels[i]) for i in ticks), default=0) <= 6 else "right")
        else:
            ax.xaxis.set_major_locator(MaxNLocator(nbins=8 if not g.portrait else 5, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
        ax.set_xlabel(x_name, color=_hex(p.text))
        ax.set_ylabel(y_name, color=_hex(p.text))
        ax.tick_params(colors=_hex(p.muted))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_color(_hex(p.muted))
        ax.grid(axis="y", color=_hex(p.muted), alpha=0.25, linewidth=1)
        canvas.draw()
        pixels = np.asarray(canvas.buffer_rgba())[:, :, :3].copy()
    return Image.fromarray(pixels, "RGB")


def render_chart(g: Geometry, ref: Ref, root: Any, titles: list[str]) -> Image.Image:
    file = read_text_file(ref.path, root)
    table = read_table(file.text, file=str(ref.path))
    if ref.column not in table.columns:
        raise InvalidInputError(f"visual.ref names column {ref.column!r}, which {ref.rel} does not have",
                                hint=f"use one of: {', '.join(table.columns)}", file=str(ref.path))
    series = series_for(table, ref.column)
    if len(series.values) < 2:
        raise InvalidInputError(f"column {ref.column!r} of {ref.rel} has fewer than two numbers to plot",
                                hint="point visual.ref at a numeric column", file=str(ref.path))
    image = background(g)
    draw = ImageDraw.Draw(image)
    s, p = g.safe, g.palette
    y = s.y0
    title_face, sub_face = font("RobotoBold", g.px(54)), font("Roboto", g.px(34))
    for text, face, colour in ((titles[:1], title_face, p.text), (titles[1:2], sub_face, p.muted)):
        if text:
            draw.text((s.x0, y), ellipsize(text[0], face, s.w), font=face, fill=colour)
            y += line_height(face, 1.3)
    y += g.px(10)
    chart = plot(g, series.labels, series.values, series.x_name, series.name, series.x_numeric, s.w, s.y1 - y)
    image.paste(chart, (s.x0, y))
    return image
