"""Fake Microsoft speech synthesis websocket on 127.0.0.1: Azure Speech (``mode="azure"``) or Edge read-aloud
(``mode="edge"``).

Azure: ``GET /cognitiveservices/voices/list`` (Ocp-Apim-Subscription-Key) and the websocket
``/cognitiveservices/websocket/v1`` (the same key header); the client sends ``speech.config``,
``synthesis.context`` (outputFormat, wordBoundaryEnabled) and ``ssml``. Edge: ``GET .../voices/list`` and the
websocket ``.../edge/v1`` with ``TrustedClientToken`` and ``Sec-MS-GEC`` in the query; the client sends
``speech.config`` (``context.synthesis.audio``) and ``ssml``; audio is mp3.

Both answer ``turn.start``, ``audio.metadata`` WordBoundary JSON (100-ns ticks), binary ``audio`` frames
(2-byte header length, ``Path:audio``) and ``turn.end``. The audio is a tone burst per word, so the word
boundaries it reports are where the sound really is. ``script`` steps ("401", "429", "500", "403-skew") reject
the next handshake with that HTTP status; ``turns`` steps break the next turn ("drop", "stall").
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections import deque
from typing import Any

import numpy as np
from websockets.datastructures import Headers
from websockets.http11 import Request, Response
from websockets.sync.server import ServerConnection, serve

from reelforge.providers.voice.mswire import binary_message, parse_text, text_message
from tests.fakes.speech_audio import mp3_bytes, tone_speech

AZURE_VOICES = [
    {"ShortName": "en-US-JennyNeural", "Locale": "en-US", "Gender": "Female", "LocalName": "Jenny"},
    {"ShortName": "en-US-GuyNeural", "Locale": "en-US", "Gender": "Male", "LocalName": "Guy"},
    {"ShortName": "ko-KR-SunHiNeural", "Locale": "ko-KR", "Gender": "Female", "LocalName": "선히"},
    {"ShortName": "ja-JP-NanamiNeural", "Locale": "ja-JP", "Gender": "Female", "LocalName": "七海"},
]
TICKS = 10_000_000


def _json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    data = json.dumps(body).encode()
    head = Headers({"Content-Type": "application/json", "Content-Length": str(len(data)), **(headers or {})})
    return Response(status, {200: "OK", 401: "Unauthorized", 429: "Too Many Requests"}.get(status, "Error"),
                    head, data)


def ssml_text(ssml: str) -> tuple[str, str]:
    """(voice name, plain text) of the SSML the client sent."""
    voice = re.search(r"<voice[^>]*name=['\"]([^'\"]+)['\"]", ssml)
    text = html.unescape(re.sub(r"<[^>]+>", " ", ssml))
    return (voice.group(1) if voice else ""), " ".join(text.split())


class MsSpeechFake:
    key = "azure-test-key-0123456789"

    def __init__(self, mode: str = "azure") -> None:
        self.mode = mode
        self.script: deque[str] = deque()
        self.turns: deque[str] = deque()  # in-turn steps: "drop" closes after turn.start, "stall" goes quiet
        self.stop = threading.Event()
        self.syntheses = 0
        self.handshakes = 0
        self.voice_list_calls = 0
        self.messages: list[dict[str, Any]] = []  # what each synthesis sent: paths, headers, config bodies
        self.voices = AZURE_VOICES
        self.lock = threading.Lock()
        self.server = serve(self._handler, "127.0.0.1", 0, process_request=self._process_request,
                            compression=None, max_size=None)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.socket.getsockname()[1])

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> MsSpeechFake:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop.set()
        self.server.shutdown()

    # ---- handshake: auth, scripted failures, the voice list
    def _authorized(self, request: Request) -> bool:
        if self.mode == "azure":
            return request.headers.get("Ocp-Apim-Subscription-Key") == self.key
        query = request.path.partition("?")[2].lower()
        return "trustedclienttoken=" in query and "sec-ms-gec=" in query

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        with self.lock:
            self.handshakes += 1
            step = self.script.popleft() if self.script else None
        if not self._authorized(request):
            return _json_response(401, {"error": "invalid subscription key"})
        if step == "401":
            return _json_response(401, {"error": "scripted 401"})
        if step == "429":
            return _json_response(429, {"error": "too many requests"}, {"Retry-After": "0.1"})
        if step == "403-skew":  # the Edge service's answer to a Sec-MS-GEC made with a skewed clock
            return _json_response(403, {"error": "forbidden"}, {"Date": "Wed, 02 Dec 2026 00:00:00 GMT"})
        if step == "500":
            return _json_response(500, {"error": "internal"})
        path = request.path.split("?", 1)[0]
        if path.endswith("/voices/list"):
            with self.lock:
                self.voice_list_calls += 1
            return _json_response(200, self.voices)
        return None

    # ---- one synthesis turn
    def _handler(self, ws: ServerConnection) -> None:
        sent: dict[str, Any] = {"paths": [], "configs": {}, "request": dict(ws.request.headers.raw_items())
                                if ws.request else {}, "query": ws.request.path.partition("?")[2]
                                if ws.request else ""}
        ssml = ""
        while not ssml:
            message = ws.recv()
            if not isinstance(message, str):
                continue
            head, body = parse_text(message)
            sent["paths"].append(head.get("path"))
            if head.get("path") == "ssml":
                ssml = body
            else:
                sent["configs"][head.get("path", "")] = json.loads(body)
        voice, text = ssml_text(ssml)
        with self.lock:
            self.syntheses += 1
            self.messages.append({**sent, "ssml": ssml, "voice": voice})
        request_id = parse_text(message)[0].get("x-requestid", "")
        ws.send(text_message("turn.start", json.dumps({"context": {"serviceTag": "fake"}}),
                             content_type="application/json", request_id=request_id))
        with self.lock:
            turn = self.turns.popleft() if self.turns else None
        if turn == "drop":
            ws.close(1011, "internal error")
            return
        if turn == "stall":
            self.stop.wait(30)
            return
        samples, words = tone_speech(text)
        for word, start, end in words:
            meta = {"Metadata": [{"Type": "WordBoundary", "Data": {
                "Offset": round(start * TICKS), "Duration": round((end - start) * TICKS),
                "text": {"Text": word, "Length": len(word), "BoundaryType": "WordBoundary"}}}]}
            ws.send(text_message("audio.metadata", json.dumps(meta), content_type="application/json",
                                 request_id=request_id))
        audio, content_type = self._encode(samples, sent)
        for i in range(0, len(audio), 4096):
            ws.send(binary_message({"X-RequestId": request_id, "Content-Type": content_type, "Path": "audio"},
                                   audio[i:i + 4096]))
        ws.send(binary_message({"X-RequestId": request_id, "Path": "audio"}, b""))
        ws.send(text_message("turn.end", "{}", content_type="application/json", request_id=request_id))

    def _encode(self, samples: np.ndarray, sent: dict[str, Any]) -> tuple[bytes, str]:
        if self.mode == "edge":
            return mp3_bytes(samples), "audio/mpeg"
        fmt = sent["configs"]["synthesis.context"]["synthesis"]["audio"]["outputFormat"]
        assert fmt == "raw-24khz-16bit-mono-pcm", fmt
        return samples.astype("<i2").tobytes(), "audio/x-wav"

