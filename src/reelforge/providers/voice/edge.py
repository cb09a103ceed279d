"""edge-tts: Microsoft Edge's read-aloud voices, an UNOFFICIAL online service with no key (opt-in only).

The service is the one the ``edge-tts`` package talks to; it is not a documented or supported API, may
change or refuse clients at any time, and the narration text goes to Microsoft. ``--voice edge:<VoiceName>``
is the only way to use it; the manifest (``params.service``) and the docs call it unofficial.

The package's ``Communicate`` hard-codes its wss URL, so this adapter speaks the small protocol itself
(``mswire``, shared with Azure) and takes from the package only what changes with the service: the client
token, the ``Sec-MS-GEC`` token and the browser headers. ``REELFORGE_EDGE_BASE_URL`` replaces
``https://speech.platform.bing.com``. Audio arrives as 24 kHz mp3 (decoded with PyAV); word boundaries give
tts-native timing.
"""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reelforge.config import environ_value
from reelforge.errors import InvalidInputError, ProviderCallError, ProviderUnavailableError
from reelforge.providers import http
from reelforge.providers.voice import mswire
from reelforge.providers.voice.azure import boundary_spans
from reelforge.providers.voice.base import Availability, Synthesis, VoiceInfo, VoiceOptions
from reelforge.providers.voice.hosted import EngineVoice, base_url, cached_list, decode_audio, unknown_voice
from reelforge.providers.voice.registry import VoiceProfile

ENGINE = "edge"
OPT_IN_ENV = "REELFORGE_EDGE_TTS"
BASE_URL_ENV = "REELFORGE_EDGE_BASE_URL"
DEFAULT_BASE_URL = "https://speech.platform.bing.com"
PATH = "/consumer/speech/synthesize/readaloud"
OUTPUT_FORMAT = "audio-24khz-48kbitrate-mono-mp3"
MAX_TEXT_BYTES = 4096  # the service's limit per request (edge-tts splits longer texts)
TIMING_PROVIDER = "edge-word-boundaries"
WHAT = "edge-tts"
SERVICE = ("unofficial online service: Microsoft Edge's read-aloud voices through the edge-tts protocol; no key, "
           "no SLA, the text goes to Microsoft, and it may change or stop without notice")
INSTALL = "pip install 'reelforge[edge]'"

_LOCK = threading.Lock()
_VOICE_LISTS: dict[str, list[dict[str, Any]]] = {}


def _package() -> tuple[Any, Any]:
    try:
        from edge_tts import constants
        from edge_tts.drm import DRM
    except ImportError:
        raise ProviderUnavailableError("edge-tts is not installed", hint=INSTALL) from None
    return constants, DRM


def _query(token_name: str) -> str:
    constants, drm = _package()
    return (f"{token_name}={constants.TRUSTED_CLIENT_TOKEN}&Sec-MS-GEC={drm.generate_sec_ms_gec()}"
            f"&Sec-MS-GEC-Version={constants.SEC_MS_GEC_VERSION}")


def websocket_url() -> str:
    base = base_url(ENGINE, DEFAULT_BASE_URL)
    scheme = "ws" if base.startswith("http://") else "wss"
    return (f"{scheme}://{base.split('://', 1)[1]}{PATH}/edge/v1?{_query('TrustedClientToken')}"
            f"&ConnectionId={uuid.uuid4().hex}")


def _headers(which: str) -> dict[str, str]:
    """The browser headers edge-tts sends (with its MUID cookie), minus the websocket handshake's own and the
    Accept-Encoding that would invite brotli/zstd bodies httpx may not decode here."""
    constants, drm = _package()
    headers = {k: v for k, v in getattr(constants, which).items()
               if not k.lower().startswith("sec-websocket") and k.lower() != "accept-encoding"}
    return dict(drm.headers_with_muid(headers))


def speech_config() -> str:
    return json.dumps({"context": {"synthesis": {"audio": {
        "metadataoptions": {"sentenceBoundaryEnabled": "false", "wordBoundaryEnabled": "true"},
        "outputFormat": OUTPUT_FORMAT}}}})


def refused(status: int) -> ProviderUnavailableError:
    return ProviderUnavailableError(
        f"the edge-tts service refused this client (HTTP {status}); it is an unofficial service",
        hint="upgrade edge-tts (pip install -U edge-tts: the service changes its client token), check the "
             "system clock, or pick another voice (`reelforge voices`)")


def fetch_voices(deadlines: http.Deadlines | None = None) -> list[dict[str, Any]]:
    """``GET .../voices/list``: every Edge voice as plain dicts (name, locale, gender, label)."""
    url = f"{base_url(ENGINE, DEFAULT_BASE_URL)}{PATH}/voices/list?{_query('trustedclienttoken')}"
    response = http.send(http.client(deadlines), "GET", url, what=WHAT, headers=_headers("VOICE_HEADERS"))
    if response.status_code in (401, 403):
        raise refused(response.status_code)
    http.raise_for_status(response, WHAT)
    try:
        data = response.json()
    except ValueError:
        raise ProviderCallError("malformed", f"{WHAT} voice list is not JSON", raw_body=response.text) from None
    if not isinstance(data, list):
        raise ProviderCallError("malformed", f"{WHAT} voice list is not a JSON array", raw_body=response.text)
    return [{"name": str(v["ShortName"]), "locale": str(v.get("Locale", "")), "gender": str(v.get("Gender", "")),
             "label": str(v.get("FriendlyName") or "")} for v in data if isinstance(v, dict) and v.get("ShortName")]


