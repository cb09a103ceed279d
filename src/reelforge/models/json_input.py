"""The one input-decoding layer: bytes -> UTF-8 -> JSON (with size, depth and number limits) -> plain data.

Every request file, JSONL batch and script.json goes through here before any validator sees it, so a
malformed file is always a SchemaValidationError (exit 4) naming the file, the line or the field, never a
traceback: invalid UTF-8, UTF-16 text, lone surrogates, NUL characters, 100,000-deep nesting, integers of
thousands of digits, NaN/Infinity and files too big to be a request are all refused here. Pure: no file I/O.
"""

from __future__ import annotations

import json
import math
from typing import Any

from reelforge.errors import FieldIssue, SchemaValidationError

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_INT_DIGITS = 40
MAX_ISSUES = 20
_BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}


class _Refused(ValueError):
    """Raised from inside json.loads hooks; carries the reason."""


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused(f"an integer of {len(text.lstrip('-'))} digits (the limit is {MAX_INT_DIGITS})")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text[:40]} is out of range")
    return value


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON number")


def _text(data: bytes, document: str, file: str | None, max_bytes: int) -> str:
    def refuse(message: str, hint: str | None = None) -> SchemaValidationError:
        return SchemaValidationError(document, [FieldIssue("<file>", message)], file=file, hint=hint)

    if len(data) > max_bytes:
        raise refuse(f"is {len(data):,} bytes; the limit is {max_bytes:,}")
    for bom, name in _BOMS.items():
        if data.startswith(bom):
            raise refuse(f"is {name} text, not UTF-8", hint=f"save {file or document} as UTF-8 and run again")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        looks = " (it looks like UTF-16: NUL bytes between letters)" if data[1:2] == b"\x00" else ""
        raise refuse(f"is not UTF-8 text: invalid byte 0x{data[exc.start]:02x} at offset {exc.start}{looks}",
                     hint=f"save {file or document} as UTF-8 and run again") from None


def _loads(text: str) -> Any:
    return json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)


def _parse(text: str, where: str) -> tuple[Any, FieldIssue | None]:
    try:
        return _loads(text), None
    except _Refused as exc:
        return None, FieldIssue(where, str(exc))
    except RecursionError:
        return None, FieldIssue(where, f"nested deeper than {MAX_DEPTH} levels")
    except json.JSONDecodeError as exc:
        return None, FieldIssue(where, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
    except ValueError as exc:  # e.g. Python's own int-digit limit
        return None, FieldIssue(where, f"not valid JSON: {exc}")


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}.{key}" if path else str(key)
    return f"{path}.{key}" if path else key


def _string_issue(value: str) -> str | None:
    if "\x00" in value:
        return "contains a NUL character (\\0)"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone UTF-16 surrogate (\\ud800-\\udfff), which is not text"
    return None


def check_tree(data: Any, *, prefix: str = "", max_depth: int = MAX_DEPTH) -> list[FieldIssue]:
    """Every string (keys too) must be real text without NUL; nesting at most ``max_depth``. Iterative."""
    issues: list[FieldIssue] = []
    stack: list[tuple[Any, str, int]] = [(data, prefix, 0)]
    while stack and len(issues) < MAX_ISSUES:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            problem = _string_issue(value)
            if problem:
                issues.append(FieldIssue(path or "<root>", problem))
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth >= max_depth:
            issues.append(FieldIssue(path or "<root>", f"nested deeper than {max_depth} levels"))
            continue
        if isinstance(value, dict):
            for key, item in value.items():
                problem = _string_issue(key)
                if problem:
                    issues.append(FieldIssue(_join(path, repr(key)[1:-1]), f"key {problem}"))
                    continue
                stack.append((item, _join(path, key), depth + 1))
        else:
            stack.extend((item, _join(path, i), depth + 1) for i, item in reversed(list(enumerate(value))))
    return issues


def decode_json(data: bytes, *, document: str, file: str | None = None, max_bytes: int = MAX_BYTES) -> Any:
    """One JSON document from raw bytes; SchemaValidationError (exit 4) for anything malformed."""
    value, issue = _parse(_text(data, document, file, max_bytes), "<file>")
    issues = [issue] if issue else check_tree(value)
    if issues:
        raise SchemaValidationError(document, issues, file=file)
    return value


def decode_json_lines(data: bytes, *, document: str, file: str | None = None,
                      max_bytes: int = MAX_BYTES) -> list[tuple[int, Any]]:
    """JSONL: (line number, value) for every non-blank line; every bad line is listed at once."""
    text = _text(data, document, file, max_bytes)
    out: list[tuple[int, Any]] = []
    issues: list[FieldIssue] = []
    # split on newlines only: U+2028 and friends are legal inside JSON strings (str.splitlines would cut there)
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        value, issue = _parse(line, f"line {number}")
        found = [issue] if issue else check_tree(value, prefix=f"line {number}")
        issues.extend(found)
        if not found:
            out.append((number, value))
    if issues:
        raise SchemaValidationError(document, issues[:MAX_ISSUES], file=file)
    if not out:
        raise SchemaValidationError(document, [FieldIssue("<file>", "holds no requests (no non-blank lines)")],
                                    file=file, hint="put one JSON request per line, or pass a .json file")
    return out
