"""Pydantic errors of a request model as the field issues every surface shows: a path a person can find in
their file (``referenceVideos[0].durationSeconds``) and a message that says what to write instead."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from reelforge.errors import FieldIssue

_PLAIN = {
    "missing": "is required",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "int_type": "must be an integer",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "literal_error": "must be one of {expected}",
    "string_pattern_mismatch": "must be a slug of letters, digits, '-' or '_' (max 64)",
    "extra_forbidden": "unknown field",
    "string_too_short": "must not be empty",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
}


def issue_path(loc: tuple[Any, ...]) -> str:
    """``("referenceVideos", 0, "durationSeconds")`` -> ``referenceVideos[0].durationSeconds``; union member
    names pydantic adds (``str``, ``MediaRef``, ``list[...]``) are left out."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and (part[:1].isupper() or "[" in part or "-" in part
                                        or part in ("str", "int", "float")):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out or "<root>"


def issues_of(error: ValidationError, fixes: Mapping[str, str] = {}) -> list[FieldIssue]:
    """One issue per failing field (the first pydantic message of a field whose union members all failed);
    ``fixes`` adds the fix of a field to its message (``{field: "set the asset folder, e.g. assets/<id>"}``)."""
    seen: dict[str, FieldIssue] = {}
    for err in error.errors():
        path = issue_path(tuple(err["loc"]))
        if path in seen:
            continue
        kind = err["type"]
        ctx = err.get("ctx") or {}
        if kind == "string_type" and err.get("input") is None:
            kind = "missing"  # a blank string is as good as absent
        message = str(ctx.get("error")) if kind == "value_error" and ctx.get("error") else (
            _PLAIN.get(kind, err["msg"]).format(**{k: v for k, v in ctx.items() if isinstance(v, (str, int, float))}))
        fix = fixes.get(path) or fixes.get(path.split(".", 1)[0].split("[", 1)[0])
        seen[path] = FieldIssue(path, f"{message}: {fix}" if fix and kind == "missing" else message)
    return list(seen.values())