def _correct_clock(server_date: str | None) -> bool:
    """edge-tts's own remedy for a 403: the Sec-MS-GEC token is derived from the clock, so shift the package's
    clock to the server's Date (its documented DRM API); False when the answer carried no usable date."""
    _, drm = _package()
    server = drm.parse_rfc2616_date(server_date) if server_date else None
    if server is None:
        return False
    drm.adj_clock_skew_seconds(server - drm.get_unix_timestamp())
    return True


class EdgeVoice(EngineVoice):
    """One Edge read-aloud voice, e.g. ``ko-KR-SunHiNeural`` (an unofficial online service)."""

    engine = ENGINE

    # ---- the engine side (class-level, no network)

    @classmethod
    def profile_for(cls, voice: str, options: VoiceOptions) -> VoiceProfile:
        return mswire.named_voice_profile(ENGINE, voice, service="an Edge", example="en-US-AriaNeural",
                                          provenance=f"edge-tts: {SERVICE}", output_format=OUTPUT_FORMAT)

    @classmethod
    def usd_per_1k_chars(cls, options: VoiceOptions) -> float:
        return 0.0

    @classmethod
    def list_voices(cls, options: VoiceOptions) -> list[VoiceInfo]:
        """Fetched only on request (``REELFORGE_EDGE_TTS=1``, or a base URL of the user's): listing must not
        call an unofficial service just because edge-tts happens to be installed."""
        _package()
        if (environ_value(OPT_IN_ENV) or "").lower() not in ("1", "on", "true", "yes") \
                and not environ_value(BASE_URL_ENV):
            raise ProviderUnavailableError("edge-tts voices are listed only on request (an unofficial online "
                                           "service)", hint=f"export {OPT_IN_ENV}=1 to list them; "
                                           "--voice edge:<VoiceName> works without it")
        listed = cached_list(options.cache_dir, ENGINE, lambda: fetch_voices(options.deadlines))
        return [VoiceInfo(engine=ENGINE, voice=v["name"], name=v.get("label") or v["name"],
                          locales=(v["locale"],) if v.get("locale") else (), gender=v.get("gender", "").lower(),
                          usd_per_1k_chars=0.0, offline=False, note="unofficial online service, no key")
                for v in listed]

    # ---- one voice

    def available(self) -> Availability:
        try:
            _package()
        except ProviderUnavailableError:
            return Availability(False, "edge-tts is not installed", INSTALL)
        return Availability(True, SERVICE)

    def check_voice(self) -> None:
        url = base_url(ENGINE, DEFAULT_BASE_URL)
        with _LOCK:
            if url not in _VOICE_LISTS:
                _VOICE_LISTS[url] = fetch_voices(self.options.deadlines)
            names = [v["name"] for v in _VOICE_LISTS[url]]
        if self.profile.voice_id not in names:
            raise unknown_voice(ENGINE, self.profile.voice_id, names)

    def _speak(self, ssml: str) -> mswire.WireResult:
        return mswire.synthesize(websocket_url(), _headers("WSS_HEADERS"), [("speech.config", speech_config())],
                                 ssml, what=WHAT, deadlines=self.options.deadlines)

    def synthesize(self, text: str, out_wav: Path, *, speed: float) -> Synthesis:
        if len(escape(text).encode()) > MAX_TEXT_BYTES:
            raise InvalidInputError(f"a scene's narration is longer than edge-tts takes in one request "
                                    f"({MAX_TEXT_BYTES} bytes of text)", hint="split the scene into shorter scenes")
        self.check_voice()
        ssml = mswire.ssml(text, self.profile.voice_id, speed, prosody="pitch='+0Hz' volume='+0%' ")
        try:
            try:
                result = self._speak(ssml)
            except mswire.HandshakeRefused as exc:
                if exc.status != 403 or not _correct_clock(exc.server_date):
                    raise
                result = self._speak(ssml)  # the token is time-based: once more with the server's clock
        except ProviderCallError as exc:
            if exc.status in (401, 403):
                raise refused(exc.status) from None
            raise
        rate, count = decode_audio(result.audio, out_wav, what=WHAT)
        params = {"voice": self.profile.id, "engine": ENGINE, "outputFormat": OUTPUT_FORMAT,
                  "language": self.profile.language, "speed": speed, "characters": len(text), "usdPer1kChars": 0.0,
                  "service": SERVICE, "wordBoundaries": len(result.words)}
        return Synthesis(wav_path=out_wav, sample_rate=rate, duration_sec=count / rate, params=params,
                         text_spans=boundary_spans(result.words), timing_provider=TIMING_PROVIDER, usd=0.0)
