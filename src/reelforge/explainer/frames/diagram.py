"""Diagram frames: a package's import map, one module's neighbours, or a README's section map."""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

from reelforge.explainer.frames.canvas import Geometry, background, ellipsize, font, line_height
from reelforge.explainer.frames.graph_layout import layered
from reelforge.explainer.markdown import parse_markdown
from reelforge.explainer.pysource import Module, analyse_package
from reelforge.explainer.refs import Ref
from reelforge.explainer.sources import load_source, read_text_file

Graph = tuple[list[str], list[tuple[str, str]], str]  # nodes, edges, focus node ("" for none)


def _package_dir(path: Path, root: Path) -> Path:
    folder = path if path.is_dir() else path.parent
    while (folder.parent / "__init__.py").is_file() and folder.parent != root and folder != root:
        folder = folder.parent
    return folder


def _label(m: Module, top: str) -> str:
    name = m.name[len(top) + 1:] if m.name.startswith(top + ".") else m.name
    return name or m.name


def import_graph(ref: Ref, root: Path, max_nodes: int) -> Graph:
    source = load_source(_package_dir(ref.path, root), workspace=root)
    modules = [m for m in analyse_package(source.files, source.rel) if not m.parse_error]
    top = min((m.name for m in modules), key=lambda n: (n.count("."), n)).split(".")[0]
    by_name = {m.name: m for m in modules}
    focus = next((m for m in modules if ref.path.is_file() and m.rel == ref.rel), None)
    if focus:
        users = sorted((m for m in modules if focus.name in m.imports), key=lambda m: (-m.score(), m.name))
        deps = sorted((by_name[n] for n in focus.imports), key=lambda m: (-m.score(), m.name))
        half = (max_nodes - 1) // 2
        chosen = [focus, *users[: max(half, max_nodes - 1 - len(deps))]]
        chosen += deps[: max_nodes - len(chosen)]
    else:
        # The package's __init__ imports nearly everything: in an overview it is only noise.
        pool = [m for m in modules if not (m.rel.endswith("__init__.py") and len(m.imports) > len(modules) / 3)]
        chosen = sorted(pool or modules, key=lambda m: (-(m.importers * 3 + len(m.imports)) - m.score() / 10,
                                                        m.name))[:max_nodes]
    names = {m.name for m in chosen}
    labels = {m.name: _label(m, top) for m in chosen}
    edges = [(labels[m.name], labels[t]) for m in chosen for t in sorted(m.imports) if t in names]
    if focus:  # only the focus module's own edges: the question is "who uses it, what does it use"
        edges = [(a, b) for a, b in edges if labels[focus.name] in (a, b)]
    return sorted(labels.values()), edges, labels[focus.name] if focus else ""


def section_graph(ref: Ref, root: Path, max_nodes: int, only: list[str] | None = None) -> Graph:
    """The README's section tree under the project's name, without boilerplate sections; with ``only``
    (the topics the narration lists), just those, so the picture shows what the voice counts."""
    from reelforge.explainer.scenes_readme import section_dropped
    from reelforge.explainer.title import project_title

    file = read_text_file(ref.path, root)
    doc = parse_markdown(file.text, fallback_title="")
    title = project_title(doc, ref.path, root)
    nodes, edges = [title], []
    parent = title
    kept = []
    dropped_level = 99
    for section in doc.sections:
        if section.level > dropped_level:
            continue
        dropped_level = 99
        if section_dropped(section, title):
            dropped_level = section.level
            continue
        kept.append(section)
    if only:
        wanted = {o.rstrip(".… ") for o in only}
        kept = [s for s in kept if s.heading.rstrip(".… ") in wanted]
    top_level = min((s.level for s in kept), default=2)
    for section in kept:
        if len(nodes) >= max_nodes:
            break
        label = section.heading if section.heading not in nodes else f"{section.heading} ({section.line})"
        if section.level <= top_level or (only and parent == title):
            nodes.append(label)
            edges.append((title, label))
            parent = label if section.level <= top_level else parent
        elif section.level == top_level + 1 and parent != title:
            nodes.append(label)
            edges.append((parent, label))
    return nodes, edges, title


