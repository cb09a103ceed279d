"""Azure AI Speech text-to-speech over its websocket protocol, for word boundaries (tts-native timing).

Azure's REST endpoint (``POST /cognitiveservices/v1``) returns audio only; the websocket
(``wss://{region}.tts.speech.microsoft.com/cognitiveservices/websocket/v1``) streams the same audio plus
``WordBoundary`` metadata, so this adapter speaks it (protocol in ``mswire``) with the ``websockets``
package rather than the native Speech SDK. The key comes from ``AZURE_SPEECH_KEY`` (sent only as the
``Ocp-Apim-Subscription-Key`` header), the region from ``AZURE_SPEECH_REGION``; ``REELFORGE_AZURE_BASE_URL``
replaces ``https://{region}.tts.speech.microsoft.com``. Audio is requested as raw 24 kHz 16-bit mono PCM, so
boundary offsets count from the first sample.
"""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from reelforge.config import environ_value
from reelforge.errors import InvalidInputError, ProviderCallError
from reelforge.providers import http
from reelforge.providers.voice import mswire
from reelforge.providers.voice.base import Availability, Synthesis, TextSpan, VoiceInfo, VoiceOptions
from reelforge.providers.voice.hosted import EngineVoice, api_key, cached_list, http_error, require_key, unknown_voice
from reelforge.providers.voice.registry import VoiceProfile
from reelforge.providers.voice.wavio import write_wav

ENGINE = "azure"
KEY_ENV = "AZURE_SPEECH_KEY"
REGION_ENV = "AZURE_SPEECH_REGION"
BASE_URL_ENV = "REELFORGE_AZURE_BASE_URL"
OUTPUT_FORMAT = "raw-24khz-16bit-mono-pcm"
PCM_RATE = 24000
USD_PER_1K_CHARS = 0.015  # neural voices, pay-as-you-go list price ($15 per 1M characters)
TIMING_PROVIDER = "azure-word-boundaries"
WHAT = "Azure Speech"

_LOCK = threading.Lock()
_VOICE_LISTS: dict[str, list[dict[str, Any]]] = {}  # base URL -> the region's voices, once per process


def base_url() -> str:
    override = environ_value(BASE_URL_ENV)
    if override:
        return override.rstrip("/")
    region = environ_value(REGION_ENV)
    if not region:
        raise InvalidInputError(f"{REGION_ENV} is not set: Azure Speech needs the region of its key",
                                hint=f"export {REGION_ENV}=westeurope (the region shown beside the key)")
    return f"https://{region}.tts.speech.microsoft.com"


def websocket_url() -> str:
    base = base_url()
    scheme = "ws" if base.startswith("http://") else "wss"
    return f"{scheme}://{base.split('://', 1)[1]}/cognitiveservices/websocket/v1"


def synthesis_context() -> str:
    return json.dumps({"synthesis": {
        "audio": {"metadataOptions": {"wordBoundaryEnabled": True, "sentenceBoundaryEnabled": False,
                                      "punctuationBoundaryEnabled": False, "sessionEndEnabled": True,
                                      "visemeEnabled": False, "bookmarkEnabled": False},
                  "outputFormat": OUTPUT_FORMAT},
        "language": {"autoDetection": False}}})


def speech_config() -> str:
    return json.dumps({"context": {"system": {"name": "reelforge", "version": "1", "build": "Python",
                                              "lang": "Python"}}})


def fetch_voices(deadlines: http.Deadlines | None = None) -> list[dict[str, Any]]:
    """``GET /cognitiveservices/voices/list``: the region's voices as plain dicts (name, locale, gender)."""
    key = require_key(KEY_ENV, WHAT)
    response = http.send(http.client(deadlines), "GET", base_url() + "/cognitiveservices/voices/list", what=WHAT,
                         headers={"Ocp-Apim-Subscription-Key": key})
    if response.status_code >= 400:
        raise http_error(WHAT, KEY_ENV, response.status_code, response.text,
                         http.retry_after_seconds(response.headers.get("retry-after")))
    try:
        data = response.json()
    except ValueError:
        raise ProviderCallError("malformed", f"{WHAT} voice list is not JSON", raw_body=response.text) from None
    if not isinstance(data, list):
        raise ProviderCallError("malformed", f"{WHAT} voice list is not a JSON array", raw_body=response.text)
    return [{"name": str(v["ShortName"]), "locale": str(v.get("Locale", "")), "gender": str(v.get("Gender", "")),
             "label": str(v.get("LocalName") or v.get("DisplayName") or "")}
            for v in data if isinstance(v, dict) and v.get("ShortName")]


