"""Google Cloud Text-to-Speech, v1beta1 ``text:synthesize`` with SSML marks for word timing.

A ``<mark name="wN"/>`` goes before every script word and ``enableTimePointing: ["SSML_MARK"]`` makes the
answer carry ``timepoints`` (markName, timeSeconds): word N starts at its mark and lasts until the next
one (the last until the audible end of the wav). Audio is LINEAR16 (a wav, base64 in ``audioContent``).
The API key comes from ``GOOGLE_TTS_API_KEY`` and travels only in the ``X-Goog-Api-Key`` header, never in
the URL; ``REELFORGE_GOOGLE_BASE_URL`` replaces ``https://texttospeech.googleapis.com``. Voices that take no
SSML (Chirp 3 HD) get plain text and no marks; their timing falls back to stt.
"""

from __future__ import annotations

import base64
import binascii
import threading
import unicodedata
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reelforge.errors import AuthRequiredError, InvalidInputError, ProviderCallError
from reelforge.providers import http
from reelforge.providers.timing.words import script_words
from reelforge.providers.voice.base import Availability, Synthesis, TextSpan, VoiceInfo, VoiceOptions
from reelforge.providers.voice.hosted import (
    EngineVoice,
    api_key,
    base_url,
    cached_list,
    decode_audio,
    http_error,
    require_key,
    unknown_voice,
)
from reelforge.providers.voice.mswire import locale_of
from reelforge.providers.voice.registry import VoiceProfile
from reelforge.providers.voice.wavio import read_wav, speech_bounds

ENGINE = "google"
KEY_ENV = "GOOGLE_TTS_API_KEY"
DEFAULT_BASE_URL = "https://texttospeech.googleapis.com"
SAMPLE_RATE = 24000
TIMING_PROVIDER = "google-ssml-marks"
WHAT = "Google Text-to-Speech"
# USD per 1k characters by voice tier (list prices per 1M: Standard $4, WaveNet/Neural2 $16, Chirp 3 HD $30,
# Studio $160); a name without a known tier is priced as Neural2.
TIER_PRICES = (("Standard", 0.004), ("Studio", 0.16), ("Chirp", 0.03), ("Wavenet", 0.016), ("Neural2", 0.016))
DEFAULT_USD_PER_1K = 0.016

_LOCK = threading.Lock()
_VOICE_LISTS: dict[str, list[dict[str, Any]]] = {}


def usd_per_1k(voice: str) -> float:
    return next((price for tier, price in TIER_PRICES if tier in voice), DEFAULT_USD_PER_1K)


def takes_ssml(voice: str) -> bool:
    """Chirp 3 HD voices take plain text only (no SSML, so no marks: their timing comes from stt)."""
    return "Chirp" not in voice


def marked_ssml(text: str) -> tuple[str, list[str]]:
    """SSML with ``<mark name="wN"/>`` before script word N, and the script words in order."""
    source = unicodedata.normalize("NFC", text)
    words = script_words(source)
    parts = ["<speak>"]
    cursor = 0
    for n, word in enumerate(words):
        head = word.split()[0] if word.split() else word
        at = source.find(head, cursor)
        if at < 0:  # cannot happen for script_words' own tokens; never drop text over it
            continue
        parts += [escape(source[cursor:at]), f'<mark name="w{n}"/>']
        cursor = at
    parts += [escape(source[cursor:]), "</speak>"]
    return "".join(parts), words


def _raise_for(response: Any) -> None:
    """401/403 (and Google's HTTP 400 API_KEY_INVALID for a bad key) -> exit 5 naming the variable; other
    failures a ProviderCallError the retry policy reads."""
    status = response.status_code
    if status == 400 and "API_KEY_INVALID" in response.text:
        raise AuthRequiredError(f"{WHAT} refused the API key in {KEY_ENV} (API_KEY_INVALID)",
                                hint=f"check {KEY_ENV}: a Google Cloud API key with Text-to-Speech enabled")
    if status >= 400:
        raise http_error(WHAT, KEY_ENV, status, response.text,
                         http.retry_after_seconds(response.headers.get("retry-after")))


def _json(response: Any) -> dict[str, Any]:
    try:
        parsed = response.json()
    except ValueError:
        raise ProviderCallError("malformed", f"{WHAT} answered a body that is not JSON",
                                raw_body=response.text[:2000]) from None
    if not isinstance(parsed, dict):
        raise ProviderCallError("malformed", f"{WHAT} answered JSON that is not an object",
                                raw_body=response.text[:2000])
    return parsed


def fetch_voices(deadlines: http.Deadlines | None = None) -> list[dict[str, Any]]:
    """``GET /v1/voices``: every voice as plain dicts (name, locale, gender)."""
    key = require_key(KEY_ENV, WHAT)
    response = http.send(http.client(deadlines), "GET", base_url(ENGINE, DEFAULT_BASE_URL) + "/v1/voices",
                         what=WHAT, headers={"X-Goog-Api-Key": key})
    _raise_for(response)
    voices = _json(response).get("voices")
    if not isinstance(voices, list):
        raise ProviderCallError("malformed", f"{WHAT} voice list has no voices array", raw_body=response.text[:2000])
    return [{"name": str(v["name"]), "locale": str((v.get("languageCodes") or [""])[0]),
             "gender": str(v.get("ssmlGender", "")).lower()} for v in voices if isinstance(v, dict) and v.get("name")]