def render_diagram(g: Geometry, ref: Ref, root: Path, titles: list[str]) -> Image.Image:
    max_nodes = 14 if not g.portrait else 12
    if ref.path.is_file() and ref.path.suffix.lower() != ".py":
        nodes, edges, focus = section_graph(ref, root, max_nodes, only=titles[2:] or None)
    else:
        nodes, edges, focus = import_graph(ref, root, max_nodes)
    image = background(g)
    draw = ImageDraw.Draw(image)
    s, p = g.safe, g.palette
    y0 = s.y0
    if titles:
        title_face = font("RobotoBold", g.px(54))
        draw.text((s.x0, y0), ellipsize(titles[0], title_face, s.w), font=title_face, fill=p.text)
        y0 += line_height(title_face, 1.4)
    layout = layered(nodes, edges, max_layers=4 if g.portrait else 5)
    # Layers run along the frame's long side: left-to-right at 16:9, top-to-bottom at 9:16.
    across = g.portrait
    # A crowded layer is folded into several rows/columns so boxes keep a readable size.
    cap = max(2, int((s.w if across else s.y1 - y0) // g.px(240 if across else 96)))
    layers = [layer[i:i + cap] for layer in layout.layers for i in range(0, len(layer), cap)]
    n_layers = len(layers)
    widest = max(len(layer) for layer in layers)
    area_w, area_h = s.w, s.y1 - y0
    cell_main = (area_h if across else area_w) / n_layers
    cell_cross = (area_w if across else area_h) / widest
    size = g.px(40)
    while size > g.px(16):
        face = font("RobotoMedium", size)
        room = (cell_cross if across else cell_main) * 0.86
        wanted = max(face.getlength(n) for n in nodes) + size * 1.4
        box_w = min(wanted, room)
        box_h = line_height(face, 1.0) + size * 0.9
        if box_h <= (cell_main if across else cell_cross) * 0.62 and (wanted <= room or size <= g.px(24)):
            break
        size -= g.px(2)
    face = font("RobotoMedium", size)
    centres: dict[str, tuple[float, float]] = {}
    for li, layer in enumerate(layers):
        offset = (widest - len(layer)) / 2
        for ni, node in enumerate(layer):
            main = (li + 0.5) * cell_main
            cross = (offset + ni + 0.5) * cell_cross
            centres[node] = (s.x0 + cross, y0 + main) if across else (s.x0 + main, y0 + cross)
    half_w, half_h = box_w / 2, box_h / 2
    for a, b in layout.edges:
        (ax, ay), (bx, by) = centres[a], centres[b]
        start, end = _clip(ax, ay, bx, by, half_w, half_h), _clip(bx, by, ax, ay, half_w, half_h)
        colour = p.accent if focus and focus in (a, b) else p.muted
        draw.line((start, end), fill=colour, width=max(2, g.px(3)))
        _arrow(draw, start, end, g.px(16), colour)
    for node, (cx, cy) in centres.items():
        box = (round(cx - half_w), round(cy - half_h), round(cx + half_w), round(cy + half_h))
        is_focus = node == focus
        draw.rounded_rectangle(box, radius=g.px(14), fill=p.accent if is_focus else p.panel,
                               outline=p.accent, width=max(2, g.px(3)))
        label = ellipsize(node, face, box_w - size * 0.8)
        draw.text((cx, cy), label, font=face, fill=p.top if is_focus else p.text, anchor="mm")
    return image


def _clip(x: float, y: float, tx: float, ty: float, hw: float, hh: float) -> tuple[float, float]:
    """Where the segment from a box centre towards (tx, ty) leaves the box."""
    dx, dy = tx - x, ty - y
    if dx == 0 and dy == 0:
        return x, y
    scale = min(hw / abs(dx) if dx else math.inf, hh / abs(dy) if dy else math.inf)
    return x + dx * scale, y + dy * scale


def _arrow(draw: ImageDraw.ImageDraw, start: tuple[float, float], end: tuple[float, float], size: int,
           colour: tuple[int, int, int]) -> None:
    angle = math.atan2(end[1] - start[1], end[0] - start[0])
    left = (end[0] - size * math.cos(angle - 0.45), end[1] - size * math.sin(angle - 0.45))
    right = (end[0] - size * math.cos(angle + 0.45), end[1] - size * math.sin(angle + 0.45))
    draw.polygon([end, left, right], fill=colour)
