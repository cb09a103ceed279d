"""A small layered (Sugiyama-style) graph layout in pure Python: layers by longest path, then barycentre
ordering sweeps. Deterministic (ties break by name) and dependency-free; see docs/explainer.md for why
this was chosen over Debian's graphviz.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Layout:
    layers: list[list[str]]  # node names per layer, in drawing order
    edges: list[tuple[str, str]]  # (from, to) as given; back edges of cycles included

    def position(self, node: str) -> tuple[int, int]:
        for li, layer in enumerate(self.layers):
            if node in layer:
                return li, layer.index(node)
        raise KeyError(node)


def _acyclic(nodes: list[str], edges: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Edges minus the back edges found by a depth-first walk in name order."""
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        succ[a].append(b)
    state: dict[str, int] = {}
    forward: list[tuple[str, str]] = []

    for root in sorted(nodes):
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        state[root] = 1
        while stack:
            node, i = stack.pop()
            children = sorted(succ[node])
            if i < len(children):
                stack.append((node, i + 1))
                child = children[i]
                if state.get(child) == 1:
                    continue  # back edge: drawn, but ignored for layering
                forward.append((node, child))
                if child not in state:
                    state[child] = 1
                    stack.append((child, 0))
            else:
                state[node] = 2
    return forward


def layered(nodes: list[str], edges: list[tuple[str, str]], *, max_layers: int = 5, sweeps: int = 6) -> Layout:
    nodes = sorted(set(nodes))
    edges = sorted({(a, b) for a, b in edges if a in nodes and b in nodes and a != b})
    forward = _acyclic(nodes, edges)
    layer = {n: 0 for n in nodes}
    for _ in range(len(nodes)):
        changed = False
        for a, b in forward:
            if layer[b] < layer[a] + 1:
                layer[b] = layer[a] + 1
                changed = True
        if not changed:
            break
    depth = max(layer.values(), default=0) + 1
    if depth > max_layers:  # squeeze deep chains proportionally so the frame keeps a readable size
        layer = {n: min(max_layers - 1, layer[n] * max_layers // depth) for n in nodes}
        depth = max_layers
    layers = [sorted(n for n in nodes if layer[n] == li) for li in range(depth)]
    layers = [lay for lay in layers if lay]
    index = {n: li for li, lay in enumerate(layers) for n in lay}
    neighbours: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    for sweep in range(sweeps):
        order = range(1, len(layers)) if sweep % 2 == 0 else range(len(layers) - 2, -1, -1)
        for li in order:
            ref = li - 1 if sweep % 2 == 0 else li + 1
            pos = {n: i for i, n in enumerate(layers[ref])}

            def bary(n: str, pos: dict[str, int] = pos, li: int = li) -> tuple[float, str]:
                near = [pos[m] for m in neighbours[n] if m in pos]
                current = layers[li].index(n)
                return (sum(near) / len(near) if near else float(current), n)

            layers[li] = sorted(layers[li], key=bary)
    del index
    return Layout(layers=layers, edges=edges)
