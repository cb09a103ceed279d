"""Fake Google Cloud Text-to-Speech: ``POST /v1beta1/text:synthesize`` and ``GET /v1/voices`` with X-Goog-Api-Key.

The answer is the documented shape: ``audioContent`` (base64 LINEAR16 wav), ``timepoints`` (one
``{markName, timeSeconds}`` per ``<mark>`` of the SSML when ``enableTimePointing`` asks for SSML_MARK) and
``audioConfig``. The audio is a tone burst per word; a mark's time is where the sound after it starts.
A wrong key gets Google's real answer: HTTP 400 with reason API_KEY_INVALID.
"""

from __future__ import annotations

import base64
import html
import json
import re
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes._http import FakeVendor
from tests.fakes.speech_audio import RATE, tone_segments, wav_bytes

VOICES = [
    {"languageCodes": ["en-US"], "name": "en-US-Neural2-F", "ssmlGender": "FEMALE", "naturalSampleRateHertz": 24000},
    {"languageCodes": ["en-US"], "name": "en-US-Standard-B", "ssmlGender": "MALE", "naturalSampleRateHertz": 24000},
    {"languageCodes": ["ko-KR"], "name": "ko-KR-Neural2-A", "ssmlGender": "FEMALE", "naturalSampleRateHertz": 24000},
    {"languageCodes": ["ja-JP"], "name": "ja-JP-Neural2-B", "ssmlGender": "FEMALE", "naturalSampleRateHertz": 24000},
    {"languageCodes": ["en-US"], "name": "en-US-Chirp3-HD-Kore", "ssmlGender": "FEMALE",
     "naturalSampleRateHertz": 24000},
]
BAD_KEY = {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.",
                     "status": "INVALID_ARGUMENT", "details": [{"reason": "API_KEY_INVALID"}]}}
_MARK = re.compile(r'<mark\s+name="([^"]+)"\s*/>')


def split_marks(ssml: str) -> tuple[str, list[tuple[str, str]]]:
    """(text before the first mark, [(mark name, text up to the next mark)])."""
    inner = re.sub(r"</?speak>", "", ssml)
    pieces = _MARK.split(inner)
    lead = html.unescape(re.sub(r"<[^>]+>", " ", pieces[0]))
    marks = [(pieces[i], html.unescape(re.sub(r"<[^>]+>", " ", pieces[i + 1])))
             for i in range(1, len(pieces) - 1, 2)]
    return lead, marks


class GoogleTTSFake(FakeVendor):
    key = "AIza-test-key-0123456789"

    def __init__(self) -> None:
        super().__init__()
        self.voice_list_calls = 0

    def authorized(self, handler: BaseHTTPRequestHandler) -> bool:
        return handler.headers.get("X-Goog-Api-Key") == self.key and "key=" not in handler.path

    def error_body(self, message: str) -> dict[str, Any]:
        return {"error": {"code": 500, "message": message, "status": "INTERNAL"}}

    def _answer_post(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        if not self.authorized(handler):
            self.send(handler, 400, BAD_KEY)
            return
        super()._answer_post(handler, body)

    def get(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        if not self.authorized(handler):
            self.send(handler, 400, BAD_KEY)
            return
        if path == "/v1/voices":
            self.voice_list_calls += 1
            self.send(handler, 200, {"voices": VOICES})
            return
        super().get(handler, path)

    def post(self, handler: BaseHTTPRequestHandler, path: str, body: bytes) -> None:
        if path != "/v1beta1/text:synthesize":
            self.send(handler, 404, self.error_body("not found"))
            return
        request = json.loads(body)
        self.count_submit(request)
        ssml = request["input"].get("ssml") or html.escape(request["input"]["text"])
        lead, marks = split_marks(ssml)
        samples, _, starts = tone_segments([lead, *[text for _, text in marks]])
        answer: dict[str, Any] = {
            "audioContent": base64.b64encode(wav_bytes(samples, RATE)).decode(),
            "audioConfig": {"audioEncoding": "LINEAR16", "sampleRateHertz": RATE}}
        if "SSML_MARK" in request.get("enableTimePointing", []):
            answer["timepoints"] = [{"markName": name, "timeSeconds": round(start, 6)}
                                    for (name, _), start in zip(marks, starts[1:], strict=True)]
        self.send(handler, 200, answer)
