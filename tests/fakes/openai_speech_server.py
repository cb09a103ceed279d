"""Fake OpenAI speech: POST /v1/audio/speech ({model, voice, input, response_format, speed?, instructions?})
answers the audio bytes, as documented: here Piper's real English speech of ``input`` (so the STT chain can
time it), as wav (``response_format: wav``) or mp3. Bearer key, like every OpenAI endpoint."""

from __future__ import annotations

import json
import tempfile
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from reelforge.providers.voice.piper import PiperProvider
from reelforge.providers.voice.registry import resolve_profile
from reelforge.providers.voice.wavio import read_wav
from tests.fakes._http import FakeVendor
from tests.fakes.tts_audio import RATE, encode

VOICES = {"alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse", "marin",
          "cedar"}


class OpenAISpeechFake(FakeVendor):
    def post(self, handler: BaseHTTPRequestHandler, path: str, body: bytes) -> None:
        if path != "/v1/audio/speech":
            self.send(handler, 404, self.error_body("no route"))
            return
        params = json.loads(body)
        self.count_submit({"path": path, **params})
        if params.get("voice") not in VOICES:
            self.send(handler, 400, self.error_body(f"Invalid value for voice: {params.get('voice')}"))
            return
        audio = speech(params["input"], params.get("response_format", "mp3"))
        handler.send_response(200)
        handler.send_header("Content-Type", "audio/wav" if params.get("response_format") == "wav" else "audio/mpeg")
        handler.send_header("Content-Length", str(len(audio)))
        handler.end_headers()
        handler.wfile.write(audio)


def speech(text: str, fmt: str) -> bytes:
    profile = resolve_profile("joe")
    assert profile is not None
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        PiperProvider(profile).synthesize(text, wav, speed=1.0)
        if fmt == "wav":
            return wav.read_bytes()
        samples, rate = read_wav(wav)
        import numpy as np

        at_rate = np.interp(np.arange(int(len(samples) * RATE / rate)) * rate / RATE, np.arange(len(samples)),
                            samples).astype(np.int16)
        return encode(at_rate, "mp3")
