"""An image request file: one JSON object, an envelope ``{schemaVersion, input}``, or JSONL (one per line).

Only reading here; what a request must say is ``models/image_request.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reelforge.errors import FieldIssue, SchemaValidationError
from reelforge.workspace.documents import read_json_file, read_json_lines


def load_request_file(path: Path) -> list[dict[str, Any]]:
    """Missing file: exit 3. Anything malformed (encoding, JSON, limits, not an object, empty JSONL): exit 4."""
    if path.suffix == ".jsonl":
        raw = read_json_lines(path, document="request batch", flag="--request")
    else:
        raw = [(0, read_json_file(path, document="request file", flag="--request"))]
    out: list[dict[str, Any]] = []
    issues: list[FieldIssue] = []
    for line, item in raw:
        if isinstance(item, dict) and "input" in item and isinstance(item["input"], dict):
            item = item["input"]
        if not isinstance(item, dict):
            issues.append(FieldIssue(f"line {line}" if line else "<root>", "each request must be a JSON object"))
            continue
        out.append(item)
    if issues:
        raise SchemaValidationError("request file", issues, file=str(path), hint="wrap each request's fields in {...}")
    return out