def boundary_spans(boundaries: list[mswire.Boundary]) -> list[TextSpan] | None:
    return [TextSpan(b.text, b.start_sec, b.end_sec) for b in boundaries] or None


class AzureVoice(EngineVoice):
    """One Azure neural voice, e.g. ``en-US-JennyNeural``; its word boundaries give tts-native timing."""

    engine = ENGINE

    # ---- the engine side (class-level, no network)

    @classmethod
    def profile_for(cls, voice: str, options: VoiceOptions) -> VoiceProfile:
        return mswire.named_voice_profile(ENGINE, voice, service="an Azure", example="en-US-JennyNeural",
                                          provenance="Azure AI Speech neural voice", output_format=OUTPUT_FORMAT)

    @classmethod
    def usd_per_1k_chars(cls, options: VoiceOptions) -> float:
        return USD_PER_1K_CHARS

    @classmethod
    def list_voices(cls, options: VoiceOptions) -> list[VoiceInfo]:
        if not api_key(KEY_ENV):
            return []
        listed = cached_list(options.cache_dir, ENGINE, lambda: fetch_voices(options.deadlines))
        return [VoiceInfo(engine=ENGINE, voice=v["name"], name=v.get("label") or v["name"],
                          locales=(v["locale"],) if v.get("locale") else (), gender=v.get("gender", "").lower(),
                          usd_per_1k_chars=USD_PER_1K_CHARS, offline=False) for v in listed]

    # ---- one voice

    def available(self) -> Availability:
        try:
            import websockets  # noqa: F401
        except ImportError:
            return Availability(False, "websockets is not installed", "pip install 'reelforge[azure]'")
        if not api_key(KEY_ENV):
            return Availability(False, f"{KEY_ENV} is not set", f"export {KEY_ENV}=<your key>")
        if not environ_value(REGION_ENV) and not environ_value(BASE_URL_ENV):
            return Availability(False, f"{REGION_ENV} is not set", f"export {REGION_ENV}=<the key's region>")
        return Availability(True)

    def check_voice(self) -> None:
        """Exit 4 with close matches when the region has no voice of that name (one list per process)."""
        url = base_url()
        with _LOCK:
            if url not in _VOICE_LISTS:
                _VOICE_LISTS[url] = fetch_voices(self.options.deadlines)
            names = [v["name"] for v in _VOICE_LISTS[url]]
        if self.profile.voice_id not in names:
            raise unknown_voice(WHAT, self.profile.voice_id, names)

    def synthesize(self, text: str, out_wav: Path, *, speed: float) -> Synthesis:
        self.check_voice()
        key = require_key(KEY_ENV, WHAT)
        headers = {"Ocp-Apim-Subscription-Key": key, "X-ConnectionId": uuid.uuid4().hex.upper()}
        try:
            result = mswire.synthesize(websocket_url(), headers, [("speech.config", speech_config()),
                                                                  ("synthesis.context", synthesis_context())],
                                       mswire.ssml(text, self.profile.voice_id, speed), what=WHAT,
                                       deadlines=self.options.deadlines)
        except ProviderCallError as exc:
            if exc.call_kind == "http" and exc.status is not None:
                raise http_error(WHAT, KEY_ENV, exc.status, exc.raw_body or "", exc.retry_after) from None
            raise
        samples = np.frombuffer(result.audio[: len(result.audio) // 2 * 2], dtype="<i2").astype(np.int16)
        write_wav(out_wav, samples, PCM_RATE)
        params = {"voice": self.profile.id, "engine": ENGINE, "outputFormat": OUTPUT_FORMAT,
                  "language": self.profile.language, "speed": speed, "characters": len(text),
                  "usdPer1kChars": USD_PER_1K_CHARS, "wordBoundaries": len(result.words)}
        return Synthesis(wav_path=out_wav, sample_rate=PCM_RATE, duration_sec=len(samples) / PCM_RATE,
                         params=params, text_spans=boundary_spans(result.words), timing_provider=TIMING_PROVIDER,
                         usd=round(len(text) * USD_PER_1K_CHARS / 1000, 6))
