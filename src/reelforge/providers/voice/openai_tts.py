"""OpenAI text-to-speech (POST /v1/audio/speech) through the official ``openai`` SDK (extra ``openai-tts``).

The answer is audio only (wav here), no timing: the pipeline times the words with its STT chain, or
estimates them. ``tts-1``/``tts-1-hd`` take ``speed``; ``gpt-4o-mini-tts`` ignores it and takes spoken
``instructions`` instead (``voice_style``), so a speed other than 1.0 becomes an instruction there.
The key comes only from ``OPENAI_API_KEY`` (config.py); the base URL from ``REELFORGE_OPENAI_BASE_URL``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from reelforge.errors import InvalidInputError, ProviderCallError, ProviderUnavailableError
from reelforge.providers import http
from reelforge.providers.voice.base import Availability, Synthesis, VoiceInfo, VoiceOptions
from reelforge.providers.voice.hosted import (
    EngineVoice,
    api_key,
    base_url,
    close_matches,
    decode_audio,
    http_error,
    require_key,
    unknown_voice,
)
from reelforge.providers.voice.registry import VoiceProfile

ENGINE = "openai"
KEY_ENV = "OPENAI_API_KEY"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-4o-mini-tts"
RESPONSE_FORMAT = "wav"
_CLASSIC = ("alloy", "ash", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer")
# model -> (USD per 1,000 characters, voices). tts-1 $15 and tts-1-hd $30 per 1M characters; gpt-4o-mini-tts
# is billed by tokens, which OpenAI estimates at $0.015 per minute of audio: ~1,000 characters a minute.
MODELS: dict[str, tuple[float, tuple[str, ...]]] = {
    "gpt-4o-mini-tts": (0.015, (*_CLASSIC, "ballad", "verse", "marin", "cedar")),
    "tts-1": (0.015, _CLASSIC),
    "tts-1-hd": (0.030, _CLASSIC),
}
# The languages OpenAI's speech models are documented to speak (Whisper's list).
LANGUAGES = ("af", "ar", "hy", "az", "be", "bs", "bg", "ca", "zh", "hr", "cs", "da", "nl", "en", "et", "fi", "fr",
             "gl", "de", "el", "he", "hi", "hu", "is", "id", "it", "ja", "kn", "kk", "ko", "lv", "lt", "mk", "ms",
             "mr", "mi", "ne", "no", "fa", "pl", "pt", "ro", "ru", "sr", "sk", "sl", "es", "sw", "sv", "tl", "ta",
             "th", "tr", "uk", "ur", "vi", "cy")
SPEED_RANGE = (0.25, 4.0)


def model_of(options: VoiceOptions) -> str:
    model = options.model or DEFAULT_MODEL
    if model not in MODELS:
        near = close_matches(model, list(MODELS))
        raise InvalidInputError(f"OpenAI has no speech model {model!r}"
                                + (f"; did you mean {', '.join(near)}?" if near else ""),
                                hint=f"pass --voice-model with one of: {', '.join(MODELS)}")
    return model


class OpenAISpeech(EngineVoice):
    """One OpenAI voice (alloy, coral, ...) with one speech model."""

    engine = ENGINE

    def __init__(self, profile: VoiceProfile, *, variation: bool = False,
                 options: VoiceOptions | None = None) -> None:
        super().__init__(profile, variation=variation, options=options)
        self.model = model_of(self.options)

    @classmethod
    def profile_for(cls, voice: str, options: VoiceOptions) -> VoiceProfile:
        model = model_of(options)
        name = voice.lower()
        if name not in MODELS[model][1]:
            raise unknown_voice(f"OpenAI {model}", voice, MODELS[model][1])
        return VoiceProfile(id=f"{ENGINE}:{name}", engine=ENGINE, voice_id=name, languages=LANGUAGES,
                            offline=False, provenance="OpenAI hosted voice (AI-generated; disclose it to listeners)",
                            identity={"model": model, "style": options.style, "responseFormat": RESPONSE_FORMAT})

    @classmethod
    def usd_per_1k_chars(cls, options: VoiceOptions) -> float:
        return MODELS[model_of(options)][0]

    @classmethod
    def list_voices(cls, options: VoiceOptions) -> list[VoiceInfo]:
        """OpenAI's voices are a documented fixed set: listed without a call (and without the key)."""
        model = model_of(options)
        price, voices = MODELS[model]
        return [VoiceInfo(engine=ENGINE, voice=v, name=v, locales=LANGUAGES, usd_per_1k_chars=price, offline=False,
                          model=model, note="" if api_key(KEY_ENV) else f"needs {KEY_ENV}") for v in voices]

    def available(self) -> Availability:
        try:
            import openai  # noqa: F401
        except ImportError:
            return Availability(False, "the openai SDK is not installed", "pip install 'reelforge[openai-tts]'")
        if not api_key(KEY_ENV):
            return Availability(False, f"{KEY_ENV} is not set", f"export {KEY_ENV}=<your key>")
        return Availability(True)

    def _sdk(self) -> tuple[Any, httpx.Client]:
        """The SDK client on our httpx client (returned too, so the call can close its connections)."""
        try:
            import openai
        except ImportError:
            raise ProviderUnavailableError("the openai SDK is not installed",
                                           hint="pip install 'reelforge[openai-tts]'") from None
        d = self.options.deadlines or http.default_deadlines()
        transport = http.client(d)
        return openai.OpenAI(api_key=require_key(KEY_ENV, "OpenAI"), base_url=base_url(ENGINE, DEFAULT_BASE_URL),
                             max_retries=0, timeout=d.timeout(), http_client=transport), transport

    def request(self, text: str, speed: float) -> dict[str, Any]:
        params: dict[str, Any] = {"model": self.model, "voice": self.profile.voice_id, "input": text,
                                  "response_format": RESPONSE_FORMAT}
        instructions = self.options.style
        if self.model.startswith("tts-1"):
            params["speed"] = min(max(speed, SPEED_RANGE[0]), SPEED_RANGE[1])
        elif abs(speed - 1.0) > 1e-6:
            pace = "faster" if speed > 1 else "slower"
            instructions = f"{instructions} Speak about {speed:g} times {pace} than usual.".strip()
        if instructions:
            params["instructions"] = instructions
        return params

    def synthesize(self, text: str, out_wav: Path, *, speed: float) -> Synthesis:
        import openai

        client, transport = self._sdk()
        params = self.request(text, speed)
        try:
            raw = client.audio.speech.with_raw_response.create(**params)
            audio = raw.http_response.content
        except openai.APIStatusError as exc:
            raise http_error("OpenAI", KEY_ENV, exc.status_code, exc.response.text,
                             http.retry_after_seconds(exc.response.headers.get("retry-after"))) from None
        except openai.APIConnectionError as exc:
            cause = exc.__cause__
            if isinstance(cause, httpx.HTTPError):
                raise http.map_error(cause, "OpenAI audio/speech") from None
            kind = "timeout" if isinstance(exc, openai.APITimeoutError) else "connection"
            raise ProviderCallError(kind, f"OpenAI audio/speech: {kind}") from None
        finally:
            transport.close()
        rate, count = decode_audio(audio, out_wav, what="OpenAI audio/speech")
        price = MODELS[self.model][0]
        recorded = {("voiceId" if k == "voice" else k): v for k, v in params.items() if k != "input"}
        return Synthesis(wav_path=out_wav, sample_rate=rate, duration_sec=count / rate,
                         params={**recorded, "voice": self.profile.id, "engine": ENGINE, "speed": speed,
                                 "speedApplied": params.get("speed"),
                                 "characters": len(text), "usdPer1kChars": price},
                         usd=round(len(text) * price / 1000, 6))
