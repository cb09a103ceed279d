"""ElevenLabs text-to-speech with timestamps, through the official ``elevenlabs`` SDK (extra ``elevenlabs``).

POST /v1/text-to-speech/{voice_id}/with-timestamps answers JSON: ``audio_base64`` (mp3 here) and
``alignment`` {characters, character_start_times_seconds, character_end_times_seconds}, so timing is
tts-native: one ``TextSpan`` per character, mapped to the script's words by the pipeline.

The SDK takes our base URL and our httpx client (``providers.http.client``: the per-call deadline), and its
own retries are off (``max_retries=0``): the pipeline retries 429/5xx with the job kernel's policy. The key
comes only from ``ELEVENLABS_API_KEY`` (config.py) and is sent only as the ``xi-api-key`` header.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
from pathlib import Path
from typing import Any

import httpx

from reelforge.errors import InvalidInputError, ProviderCallError, ProviderUnavailableError
from reelforge.providers import http
from reelforge.providers.voice.base import Availability, Synthesis, TextSpan, VoiceInfo, VoiceOptions
from reelforge.providers.voice.hosted import (
    VOICE_LIST_TTL_S,
    EngineVoice,
    api_key,
    base_url,
    cached_list,
    close_matches,
    decode_audio,
    http_error,
    require_key,
    unknown_voice,
)
from reelforge.providers.voice.registry import VoiceProfile

ENGINE = "elevenlabs"
KEY_ENV = "ELEVENLABS_API_KEY"
DEFAULT_BASE_URL = "https://api.elevenlabs.io"
DEFAULT_MODEL = "eleven_multilingual_v2"
OUTPUT_FORMAT = "mp3_44100_128"
DEFAULT_STABILITY = 0.5
DEFAULT_SIMILARITY = 0.75
SPEED_RANGE = (0.7, 1.2)  # voice_settings.speed, documented range
_VOICE_ID = re.compile(r"^[A-Za-z0-9]{20}$")

_V2_LANGUAGES = ("en", "ja", "zh", "de", "hi", "fr", "ko", "pt", "it", "es", "id", "nl", "tr", "fil", "pl", "sv",
                 "bg", "ro", "ar", "cs", "el", "fi", "hr", "ms", "sk", "da", "ta", "uk", "ru")
_V25_LANGUAGES = (*_V2_LANGUAGES, "hu", "no", "vi")
# model -> (USD per 1,000 characters at API list price, languages it speaks). README "Voices" has the sources.
MODELS: dict[str, tuple[float, tuple[str, ...]]] = {
    "eleven_multilingual_v2": (0.10, _V2_LANGUAGES),
    "eleven_v3": (0.10, _V25_LANGUAGES),
    "eleven_flash_v2_5": (0.05, _V25_LANGUAGES),
    "eleven_turbo_v2_5": (0.05, _V25_LANGUAGES),
    "eleven_flash_v2": (0.05, ("en",)),
    "eleven_turbo_v2": (0.05, ("en",)),
}

_LOCK = threading.Lock()
_VOICE_LISTS: dict[str, list[dict[str, Any]]] = {}  # base URL -> the account's voices, once per process


def model_of(options: VoiceOptions) -> str:
    model = options.model or DEFAULT_MODEL
    if model not in MODELS:
        raise unknown_model(model)
    return model


def unknown_model(model: str) -> InvalidInputError:
    near = close_matches(model, list(MODELS))
    return InvalidInputError(f"ElevenLabs has no text-to-speech model {model!r}"
                             + (f"; did you mean {', '.join(near)}?" if near else ""),
                             hint=f"pass --voice-model with one of: {', '.join(MODELS)}")


def voice_settings(options: VoiceOptions) -> dict[str, float]:
    return {"stability": DEFAULT_STABILITY if options.stability is None else options.stability,
            "similarity_boost": DEFAULT_SIMILARITY if options.similarity is None else options.similarity}


def _sdk(deadlines: http.Deadlines | None) -> tuple[Any, httpx.Client]:
    """The SDK client on our httpx client (returned too, so its owner can close the connections)."""
    try:
        from elevenlabs.client import ElevenLabs
    except ImportError:
        raise ProviderUnavailableError("the elevenlabs SDK is not installed",
                                       hint="pip install 'reelforge[elevenlabs]'") from None
    d = deadlines or http.default_deadlines()
    transport = http.client(d)
    return ElevenLabs(api_key=require_key(KEY_ENV, "ElevenLabs"), base_url=base_url(ENGINE, DEFAULT_BASE_URL),
                      timeout=d.call_s, httpx_client=transport), transport


def _call(what: str, work: Any) -> Any:
    """Run one SDK call, mapping its failures to ours (401/403 name the key variable)."""
    from elevenlabs.core.api_error import ApiError

    try:
        return work()
    except ApiError as exc:
        status = int(exc.status_code or 0)
        body = exc.body if isinstance(exc.body, str) else repr(exc.body)
        if 200 <= status < 300:
            raise ProviderCallError("malformed", f"{what} returned a body the SDK could not read",
                                    raw_body=body) from None
        headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
        raise http_error("ElevenLabs", KEY_ENV, status, body,
                         http.retry_after_seconds(headers.get("retry-after"))) from None
    except httpx.HTTPError as exc:
        raise http.map_error(exc, what) from None


def fetch_voices(deadlines: http.Deadlines | None = None) -> list[dict[str, Any]]:
    """GET /v1/voices: the voices this account can use, as plain dicts (id, name, labels, languages)."""
    client, transport = _sdk(deadlines)
    try:
        answer = _call("ElevenLabs voices", lambda: client.voices.get_all(request_options={"max_retries": 0}))
    finally:
        transport.close()
    voices: list[dict[str, Any]] = []
    for voice in answer.voices or []:
        labels = dict(getattr(voice, "labels", None) or {})
        verified = [str(getattr(v, "locale", None) or getattr(v, "language", "") or "")
                    for v in (getattr(voice, "verified_languages", None) or [])]
        voices.append({"voice_id": voice.voice_id, "name": voice.name or voice.voice_id,
                       "gender": str(labels.get("gender", "")), "language": str(labels.get("language", "")),
                       "verified": [v for v in verified if v]})
    return voices


class ElevenLabsVoice(EngineVoice):
    """One ElevenLabs voice (a name from the account's list or a voice id) with one model."""

    engine = ENGINE

    def __init__(self, profile: VoiceProfile, *, variation: bool = False,
                 options: VoiceOptions | None = None) -> None:
        super().__init__(profile, variation=variation, options=options)
        self.model = model_of(self.options)

    # ---- the engine side (class-level, no network)

    @classmethod
    def profile_for(cls, voice: str, options: VoiceOptions) -> VoiceProfile:
        model = model_of(options)
        return VoiceProfile(id=f"{ENGINE}:{voice}", engine=ENGINE, voice_id=voice, languages=MODELS[model][1],
                            offline=False, provenance="ElevenLabs hosted voice",
                            identity={"model": model, "voiceSettings": voice_settings(options),
                                      "outputFormat": OUTPUT_FORMAT})

    @classmethod
    def usd_per_1k_chars(cls, options: VoiceOptions) -> float:
        return MODELS[model_of(options)][0]

    @classmethod
    def list_voices(cls, options: VoiceOptions) -> list[VoiceInfo]:
        if not api_key(KEY_ENV):
            return []
        model = model_of(options)
        price, languages = MODELS[model]
        listed = cached_list(options.cache_dir, ENGINE, lambda: fetch_voices(options.deadlines))
        return [VoiceInfo(engine=ENGINE, voice=str(v["name"]), name=f"{v['name']} ({v['voice_id']})",
                          locales=tuple(v.get("verified") or ()) or languages, gender=str(v.get("gender") or ""),
                          usd_per_1k_chars=price, offline=False, model=model) for v in listed]

    # ---- one voice

    def available(self) -> Availability:
        try:
            import elevenlabs  # noqa: F401
        except ImportError:
            return Availability(False, "the elevenlabs SDK is not installed", "pip install 'reelforge[elevenlabs]'")
        if not api_key(KEY_ENV):
            return Availability(False, f"{KEY_ENV} is not set", f"export {KEY_ENV}=<your key>")
        return Availability(True)

    def _voices(self, *, fresh: bool = False) -> list[dict[str, Any]]:
        """The account's voices: once per process, from the workspace cache when it is young enough."""
        url = base_url(ENGINE, DEFAULT_BASE_URL)
        with _LOCK:
            if fresh or url not in _VOICE_LISTS:
                _VOICE_LISTS[url] = cached_list(self.options.cache_dir, ENGINE,
                                                lambda: fetch_voices(self.options.deadlines),
                                                ttl_s=0.0 if fresh else VOICE_LIST_TTL_S)
            return _VOICE_LISTS[url]

    def voice_id(self) -> str:
        """The id to call: the voice as given when it looks like an id, else its name in the account's list
        (exit 4 with close matches when no voice has that name, even in a freshly fetched list)."""
        voice = self.profile.voice_id
        if _VOICE_ID.match(voice):
            return voice
        for fresh in (False, True):
            voices = self._voices(fresh=fresh)
            for entry in voices:
                if str(entry["name"]).lower() == voice.lower():
                    return str(entry["voice_id"])
        raise unknown_voice("ElevenLabs", voice, [str(v["name"]) for v in voices])

    def synthesize(self, text: str, out_wav: Path, *, speed: float) -> Synthesis:
        from elevenlabs import VoiceSettings

        voice_id = self.voice_id()
        settings = voice_settings(self.options)
        applied = min(max(speed, SPEED_RANGE[0]), SPEED_RANGE[1])
        client, transport = _sdk(self.options.deadlines)
        try:
            answer = _call("ElevenLabs text-to-speech", lambda: client.text_to_speech.convert_with_timestamps(
                voice_id, text=text, model_id=self.model, output_format=OUTPUT_FORMAT,
                voice_settings=VoiceSettings(**settings, speed=applied),
                request_options={"max_retries": 0}))
        except ProviderCallError as exc:
            if exc.status in (400, 404) and "voice_not_found" in (exc.raw_body or ""):
                raise unknown_voice("ElevenLabs", self.profile.voice_id,
                                    [str(v["name"]) for v in self._voices()]) from None
            raise
        finally:
            transport.close()
        audio = _b64(answer.audio_base_64)
        rate, count = decode_audio(audio, out_wav, what="ElevenLabs text-to-speech")
        spans = character_spans(answer.alignment)
        price = MODELS[self.model][0]
        params = {"voice": self.profile.id, "engine": ENGINE, "voiceId": voice_id, "model": self.model,
                  "voiceSettings": settings, "outputFormat": OUTPUT_FORMAT, "speed": speed, "speedApplied": applied,
                  "characters": len(text), "usdPer1kChars": price}
        return Synthesis(wav_path=out_wav, sample_rate=rate, duration_sec=count / rate, params=params,
                         text_spans=spans, timing_provider="elevenlabs-alignment",
                         usd=round(len(text) * price / 1000, 6))


def _b64(data: Any) -> bytes:
    if not isinstance(data, str) or not data:
        raise ProviderCallError("malformed", "ElevenLabs returned no audio_base64")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ProviderCallError("malformed", "ElevenLabs audio_base64 is not valid base64") from None


def character_spans(alignment: Any) -> list[TextSpan] | None:
    """The ``alignment`` arrays as one span per character; None when missing or inconsistent (the pipeline
    then times the words another way)."""
    if alignment is None:
        return None
    chars = list(alignment.characters or [])
    starts = list(alignment.character_start_times_seconds or [])
    ends = list(alignment.character_end_times_seconds or [])
    if not chars or not len(chars) == len(starts) == len(ends):
        return None
    return [TextSpan(str(c), float(s), float(e)) for c, s, e in zip(chars, starts, ends, strict=True)]
