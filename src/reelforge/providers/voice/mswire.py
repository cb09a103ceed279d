"""Microsoft's speech synthesis websocket protocol, spoken by Azure Speech and by the Edge read-aloud service.

One synthesis is one websocket: the client sends ``speech.config`` (Edge) or ``synthesis.context`` (Azure)
text messages naming the output format and asking for word boundaries, then ``ssml``. The service answers
``turn.start``, ``response``, ``audio.metadata`` text messages (JSON ``Metadata`` with ``WordBoundary``
entries whose Offset/Duration count 100-ns ticks), binary ``audio`` messages (a 2-byte big-endian header
length, ``Name:value`` header lines, then the audio bytes) and ``turn.end``.

A rejected handshake carries the HTTP status (401 bad key, 429, 5xx), mapped to the same ProviderCallError
kinds as every HTTP vendor call, so the one retry policy applies.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import httpx

from reelforge.errors import InvalidInputError, ProviderCallError
from reelforge.providers import http
from reelforge.providers.voice.registry import VoiceProfile

TICKS_PER_SECOND = 10_000_000


@dataclass(frozen=True)
class Boundary:
    """One WordBoundary: the word as the service spelled it and its span in the audio, in seconds."""

    text: str
    start_sec: float
    end_sec: float
_RECV_SLICE_S = 0.25  # how often the receive loop looks at the deadline


@dataclass
class WireResult:
    audio: bytes
    content_type: str
    words: list[Boundary] = field(default_factory=list)
    request_id: str = ""


def locale_of(voice: str) -> str:
    """``en-US-JennyNeural`` -> ``en-US``, ``zh-CN-shaanxi-XiaoniNeural`` -> ``zh-CN`` ("" when the name does
    not start with a locale)."""
    parts = voice.split("-")
    if len(parts) < 3 or not parts[0].isalpha() or not 2 <= len(parts[0]) <= 3 or not parts[1].isalnum():
        return ""
    return f"{parts[0].lower()}-{parts[1].upper()}"


def named_voice_profile(engine: str, voice: str, *, service: str, example: str, provenance: str,
                        output_format: str) -> VoiceProfile:
    """The profile of a Microsoft voice name (``ko-KR-SunHiNeural``): its locale is in the name, so the
    locale check needs no network; a name without one is exit 4 before any call."""
    locale = locale_of(voice)
    if not locale:
        raise InvalidInputError(f"{voice!r} is not {service} voice name (they start with their locale, "
                                f"e.g. {example})", hint=f"run `reelforge voices` and pass --voice "
                                f"{engine}:<ShortName>")
    return VoiceProfile(id=f"{engine}:{voice}", engine=engine, voice_id=voice, language=locale, offline=False,
                        provenance=provenance, identity={"outputFormat": output_format})


def ssml(text: str, voice: str, speed: float, *, prosody: str = "") -> str:
    """One voice reading ``text`` at ``speed`` (1.0 = the voice's own rate, 1.2 = ``rate='+20%'``)."""
    rate = f"{round((speed - 1) * 100):+d}%"
    lang = locale_of(voice) or "en-US"
    return (f"<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' xml:lang={quoteattr(lang)}>"
            f"<voice name={quoteattr(voice)}><prosody {prosody}rate={quoteattr(rate)}>{escape(text)}</prosody>"
            "</voice></speak>")


def timestamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def text_message(path: str, body: str, *, content_type: str, request_id: str | None = None) -> str:
    headers = [f"X-Timestamp:{timestamp()}", f"Content-Type:{content_type}", f"Path:{path}"]
    if request_id:
        headers.insert(0, f"X-RequestId:{request_id}")
    return "\r\n".join(headers) + "\r\n\r\n" + body


def parse_headers(block: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in block.split("\r\n"):
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return headers


def parse_text(message: str) -> tuple[dict[str, str], str]:
    head, _, body = message.partition("\r\n\r\n")
    return parse_headers(head), body


def parse_binary(message: bytes) -> tuple[dict[str, str], bytes]:
    if len(message) < 2:
        raise ProviderCallError("malformed", "a binary speech message is shorter than its header length")
    size = int.from_bytes(message[:2], "big")
    if 2 + size > len(message):
        raise ProviderCallError("malformed", "a binary speech message's header runs past its end")
    return parse_headers(message[2:2 + size].decode("utf-8", "replace")), message[2 + size:]


def binary_message(headers: dict[str, str], payload: bytes) -> bytes:
    """The service's binary frame (the fakes build theirs with this; the client only parses)."""
    head = "\r\n".join(f"{k}:{v}" for k, v in headers.items()).encode()
    return len(head).to_bytes(2, "big") + head + payload


def word_boundaries(body: str) -> list[Boundary]:
    """The WordBoundary entries of one ``audio.metadata`` body; other metadata (sentence, viseme) is skipped."""
    try:
        data = json.loads(body)
        entries = data["Metadata"]
    except (json.JSONDecodeError, KeyError, TypeError):
        raise ProviderCallError("malformed", "an audio.metadata message is not the documented JSON",
                                raw_body=body[:2000]) from None
    words: list[Boundary] = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("Type") != "WordBoundary":
            continue
        info = entry.get("Data") or {}
        try:
            offset, duration = int(info["Offset"]), int(info["Duration"])
            text = str(info["text"]["Text"])
        except (KeyError, TypeError, ValueError):
            raise ProviderCallError("malformed", "a WordBoundary lacks Offset, Duration or text.Text",
                                    raw_body=body[:2000]) from None
        if info.get("text", {}).get("BoundaryType", "WordBoundary") == "PunctuationBoundary":
            continue
        words.append(Boundary(text, offset / TICKS_PER_SECOND, (offset + duration) / TICKS_PER_SECOND))
    return words


class HandshakeRefused(ProviderCallError):
    """The service answered the websocket upgrade with an HTTP error; ``server_date`` is its Date header."""

    def __init__(self, message: str, *, status: int, raw_body: str, retry_after: float | None,
                 server_date: str | None) -> None:
        super().__init__("http", message, status=status, raw_body=raw_body, retry_after=retry_after)
        self.server_date = server_date


def _handshake_error(exc: Exception, what: str) -> ProviderCallError:
    from websockets.exceptions import InvalidStatus

    if isinstance(exc, InvalidStatus):
        response = exc.response
        body = response.body.decode("utf-8", "replace") if response.body else ""
        return HandshakeRefused(f"{what} refused the websocket with HTTP {response.status_code}",
                                status=response.status_code, raw_body=body,
                                retry_after=http.retry_after_seconds(response.headers.get("Retry-After")),
                                server_date=response.headers.get("Date"))
    return ProviderCallError("connect", f"could not connect to {what} ({type(exc).__name__})")


def synthesize(url: str, headers: dict[str, str], setup: list[tuple[str, str]], ssml: str, *, what: str,
               deadlines: http.Deadlines | None = None) -> WireResult:
    """Open ``url``, send the ``setup`` (path, JSON body) messages and the SSML, collect audio and word
    boundaries until ``turn.end``, all within the call deadline (a dripping service times out, exit 6)."""
    d = deadlines or http.default_deadlines()
    seconds, _job = http.call_budget(d.call_s)
    request_id = uuid.uuid4().hex

    def work(cancel: threading.Event) -> WireResult:
        from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
        from websockets.sync.client import connect

        try:
            socket = connect(url, additional_headers=headers, open_timeout=min(d.connect_s, seconds),
                             max_size=None, user_agent_header="reelforge")
        except (InvalidHandshake, InvalidURI, OSError, TimeoutError) as exc:
            raise _handshake_error(exc, what) from None
        with socket:
            try:
                for path, body in setup:
                    socket.send(text_message(path, body, content_type="application/json",
                                             request_id=request_id))
                socket.send(text_message("ssml", ssml, content_type="application/ssml+xml",
                                         request_id=request_id))
                return _receive(socket, cancel, what, request_id)
            except ConnectionClosed as exc:
                raise ProviderCallError("connection", f"{what} closed the websocket before turn.end "
                                        f"(code {exc.rcvd.code if exc.rcvd else 'none'})") from None

    try:
        return http.run_with_deadline(work, seconds, what)
    except httpx.ReadTimeout as exc:
        raise ProviderCallError("timeout", f"{what} timed out ({exc})") from None


def _receive(socket: Any, cancel: threading.Event, what: str, request_id: str) -> WireResult:
    audio = bytearray()
    content_type = ""
    words: list[Boundary] = []
    while True:
        if cancel.is_set():
            raise httpx.ReadTimeout("deadline passed")
        try:
            message = socket.recv(timeout=_RECV_SLICE_S)
        except TimeoutError:
            continue
        if isinstance(message, bytes):
            head, payload = parse_binary(message)
            if head.get("path") != "audio":
                continue
            content_type = head.get("content-type", content_type)
            audio += payload
            continue
        head, body = parse_text(message)
        path = head.get("path", "")
        if path == "audio.metadata":
            words += word_boundaries(body)
        elif path == "turn.end":
            if not audio:
                raise ProviderCallError("malformed", f"{what} ended the turn without audio")
            return WireResult(bytes(audio), content_type, words, request_id)
