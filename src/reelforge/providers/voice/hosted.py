"""What every hosted voice engine shares: its key and base URL (from config.py only), the errors users act
on (401 naming the variable, an unknown voice listing close matches), decoding the vendor's audio into our
wav, and the on-disk cache of its voice list.

Engines make ONE call per ``synthesize``; retries (429/5xx/connect) belong to the pipeline, which wraps the
call in the job kernel's policy (providers never import jobs).
"""

from __future__ import annotations

import difflib
import io
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from reelforge.config import environ_value
from reelforge.errors import AuthRequiredError, InvalidInputError, ProviderCallError
from reelforge.providers.voice.base import VoiceOptions
from reelforge.providers.voice.registry import VoiceProfile
from reelforge.providers.voice.wavio import write_wav
from reelforge.workspace.atomic import write_json_atomic

VOICE_LIST_TTL_S = 24 * 3600.0


class EngineVoice:
    """What every engine's voice object holds: its profile and options; ``id`` is the engine's name."""

    engine: ClassVar[str] = ""
    offline: ClassVar[bool] = False

    def __init__(self, profile: VoiceProfile, *, variation: bool = False,
                 options: VoiceOptions | None = None) -> None:
        self.profile = profile
        self.options = options or VoiceOptions()

    @property
    def id(self) -> str:
        return self.engine


def base_url(engine: str, default: str) -> str:
    """``REELFORGE_<ENGINE>_BASE_URL`` (a proxy, a regional endpoint, a loopback fake) or the vendor's."""
    return (environ_value(f"REELFORGE_{engine.upper()}_BASE_URL") or default).rstrip("/")


def api_key(env: str) -> str | None:
    return environ_value(env)


def require_key(env: str, engine: str) -> str:
    key = environ_value(env)
    if not key:
        raise AuthRequiredError(f"{engine} needs an API key: {env} is not set",
                                hint=f"export {env}=<your key>, or pick a key-free voice (`reelforge voices`)")
    return key


def refused_key(env: str, engine: str, status: int) -> AuthRequiredError:
    return AuthRequiredError(f"{engine} refused the API key in {env} (HTTP {status})",
                             hint=f"check {env} (a current key with text-to-speech access), then run again")


def http_error(engine: str, env: str, status: int, body: str, retry_after: float | None) -> Exception:
    """401/403 -> exit 5 naming the key variable; anything else a ProviderCallError the retry policy reads."""
    if status in (401, 403):
        return refused_key(env, engine, status)
    return ProviderCallError("http", f"{engine} answered HTTP {status}", status=status, raw_body=body,
                             retry_after=retry_after)


def close_matches(name: str, candidates: Sequence[str], n: int = 5) -> list[str]:
    lowered = {c.lower(): c for c in candidates}
    found = difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=0.5)
    return [lowered[f] for f in found]


def unknown_voice(engine: str, voice: str, candidates: Sequence[str]) -> InvalidInputError:
    """Exit 4: the voice does not exist; the message lists the closest names the engine offers."""
    near = close_matches(voice, candidates)
    listed = f"; did you mean {', '.join(near)}?" if near else ""
    return InvalidInputError(f"{engine} has no voice {voice!r}{listed}",
                             hint=f"run `reelforge voices` for {engine}'s voices, then pass --voice {engine}:<voice>")


def decode_audio(data: bytes, out_wav: Path, *, what: str) -> tuple[int, int]:
    """Decode the vendor's audio (mp3, wav, ogg...) with PyAV into a mono 16-bit wav at its own rate.

    Returns (sample rate, samples). A body that is not audio is a ``malformed`` call error."""
    import av

    try:
        with av.open(io.BytesIO(data)) as container:
            stream = container.streams.audio[0]
            rate = int(stream.codec_context.sample_rate or stream.rate or 0)
            resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
            pieces: list[np.ndarray] = []
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    pieces.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                pieces.append(out.to_ndarray().reshape(-1))
    except (av.error.FFmpegError, IndexError, ValueError) as exc:
        raise ProviderCallError("malformed", f"{what} returned audio that could not be decoded ({exc})") from None
    samples = np.concatenate(pieces).astype(np.int16) if pieces else np.zeros(0, dtype=np.int16)
    if not len(samples) or rate <= 0:
        raise ProviderCallError("malformed", f"{what} returned no audio")
    write_wav(out_wav, samples, rate)
    return rate, len(samples)


def cached_list(cache_dir: Path | None, engine: str, fetch: Callable[[], list[dict[str, Any]]],
                *, ttl_s: float = VOICE_LIST_TTL_S) -> list[dict[str, Any]]:
    """A hosted voice list, from ``cache_dir/<engine>.json`` when younger than ``ttl_s``, else fetched (and
    kept). The entries hold only what the vendor lists publicly (names, ids, labels): never the key."""
    path = cache_dir / f"{engine}.json" if cache_dir is not None else None
    if path is not None and path.is_file() and time.time() - path.stat().st_mtime < ttl_s:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, list):
                return data
        except (OSError, json.JSONDecodeError):
            pass
    voices = fetch()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(path, voices)
    return voices
