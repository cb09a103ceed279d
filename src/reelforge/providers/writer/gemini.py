"""Google Gemini generateContent with a response schema (REST, v1beta).

POST {base}/v1beta/models/{model}:generateContent   header x-goog-api-key: <key>
    {"systemInstruction": {"parts": [{"text"}]}, "contents": [{"role": "user"|"model", "parts": [{"text"}]}],
     "generationConfig": {"responseMimeType": "application/json", "responseSchema": <OpenAPI subset>,
                          "maxOutputTokens", "temperature"}}
-> {"candidates": [{"content": {"parts": [{"text"}]}, "finishReason"}],
    "usageMetadata": {"promptTokenCount", "candidatesTokenCount"}}
A bad key is HTTP 400 with reason API_KEY_INVALID (or 401/403); it is treated as an auth failure.
"""

from __future__ import annotations

from typing import Any

from reelforge.providers.writer.base import Reply, Turn, WriterCallError
from reelforge.providers.writer.schemas import gemini_schema
from reelforge.providers.writer.transport import HttpTextModel, post_json


def _bad_key(status: int, text: str) -> bool:
    return status == 400 and "API_KEY_INVALID" in text


class GeminiText(HttpTextModel):
    def request_body(self, system: str, turns: list[Turn], *, schema: dict[str, Any],
                     max_output_tokens: int) -> dict[str, Any]:
        return {
            "systemInstruction": {"parts": [{"text": system}]},
            "contents": [{"role": "model" if t.role == "assistant" else "user", "parts": [{"text": t.text}]}
                         for t in turns],
            "generationConfig": {"responseMimeType": "application/json", "responseSchema": gemini_schema(schema),
                                 "maxOutputTokens": max_output_tokens, "temperature": 0.4},
        }

    def complete(self, system: str, turns: list[Turn], *, schema: dict[str, Any], schema_name: str,
                 max_output_tokens: int) -> Reply:
        url = f"{self.info.base_url.rstrip('/')}/v1beta/models/{self.info.model}:generateContent"
        headers = {"Content-Type": "application/json", "x-goog-api-key": self._key or ""}
        kwargs: dict[str, Any] = {"sleep": self.sleep} if self.sleep else {}
        data, raw, tries = post_json(url, self.request_body(system, turns, schema=schema,
                                                            max_output_tokens=max_output_tokens),
                                     headers=headers, vendor="Gemini", retry=self.retry, timeout=self.timeout,
                                     auth_hint=self.info.key_env or "", transport=self.transport, is_auth=_bad_key,
                                     **kwargs)
        return parse_gemini_reply(data, raw, tries)


def parse_gemini_reply(data: dict[str, Any], raw: str, tries: int) -> Reply:
    try:
        candidate = data["candidates"][0]
        parts = candidate.get("content", {}).get("parts", [])
        text = "".join(str(p.get("text", "")) for p in parts if isinstance(p, dict))
    except (KeyError, IndexError, TypeError, AttributeError):
        feedback = data.get("promptFeedback", {}) if isinstance(data, dict) else {}
        raise WriterCallError("malformed", f"Gemini returned no candidates ({feedback.get('blockReason', 'none')})",
                              raw_body=raw, attempts=tries) from None
    usage = data.get("usageMetadata") or {}
    return Reply(text=text, raw_body=raw, input_tokens=int(usage.get("promptTokenCount") or 0),
                 output_tokens=int(usage.get("candidatesTokenCount") or 0),
                 finish=str(candidate.get("finishReason") or ""), attempts=tries)
