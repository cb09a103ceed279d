"""The shipped script.json schema in each vendor's structured-output dialect.

OpenAI (``response_format: json_schema, strict: true``) wants every object closed, every property
required (optional ones nullable) and no ``default`` or string-length keywords; llama.cpp, Ollama and
vLLM take the same shape.
Gemini's ``responseSchema`` is an OpenAPI 3.0 subset: upper-case types, ``nullable``, no ``$ref``,
``const``, ``additionalProperties`` or exclusive bounds.
"""

from __future__ import annotations

import copy
from typing import Any

# Strict mode takes a subset of JSON Schema; string length and numeric bounds are left to our own checks
# after the reply (they are also where llama.cpp's and vLLM's grammar compilers differ most).
_DROP_STRICT = ("default", "title", "$id", "$schema", "minLength", "maxLength", "pattern", "minimum", "maximum",
                "exclusiveMinimum", "exclusiveMaximum")
_GEMINI_KEYS = ("type", "format", "description", "nullable", "enum", "maxItems", "minItems", "properties",
                "required", "propertyOrdering", "items", "minimum", "maximum")


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return _inline(copy.deepcopy(defs[name]), defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = _inline(schema, schema.get("$defs", {}))
    return result


def openai_strict(schema: dict[str, Any]) -> dict[str, Any]:
    """Closed objects, all properties required, optional ones made nullable, ``const`` as a one-value enum."""
    def walk(node: Any, optional: bool = False) -> Any:
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v) for k, v in node.items() if k not in _DROP_STRICT and k not in ("properties",)}
        if "const" in out:
            out["enum"] = [out.pop("const")]
        if node.get("type") == "object" and "properties" in node:
            required = set(node.get("required", []))
            out["properties"] = {k: walk(v, optional=k not in required) for k, v in node["properties"].items()}
            out["required"] = list(node["properties"])
            out["additionalProperties"] = False
        if optional and "anyOf" not in out and "type" in out and out["type"] != "null":
            out = {"anyOf": [out, {"type": "null"}]}
        return out

    result: dict[str, Any] = walk(inline_refs(schema))
    return result


def gemini_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI subset Gemini's responseSchema accepts."""
    def walk(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        node = dict(node)
        if "anyOf" in node:  # X | null -> X, nullable
            options = [o for o in node.pop("anyOf") if o.get("type") != "null"]
            merged = {**(options[0] if options else {"type": "string"}), "nullable": True}
            node = {**merged, **{k: v for k, v in node.items() if k != "anyOf"}}
        if "const" in node:
            node["enum"] = [node.pop("const")]
        if "exclusiveMinimum" in node:
            node["minimum"] = node.pop("exclusiveMinimum")
        out: dict[str, Any] = {}
        for key in _GEMINI_KEYS:
            if key not in node:
                continue
            value = node[key]
            if key == "type":
                value = str(value).upper()
            elif key == "properties":
                value = {k: walk(v) for k, v in value.items()}
                out["propertyOrdering"] = list(value)
            elif key == "items":
                value = walk(value)
            out[key] = value
        if out.get("type") == "OBJECT" and "properties" not in out:
            out["type"] = "OBJECT"
            out["properties"] = {}
        return out

    result: dict[str, Any] = walk(inline_refs(schema))
    return result
