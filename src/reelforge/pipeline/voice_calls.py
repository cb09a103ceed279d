"""Hosted voice calls under the job kernel's retry policy, and the key-free fallback when they fail.

A hosted engine makes one call per scene; 429/5xx/connect failures are retried here with backoff and
Retry-After (jobs/retry.py), never a call that may have been sent and then broke (it could be charged twice).
When the engine still fails, the narration falls back to the key-free voice only if that voice speaks the
locale: a Korean script is never read by the English voice; the run stops instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from reelforge.errors import AuthRequiredError, NotFoundError, ProviderCallError, ProviderError
from reelforge.jobs.retry import Gates, RetryPolicy, call_with_retries
from reelforge.models.script import Script
from reelforge.pipeline.language import check_voice_speaks
from reelforge.providers.voice.base import VoiceOptions
from reelforge.providers.voice.registry import DEFAULT_VOICE, VoiceProfile

T = TypeVar("T")
_GATES = Gates()


def hosted_call(engine: str, options: VoiceOptions, call: Callable[[], T], warnings: list[str], what: str) -> T:
    policy = RetryPolicy(attempts=max(1, options.retry_attempts), base_s=options.retry_base_s,
                         cap_s=options.retry_cap_s)

    def note(exc: ProviderCallError, delay: float) -> None:
        warnings.append(f"{what}: {exc.message}; retried after {delay:.1f}s")

    return call_with_retries(call, gate=_GATES.get(engine), policy=policy, idempotent=False,
                             on_retry=note)


def fallback_profile(error: ProviderError, profile: VoiceProfile, script: Script, locale: str) -> VoiceProfile:
    """The key-free voice to use after ``profile``'s hosted engine failed with ``error``; re-raises ``error``
    when there is none for the locale, or when the user must fix something first (a missing or refused key)."""
    if profile.offline or isinstance(error, AuthRequiredError):
        raise error
    try:
        fallback = check_voice_speaks(script, DEFAULT_VOICE, locale)
    except NotFoundError:
        error.hint = (f"{error.hint or ''} No key-free voice speaks {locale}, so reelforge stopped rather than "
                      "read it in another language's voice.").strip()
        raise error from None
    if fallback is None:
        raise error
    return fallback