def parse_answer(body: dict[str, Any], raw: str) -> tuple[bytes, dict[str, float]]:
    try:
        audio = base64.b64decode(body["audioContent"], validate=True)
    except (KeyError, TypeError, binascii.Error):
        raise ProviderCallError("malformed", f"{WHAT} answer has no base64 audioContent", raw_body=raw[:2000]) \
            from None
    marks: dict[str, float] = {}
    for point in body.get("timepoints") or []:
        if isinstance(point, dict) and isinstance(point.get("markName"), str):
            marks[point["markName"]] = float(point.get("timeSeconds") or 0.0)
    return audio, marks


def spans_from_marks(words: list[str], marks: dict[str, float], speech_end: float) -> list[TextSpan] | None:
    """Word N from its mark to the next word's mark (the last to the audible end); None without marks."""
    starts = [(marks[f"w{n}"], word) for n, word in enumerate(words) if f"w{n}" in marks]
    out: list[TextSpan] = []
    for i, (start, word) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else max(start, speech_end)
        out.append(TextSpan(word, start, end))
    return out or None


class GoogleVoice(EngineVoice):
    """One Cloud Text-to-Speech voice, e.g. ``ko-KR-Neural2-A``; SSML marks give tts-native timing."""

    engine = ENGINE

    # ---- the engine side (class-level, no network)

    @classmethod
    def profile_for(cls, voice: str, options: VoiceOptions) -> VoiceProfile:
        locale = locale_of(voice)
        if not locale:
            raise InvalidInputError(f"{voice!r} is not a Google voice name (they start with their locale, "
                                    "e.g. en-US-Neural2-F)", hint="run `reelforge voices` and pass --voice "
                                    "google:<name>")
        return VoiceProfile(id=f"{ENGINE}:{voice}", engine=ENGINE, voice_id=voice, language=locale, offline=False,
                            provenance="Google Cloud Text-to-Speech voice",
                            identity={"audioEncoding": "LINEAR16", "sampleRateHertz": SAMPLE_RATE})

    @classmethod
    def usd_per_1k_chars(cls, options: VoiceOptions) -> float:
        """The WaveNet/Neural2 tier (the estimate cannot see the voice; Standard costs less, Studio more)."""
        return DEFAULT_USD_PER_1K

    @classmethod
    def list_voices(cls, options: VoiceOptions) -> list[VoiceInfo]:
        if not api_key(KEY_ENV):
            return []
        listed = cached_list(options.cache_dir, ENGINE, lambda: fetch_voices(options.deadlines))
        return [VoiceInfo(engine=ENGINE, voice=v["name"], name=v["name"],
                          locales=(v["locale"],) if v.get("locale") else (), gender=v.get("gender", ""),
                          usd_per_1k_chars=usd_per_1k(v["name"]), offline=False) for v in listed]

    # ---- one voice

    def available(self) -> Availability:
        if not api_key(KEY_ENV):
            return Availability(False, f"{KEY_ENV} is not set", f"export {KEY_ENV}=<your key>")
        return Availability(True)

    def check_voice(self) -> None:
        url = base_url(ENGINE, DEFAULT_BASE_URL)
        with _LOCK:
            if url not in _VOICE_LISTS:
                _VOICE_LISTS[url] = fetch_voices(self.options.deadlines)
            names = [v["name"] for v in _VOICE_LISTS[url]]
        if self.profile.voice_id not in names:
            raise unknown_voice(WHAT, self.profile.voice_id, names)

    def synthesize(self, text: str, out_wav: Path, *, speed: float) -> Synthesis:
        self.check_voice()
        key = require_key(KEY_ENV, WHAT)
        ssml, words = marked_ssml(text)
        body: dict[str, Any] = {
            "input": {"ssml": ssml}, "voice": {"languageCode": self.profile.language, "name": self.profile.voice_id},
            "audioConfig": {"audioEncoding": "LINEAR16", "sampleRateHertz": SAMPLE_RATE, "speakingRate": speed},
            "enableTimePointing": ["SSML_MARK"]}
        if not takes_ssml(self.profile.voice_id):
            body["input"] = {"text": text}
            del body["enableTimePointing"]
        response = http.send(http.client(self.options.deadlines), "POST",
                             base_url(ENGINE, DEFAULT_BASE_URL) + "/v1beta1/text:synthesize", what=WHAT, json=body,
                             headers={"X-Goog-Api-Key": key, "Content-Type": "application/json"})
        _raise_for(response)
        audio, marks = parse_answer(_json(response), response.text)
        rate, count = decode_audio(audio, out_wav, what=WHAT)
        samples, _ = read_wav(out_wav)
        spans = spans_from_marks(words, marks, speech_bounds(samples, rate)[1])
        price = usd_per_1k(self.profile.voice_id)
        params = {"voice": self.profile.id, "engine": ENGINE, "audioEncoding": "LINEAR16",
                  "language": self.profile.language, "speed": speed, "characters": len(text),
                  "usdPer1kChars": price, "marks": len(marks)}
        return Synthesis(wav_path=out_wav, sample_rate=rate, duration_sec=count / rate, params=params,
                         text_spans=spans, timing_provider=TIMING_PROVIDER if spans else "",
                         usd=round(len(text) * price / 1000, 6))
