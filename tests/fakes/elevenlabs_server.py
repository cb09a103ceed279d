"""Fake ElevenLabs: POST /v1/text-to-speech/{voice_id}/with-timestamps and GET /v1/voices, as documented.

The key travels in ``xi-api-key``. The speech answer is JSON: ``audio_base64`` (mp3 of a tone per letter,
``tts_audio``) and ``alignment`` / ``normalized_alignment`` with one entry per character of the text and
its real start and end in that audio. An unknown voice id answers 404 ``voice_not_found``.
"""

from __future__ import annotations

import base64
import json
from http.server import BaseHTTPRequestHandler

from tests.fakes._http import FakeVendor
from tests.fakes.tts_audio import encode, tone_speech

VOICES = [
    {"voice_id": "21m00Tcm4TlvDq8ikWAM", "name": "Rachel", "labels": {"gender": "female", "accent": "american"},
     "verified_languages": [{"language": "en", "locale": "en-US", "model_id": "eleven_multilingual_v2"}]},
    {"voice_id": "ErXwobaYiN019PkySvjV", "name": "Antoni", "labels": {"gender": "male", "accent": "american"}},
    {"voice_id": "XrExE9yKIg1WjnnlVkGX", "name": "Matilda", "labels": {"gender": "female"},
     "verified_languages": [{"language": "ko", "locale": "ko-KR"}, {"language": "ja", "locale": "ja-JP"}]},
]


class ElevenLabsFake(FakeVendor):
    def authorized(self, handler: BaseHTTPRequestHandler) -> bool:
        return handler.headers.get("xi-api-key") == self.key

    def get(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        if not self.authorized(handler):
            self.send(handler, 401, {"detail": {"status": "invalid_api_key", "message": "Invalid API key"}})
            return
        if path == "/v1/voices":
            with self.lock:
                self.requests.append({"path": path})
            self.send(handler, 200, {"voices": VOICES})
            return
        self.send(handler, 404, self.error_body("not found"))

    def post(self, handler: BaseHTTPRequestHandler, path: str, body: bytes) -> None:
        parts = path.strip("/").split("/")
        if len(parts) != 4 or parts[:2] != ["v1", "text-to-speech"] or parts[3] != "with-timestamps":
            self.send(handler, 404, self.error_body("no route"))
            return
        voice_id = parts[2]
        params = json.loads(body)
        query = handler.path.partition("?")[2]
        self.count_submit({"path": path, "voice_id": voice_id, "query": query, **params})
        if voice_id not in {v["voice_id"] for v in VOICES}:
            self.send(handler, 404, {"detail": {"status": "voice_not_found",
                                                "message": f"A voice with voice_id {voice_id} was not found."}})
            return
        text = params["text"]
        samples, chars, starts, ends = tone_speech(text)
        alignment = {"characters": chars, "character_start_times_seconds": starts,
                     "character_end_times_seconds": ends}
        self.send(handler, 200, {"audio_base64": base64.b64encode(encode(samples, "mp3")).decode(),
                                 "alignment": alignment, "normalized_alignment": alignment})
