"""``visual.ref`` strings: what a scene's picture points at inside the workspace.

    README.md                 the whole document (slide, or diagram: its section map)
    README.md#installation    one section (slide)
    pkg/mod.py:10-40          a line span of a text file (code)
    pkg/  or  pkg/mod.py      a package's import map, or one module's neighbours (diagram)
    data.csv:column           a column of a table (chart)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reelforge.errors import InvalidInputError, SafetyError
from reelforge.workspace.paths import canonical, is_inside

_SPAN = re.compile(r"^(?P<path>.+?):(?P<start>\d+)(?:-(?P<end>\d+))?$")
_COLUMN = re.compile(r"^(?P<path>.+?\.(?:csv|tsv)):(?P<column>.+)$", re.I)


@dataclass(frozen=True)
class Ref:
    path: Path  # canonical, inside the source root
    rel: str
    anchor: str = ""
    start: int = 0
    end: int = 0
    column: str = ""


def _resolve(rel: str, root: Path, raw: str) -> Path:
    candidate = Path(rel)
    if candidate.is_absolute() or ".." in candidate.parts:
        raise SafetyError(f"visual.ref {raw!r} leaves the workspace",
                          hint="use a workspace-relative path in visual.ref, without '..'")
    path = canonical(root / candidate)
    if not is_inside(path, root):
        raise SafetyError(f"visual.ref {raw!r} resolves outside the workspace {canonical(root)}",
                          hint="point visual.ref at a file inside the workspace")
    if not path.exists():
        raise InvalidInputError(f"visual.ref {raw!r} names {path}, which does not exist",
                                hint="fix visual.ref in script.json, or re-draft the script from the source",
                                file=str(path))
    return path


def parse_ref(raw: str | None, root: Path) -> Ref:
    if not raw or not raw.strip():
        raise InvalidInputError("the scene has no visual.ref to draw from",
                                hint="set visual.ref in script.json (e.g. README.md#usage or pkg/mod.py:10-40)")
    raw = raw.strip()
    m = _COLUMN.match(raw)
    if m:
        return Ref(path=_resolve(m["path"], root, raw), rel=m["path"], column=m["column"])
    m = _SPAN.match(raw)
    if m:
        start = int(m["start"])
        end = int(m["end"] or m["start"])
        if start < 1 or end < start:
            raise InvalidInputError(f"visual.ref {raw!r} has an empty line span",
                                    hint="write the span as path:START-END with 1 <= START <= END")
        return Ref(path=_resolve(m["path"], root, raw), rel=m["path"], start=start, end=end)
    path, _, anchor = raw.partition("#")
    return Ref(path=_resolve(path.rstrip("/") or ".", root, raw), rel=path.rstrip("/"), anchor=anchor)
