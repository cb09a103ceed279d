"""The right voice or none: the narration's writing system must be one the voice's language is written in.

One check for every way a script arrives (brief, --script, explainer draft, demo narration): a Korean
narration is never read by the English voice, an Arabic one not even with ``--locale en-US``. When the
user gave no locale and a drafted script is clearly in another script, the locale is inferred from the
text, so captions (and a ``--voice none`` video) follow the text's language.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from reelforge.config import Settings
from reelforge.errors import NotFoundError
from reelforge.models.script import Script
from reelforge.providers.voice.base import VoiceOptions
from reelforge.providers.voice.registry import VoiceProfile, resolve_profile, voice_for
from reelforge.text.scripts import language_of_locale, locale_scripts, script_counts

# The locale inferred for a text written mostly in one of these scripts.
SCRIPT_LOCALES = {"hangul": "ko", "kana": "ja", "han": "zh", "arabic": "ar", "cyrillic": "ru",
                  "hebrew": "he", "greek": "el", "devanagari": "hi", "thai": "th", "latin": "en"}
SCRIPT_NAMES = {"hangul": "Hangul (Korean)", "kana": "Japanese kana", "han": "Han (Chinese characters)",
                "arabic": "Arabic", "cyrillic": "Cyrillic", "hebrew": "Hebrew", "greek": "Greek",
                "devanagari": "Devanagari", "thai": "Thai", "latin": "Latin"}
# A text is "clearly" in a script when at least this share of its letters are; below it a few foreign
# letters (a name, a quoted word) only give a warning.
CLEAR_SHARE = 0.5
REFUSE_SHARE = 0.25


def _merged_counts(text: str) -> Counter[str]:
    """Letters per script, with Han counted as kana when the text has kana (it is Japanese)."""
    counts = script_counts(text)
    if counts.get("kana") and counts.get("han"):
        counts["kana"] += counts.pop("han")
    return counts


def infer_locale(text: str) -> tuple[str, str] | None:
    """(locale, script) when most of ``text``'s letters are in one script; None when it is unclear."""
    counts = _merged_counts(text)
    letters = sum(counts.values())
    if not letters:
        return None
    script, count = counts.most_common(1)[0]
    if count / letters < CLEAR_SHARE or script not in SCRIPT_LOCALES:
        return None
    return SCRIPT_LOCALES[script], script


@dataclass(frozen=True)
class LocaleChoice:
    script: Script
    origin: str
    """Where the locale came from: script.json, a setting's origin, or the text."""
    note: str | None = None
    """Set when the locale was inferred from the text (said in the manifest's warnings)."""


def settle_locale(script: Script, settings: Settings, script_source: str) -> LocaleChoice:
    """A drafted script with no locale given takes the locale of the script its narration is clearly in."""
    if script_source == "script-file":
        return LocaleChoice(script, "script.json")
    given = LocaleChoice(script, settings.origin("locale"))
    if settings.origin("locale") != "default":
        return given
    found = infer_locale(" ".join(s.narration for s in script.scenes) or script.title)
    if found is None:
        return given
    locale, name = found
    if language_of_locale(locale) == language_of_locale(script.locale):
        return given
    note = (f"locale {locale} inferred from the text (written in {SCRIPT_NAMES[name]}); "
            f"captions follow it; pass --locale to choose another")
    return LocaleChoice(script.model_copy(update={"locale": locale}), "text", note)


def _unspeakable(script: Script, profile: VoiceProfile, locale: str) -> NotFoundError | None:
    """The error for the first scene whose narration is mostly in a script the voice's language (for a
    multilingual voice: the locale's, which it speaks) is not written in; None when the voice can read every
    scene (or its language is unknown)."""
    language = profile.reading_language(locale)
    if not language:
        return None
    known = locale_scripts(language)
    for scene in script.scenes:
        counts = _merged_counts(scene.narration)
        letters = sum(counts.values())
        foreign = Counter({k: v for k, v in counts.items() if k not in known})
        if not letters or not foreign or sum(foreign.values()) / letters < REFUSE_SHARE:
            continue
        name, count = foreign.most_common(1)[0]
        wanted = SCRIPT_LOCALES.get(name, "that language")
        return NotFoundError(
            f"scene {scene.id}'s narration is written in {SCRIPT_NAMES.get(name, name)} "
            f"({count / letters:.0%} of its letters), which voice {profile.id!r} ({language}) cannot speak; "
            "reelforge never reads text in another language's voice",
            hint=f"run `reelforge voices --locale {wanted}` and pass one with --voice ENGINE:VOICE, pass "
                 f"--voice PATH.onnx (a Piper voice for {wanted}, its .onnx.json beside it), or --voice none for a "
                 "silent video with captions")
    return None


def foreign_letters_warning(script: Script, profile: VoiceProfile | None, locale: str | None = None) -> str | None:
    """A warning when a few letters (under REFUSE_SHARE of a scene) are in a script the voice cannot read."""
    language = profile.reading_language(locale or script.locale) if profile is not None else ""
    if profile is None or not language:
        return None
    known = locale_scripts(language)
    odd = sorted({k for s in script.scenes for k in _merged_counts(s.narration) if k not in known})
    if not odd:
        return None
    names = ", ".join(SCRIPT_NAMES.get(k, k) for k in odd)
    return f"voice {profile.id!r} cannot pronounce the {names} letters in the narration; they may be skipped"


def check_voice_speaks(script: Script, voice: str, locale: str,
                       options: VoiceOptions | None = None) -> VoiceProfile | None:
    """The voice profile that will read ``script`` in ``locale``, or None for ``--voice none``.

    Exit 3 (NotFoundError) when no voice speaks the locale or the narration is written in a script the
    voice's language does not use, whatever the engine (Piper, ElevenLabs, OpenAI, ...); the hint names
    ``reelforge voices``, ``--voice PATH.onnx`` and ``--voice none``.
    """
    try:
        profile = voice_for(voice, locale, options)
    except NotFoundError:
        named = resolve_profile(voice, options)  # raises the same way when the voice itself is missing
        problem = _unspeakable(script, named, locale) if named is not None else None
        if problem is not None:
            raise problem from None
        raise
    if profile is None:
        return None
    problem = _unspeakable(script, profile, locale)
    if problem is not None:
        raise problem
    return profile
