"""OpenAI Chat Completions with structured output, also spoken by OpenAI-compatible servers.

POST {base}/chat/completions
    {"model", "messages": [{"role": "system"|"user"|"assistant", "content"}],
     "response_format": {"type": "json_schema", "json_schema": {"name", "strict": true, "schema"}},
     "max_completion_tokens" (OpenAI) | "max_tokens" (local servers), "temperature"}
-> {"choices": [{"message": {"content", "refusal"}, "finish_reason"}], "usage": {"prompt_tokens",
    "completion_tokens"}}
Ollama (/v1), llama.cpp's server and vLLM accept the same request; a key is optional there.
"""

from __future__ import annotations

from typing import Any

from reelforge.providers.writer.base import Reply, Turn, WriterCallError
from reelforge.providers.writer.schemas import openai_strict
from reelforge.providers.writer.transport import HttpTextModel, post_json


class OpenAIChat(HttpTextModel):
    @property
    def vendor_name(self) -> str:
        return "OpenAI" if self.info.vendor == "openai" else f"the OpenAI-compatible server at {self.info.shown_url}"

    def request_body(self, system: str, turns: list[Turn], *, schema: dict[str, Any], schema_name: str,
                     max_output_tokens: int) -> dict[str, Any]:
        messages = [{"role": "system", "content": system}] + [{"role": t.role, "content": t.text} for t in turns]
        body: dict[str, Any] = {
            "model": self.info.model, "messages": messages, "temperature": 0.4,
            "response_format": {"type": "json_schema",
                                "json_schema": {"name": schema_name, "strict": True, "schema": openai_strict(schema)}},
        }
        body["max_completion_tokens" if self.info.vendor == "openai" else "max_tokens"] = max_output_tokens
        return body

    def complete(self, system: str, turns: list[Turn], *, schema: dict[str, Any], schema_name: str,
                 max_output_tokens: int) -> Reply:
        headers = {"Content-Type": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        body = self.request_body(system, turns, schema=schema, schema_name=schema_name,
                                 max_output_tokens=max_output_tokens)
        kwargs: dict[str, Any] = {"sleep": self.sleep} if self.sleep else {}
        data, raw, tries = post_json(self.info.base_url.rstrip("/") + "/chat/completions", body, headers=headers,
                                     vendor=self.vendor_name, retry=self.retry, timeout=self.timeout,
                                     auth_hint=self.info.key_env or "", transport=self.transport, **kwargs)
        return parse_chat_reply(data, raw, tries, vendor=self.vendor_name)


def parse_chat_reply(data: dict[str, Any], raw: str, tries: int, *, vendor: str) -> Reply:
    try:
        choice = data["choices"][0]
        message = choice["message"]
    except (KeyError, IndexError, TypeError):
        raise WriterCallError("malformed", f"{vendor} returned no choices[0].message", raw_body=raw,
                              attempts=tries) from None
    usage = data.get("usage") or {}
    refusal = message.get("refusal")
    text = message.get("content") or ""
    if refusal and not text:
        text = ""  # the checker reports an empty reply; the refusal stays in the saved raw body
    return Reply(text=str(text), raw_body=raw, input_tokens=int(usage.get("prompt_tokens") or 0),
                 output_tokens=int(usage.get("completion_tokens") or 0),
                 finish=str(choice.get("finish_reason") or ("refusal" if refusal else "")), attempts=tries)
