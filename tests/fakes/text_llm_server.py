"""Fake text-model APIs on 127.0.0.1: OpenAI Chat Completions (structured output), Gemini generateContent
(response schema) and an OpenAI-compatible local server (Ollama/llama.cpp/vLLM: no key, GET /v1/models).

Each answers with the next reply in ``replies`` (the JSON text the model "wrote"), and checks the request
the way the vendor does: OpenAI refuses a strict schema with an open object or a property missing from
``required`` (HTTP 400); Gemini refuses ``$ref``, ``additionalProperties`` or ``const`` in responseSchema.
"""

from __future__ import annotations

import json
import time
from collections import deque
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes._http import FakeVendor


def strict_schema_problem(node: Any, path: str = "schema") -> str | None:
    """OpenAI's strict-mode rules: objects closed, every property required, no $ref left unresolved."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            problem = strict_schema_problem(item, f"{path}[{i}]")
            if problem:
                return problem
        return None
    if not isinstance(node, dict):
        return None
    for unsupported in ("default", "minLength", "maxLength", "$ref"):
        if unsupported in node and not (unsupported == "$ref" and str(node["$ref"]).startswith("#/$defs/")):
            return f"{path}: '{unsupported}' is not permitted"
    if node.get("type") == "object":
        if node.get("additionalProperties") is not False:
            return f"{path}: 'additionalProperties' is required to be supplied and to be false"
        props = node.get("properties", {})
        if sorted(node.get("required", [])) != sorted(props):
            return f"{path}: 'required' is required to be supplied and to be an array including every key in properties"
    for key, value in node.items():
        problem = strict_schema_problem(value, f"{path}.{key}")
        if problem:
            return problem
    return None


def gemini_schema_problem(node: Any, path: str = "responseSchema") -> str | None:
    if isinstance(node, list):
        return next((p for i, v in enumerate(node) if (p := gemini_schema_problem(v, f"{path}[{i}]"))), None)
    if not isinstance(node, dict):
        return None
    for bad in ("$ref", "additionalProperties", "const", "$defs", "exclusiveMinimum"):
        if bad in node:
            return f'Invalid JSON payload received. Unknown name "{bad}" at \'{path}\''
    for key, value in node.items():
        if key == "properties":
            for name, sub in value.items():
                problem = gemini_schema_problem(sub, f"{path}.properties[{name}]")
                if problem:
                    return problem
        elif isinstance(value, dict | list):
            problem = gemini_schema_problem(value, f"{path}.{key}")
            if problem:
                return problem
    return None


class TextLLMFake(FakeVendor):
    """``flavour``: openai (Bearer key required), local (no key), gemini (x-goog-api-key)."""

    def __init__(self, flavour: str = "openai", *, models: tuple[str, ...] = ("llama3.2:3b",)) -> None:
        super().__init__()
        self.flavour = flavour
        self.models = models
        self.replies: deque[str] = deque()

    def authorized(self, handler: BaseHTTPRequestHandler) -> bool:
        if self.flavour == "local":
            return True
        if self.flavour == "gemini":
            return True  # Gemini answers a bad key with 400 API_KEY_INVALID (checked in post)
        return super().authorized(handler)

    def get(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        if path == "/v1/models" and self.flavour == "local":
            self.send(handler, 200, {"object": "list", "data": [{"id": m, "object": "model", "owned_by": "library"}
                                                                 for m in self.models]})
            return
        super().get(handler, path)

    def post(self, handler: BaseHTTPRequestHandler, path: str, body: bytes) -> None:
        request = json.loads(body)
        if self.flavour == "gemini":
            self._gemini(handler, path, request)
        else:
            self._chat(handler, path, request)

    def _next_reply(self) -> str:
        with self.lock:
            return self.replies.popleft() if self.replies else "{}"

    def _chat(self, handler: BaseHTTPRequestHandler, path: str, request: dict[str, Any]) -> None:
        if path != "/v1/chat/completions":
            self.send(handler, 404, self.error_body("no route"))
            return
        fmt = request.get("response_format") or {}
        problem = None
        if fmt.get("type") != "json_schema" or "schema" not in fmt.get("json_schema", {}):
            problem = "response_format must be json_schema with a schema"
        elif fmt["json_schema"].get("strict"):
            problem = strict_schema_problem(fmt["json_schema"]["schema"])
        if not request.get("model") or not request.get("messages"):
            problem = "model and messages are required"
        if problem:
            self.send(handler, 400, {"error": {"message": f"Invalid schema for response_format: {problem}",
                                               "type": "invalid_request_error", "param": "response_format"}})
            return
        self.count_submit({"path": path, **request})
        content = self._next_reply()
        self.send(handler, 200, {
            "id": f"chatcmpl-{self.submits}", "object": "chat.completion", "created": int(time.time()),
            "model": request["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": None},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1200, "completion_tokens": 600, "total_tokens": 1800}})

    def _gemini(self, handler: BaseHTTPRequestHandler, path: str, request: dict[str, Any]) -> None:
        if not (path.startswith("/v1beta/models/") and path.endswith(":generateContent")):
            self.send(handler, 404, {"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}})
            return
        if handler.headers.get("x-goog-api-key") != self.key:
            message = "API key not valid. Please pass a valid API key."
            self.send(handler, 400, {"error": {"code": 400, "message": message,
                                               "status": "INVALID_ARGUMENT",
                                               "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                                            "reason": "API_KEY_INVALID"}]}})
            return
        config = request.get("generationConfig", {})
        problem = None
        if config.get("responseMimeType") != "application/json" or "responseSchema" not in config:
            problem = "generationConfig needs responseMimeType application/json and a responseSchema"
        else:
            problem = gemini_schema_problem(config["responseSchema"])
        if problem:
            self.send(handler, 400, {"error": {"code": 400, "message": problem, "status": "INVALID_ARGUMENT"}})
            return
        self.count_submit({"path": path, **request})
        self.send(handler, 200, {
            "candidates": [{"content": {"role": "model", "parts": [{"text": self._next_reply()}]},
                            "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": 1100, "candidatesTokenCount": 500, "totalTokenCount": 1600},
            "modelVersion": path.split("/")[3].split(":")[0]})
