"""A render request file: one JSON object. Only reading here; what a request must say is
``models/render_request.py``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reelforge.errors import FieldIssue, SchemaValidationError
from reelforge.workspace.documents import read_json_file


def load_request(path: Path) -> dict[str, Any]:
    """Missing -> exit 3; malformed bytes/JSON or not one object -> exit 4."""
    data = read_json_file(path, document="render request", flag="--request")
    if not isinstance(data, dict):
        raise SchemaValidationError("render request", [FieldIssue("<root>", "must be one JSON object")],
                                    file=str(path))
    return data
