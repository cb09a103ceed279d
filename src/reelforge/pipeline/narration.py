"""Narration stage: one wav per scene, word timing, the timeline that follows the speech, one mixed track.

Each scene's audible speech (first to last sample above -40 dBFS) is measured; how long the scene lasts is
the pacing's call (reelforge.pipeline.pacing: speech plus a breath for drafted scripts, durationSec as a
minimum for authored ones), rounded up to whole frames, so speech is never cut and the render's frame count is
exact. The whole-timeline track ``audio/narration.wav`` is 48 kHz stereo 16-bit (what the render uses), each
scene's speech placed at scene start + lead-in, silence elsewhere.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from reelforge.errors import InvalidInputError, ProviderError, ProviderUnavailableError
from reelforge.models import SCHEMA_VERSION, Script, Segment, StageRecord, Timing, Word
from reelforge.models.common import PathTaken
from reelforge.models.script import Scene
from reelforge.models.timing import TimingSource
from reelforge.pipeline.language import check_voice_speaks, foreign_letters_warning
from reelforge.pipeline.pacing import SPEECH_PAD_SEC, Pacing
from reelforge.pipeline.voice_calls import fallback_profile, hosted_call
from reelforge.providers import registry
from reelforge.providers.timing import estimate, stt, tts_native
from reelforge.providers.timing.words import WordSpan, finalize, script_words
from reelforge.providers.voice.base import PhonemizingVoice, Synthesis, VoiceOptions, VoiceProvider
from reelforge.providers.voice.piper import MAX_SPEED, MIN_SPEED
from reelforge.providers.voice.registry import VoiceProfile, primary_language
from reelforge.providers.voice.wavio import read_wav, resample_mono_to_stereo, speech_bounds, write_wav

MIX_RATE = 48000
TRACK = "audio/narration.wav"
_RANK: dict[TimingSource, int] = {"tts-native": 0, "stt": 1, "estimated": 2}
_TIMING_PROVIDER: dict[TimingSource, str] = {"tts-native": tts_native.PROVIDER_ID, "stt": stt.PROVIDER_ID,
                                             "estimated": estimate.PROVIDER_ID}


@dataclass
class NarrationResult:
    """Timing for timing.json plus what the manifest records about how it was made."""

    timing: Timing
    providers: dict[str, str]
    path_taken: PathTaken
    params: dict[str, Any]
    seconds: dict[str, float]
    files: list[str]
    warnings: list[str] = field(default_factory=list)

    def stage_record(self) -> StageRecord:
        return StageRecord(stage="narration", provider=f"{self.providers['voice']}+{self.providers['timing']}",
                           path_taken=self.path_taken, params=self.params,
                           seconds=round(sum(self.seconds.values()), 3), warnings=self.warnings)


@dataclass
class _Spoken:
    synthesis: Synthesis
    source: TimingSource
    spans: list[tuple[float, float] | None]
    window: tuple[float, float]
    """The audible speech, in seconds of the scene wav."""
    timing_provider: str = ""

    @property
    def speech_sec(self) -> float:
        return self.window[1] - self.window[0]


class SceneVoiceCache(Protocol):
    """Where narrate() finds a scene it synthesized and timed before (pipeline/stage_caches.py)."""

    def load(self, scene: Scene, wav: Path) -> dict[str, Any] | None: ...

    def keep(self, scene: Scene, wav: Path, meta: dict[str, Any]) -> None: ...


def _spoken_meta(said: _Spoken, warnings: list[str]) -> dict[str, Any]:
    syn = said.synthesis
    return {"source": said.source, "spans": [list(sp) if sp else None for sp in said.spans],
            "window": list(said.window), "sampleRate": syn.sample_rate, "durationSec": syn.duration_sec,
            "params": syn.params, "warnings": warnings}


def _spoken_from(meta: dict[str, Any], wav: Path) -> _Spoken:
    syn = Synthesis(wav_path=wav, sample_rate=meta["sampleRate"], duration_sec=meta["durationSec"],
                    params=dict(meta["params"]))
    spans = [None if sp is None else (float(sp[0]), float(sp[1])) for sp in meta["spans"]]
    return _Spoken(syn, meta["source"], spans, (float(meta["window"][0]), float(meta["window"][1])))


def frames_for(seconds: float, fps: int) -> int:
    """Whole frames that hold ``seconds``, rounding up (a float hair above a frame boundary does not count)."""
    return max(1, math.ceil(seconds * fps - 1e-6))


def _time_scene(provider: VoiceProvider, words: list[str], synthesis: Synthesis, language: str,
                warnings: list[str], scene_id: str, stt_model: Path | None = None) -> _Spoken:
    """tts-native from the engine's own alignments, else the STT chain (English, or any language with a
    user-supplied multilingual model), else an estimate."""
    samples, rate = read_wav(synthesis.wav_path)
    window = speech_bounds(samples, rate)
    if synthesis.text_spans:
        spans = tts_native.word_times_from_text(words, synthesis.text_spans)
        if spans is not None:
            return _Spoken(synthesis, "tts-native", spans, window, synthesis.timing_provider)
        reason = f"{provider.id}'s character alignments did not match the script's words"
    elif synthesis.alignments and isinstance(provider, PhonemizingVoice):
        spans = tts_native.word_times(words, synthesis.alignments, provider.phonemize_word)
        if spans is not None:
            return _Spoken(synthesis, "tts-native", spans, window, synthesis.timing_provider)
        reason = "Piper's phonemes did not match the script's words"
    else:
        reason = f"the voice ({provider.id}) gave no alignments"
    check = stt.available(language, stt_model)
    if check.ok:
        spans = stt.word_times(words, synthesis.wav_path, language=language, model=stt_model)
        if spans is not None:
            warnings.append(f"scene {scene_id}: tts-native timing failed ({reason}); used stt")
            return _Spoken(synthesis, "stt", spans, window, stt.provider_id(stt_model))
        reason += "; whisper recognised too little of the script"
    else:
        reason += f"; {check.reason}" + (f" ({check.remediation})" if "stt_model" in check.remediation else "")
    warnings.append(f"scene {scene_id}: word timing estimated ({reason})")
    return _Spoken(synthesis, "estimated", estimate.word_times(words, *window), window)


def voice_ready(script: Script, *, voice: str, locale: str, variation: bool = False,
                options: VoiceOptions | None = None) -> None:
    """Raise what narrate() would raise before its first word when ``voice`` cannot read ``script``
    (the voice does not speak the locale, its engine has no key, its model is missing)."""
    _resolve_provider(script, voice, locale, variation, None, options or VoiceOptions())


def _resolve_provider(script: Script, voice: str, locale: str, variation: bool, override: VoiceProvider | None,
                      options: VoiceOptions) -> tuple[VoiceProfile | None, VoiceProvider | None]:
    profile = check_voice_speaks(script, voice, locale, options)
    if profile is None:
        return None, None
    return profile, _provider_for(profile, variation, override, options)


def _provider_for(profile: VoiceProfile, variation: bool, override: VoiceProvider | None,
                  options: VoiceOptions) -> VoiceProvider:
    # The profile names its engine; the provider registry builds it (one row per voice engine).
    provider: VoiceProvider = override or registry.create("voice", profile.engine, profile=profile,
                                                          variation=variation, options=options)
    check = provider.available()
    if not check.ok:
        raise ProviderUnavailableError(f"voice {profile.id!r} cannot run: {check.reason}",
                                       hint=check.remediation or "run `reelforge video doctor`")
    return provider


def _speak(provider: VoiceProvider, profile: VoiceProfile, script: Script, words_by_scene: list[list[str]],
           audio_dir: Path, speed: float, options: VoiceOptions, stt_model: Path | None, warnings: list[str],
           seconds: dict[str, float], scene_cache: SceneVoiceCache | None = None) -> list[_Spoken | None]:
    """Synthesize and time every scene with one voice (hosted calls under the retry policy)."""
    spoken: list[_Spoken | None] = []
    for index, (scene, words) in enumerate(zip(script.scenes, words_by_scene, strict=True), start=1):
        if not words:
            spoken.append(None)
            continue
        out_wav = audio_dir / f"narration-{index:02d}.wav"
        meta = scene_cache.load(scene, out_wav) if scene_cache is not None else None
        if meta is not None:
            spoken.append(_spoken_from(meta, out_wav))
            warnings.extend(w for w in meta["warnings"] if w not in warnings)
            continue
        started = time.perf_counter()
        before = len(warnings)

        def call(text: str = scene.narration, out: Path = out_wav) -> Synthesis:
            return provider.synthesize(text, out, speed=speed)

        synthesis = call() if profile.offline else hosted_call(profile.engine, options, call, warnings,
                                                               f"scene {scene.id}: {profile.engine}")
        seconds["synthesis"] += time.perf_counter() - started
        started = time.perf_counter()
        spoken.append(_time_scene(provider, words, synthesis, primary_language(profile.reading_language(
            script.locale)), warnings, scene.id, stt_model))
        seconds["timing"] += time.perf_counter() - started
        said = spoken[-1]
        if scene_cache is not None and said is not None:
            scene_cache.keep(scene, out_wav, _spoken_meta(said, warnings[before:]))
    return spoken


def narrate(script: Script, run_dir: Path, *, voice: str = "joe", speed: float = 1.0, locale: str | None = None,
            variation: bool = False, fps: int = 30, provider: VoiceProvider | None = None,
            pacing: Pacing | None = None, options: VoiceOptions | None = None,
            stt_model: Path | None = None, scene_cache: SceneVoiceCache | None = None) -> NarrationResult:
    """Synthesize every scene's narration into ``run_dir/audio`` and time its words on the video timeline.

    ``provider`` replaces the engine of the resolved voice profile (the profile still decides the language);
    the default is the provider registry's row for the profile's engine (Piper for .onnx voices,
    ``ENGINE:VOICE`` for the others, built with ``options``). ``pacing`` decides scene lengths (default:
    durationSec is a minimum). ``stt_model`` is a multilingual faster-whisper folder for non-English timing.
    When a hosted engine fails for good, the key-free voice reads instead if it speaks the locale
    (``pathTaken: fallback`` and a warning); otherwise the error stands. ``scene_cache`` hands back a scene's
    wav and word timing made before with the same fingerprint, and keeps the new ones (primary voice only).
    """
    if fps <= 0:
        raise InvalidInputError(f"fps must be positive, got {fps}", hint="pass --fps 30")
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise InvalidInputError(f"speed {speed} is outside {MIN_SPEED}..{MAX_SPEED}",
                                hint=f"pass --speed between {MIN_SPEED} and {MAX_SPEED}")
    pacing = pacing or Pacing()
    locale = locale or script.locale
    options = options or VoiceOptions()
    script = script if script.locale == locale else script.model_copy(update={"locale": locale})
    profile, provider = _resolve_provider(script, voice, locale, variation, provider, options)
    audio_dir = run_dir / "audio"
    warnings: list[str] = []
    odd_letters = foreign_letters_warning(script, profile, locale)
    if odd_letters:
        warnings.append(odd_letters)
    seconds = {"synthesis": 0.0, "timing": 0.0, "mix": 0.0}
    words_by_scene = [script_words(scene.narration) for scene in script.scenes]
    spoken: list[_Spoken | None] = [None] * len(script.scenes)
    voice_fallback = False
    if provider is not None and profile is not None:
        try:
            spoken = _speak(provider, profile, script, words_by_scene, audio_dir, speed, options, stt_model,
                            warnings, seconds, scene_cache)
        except ProviderError as exc:
            failed = profile
            profile = fallback_profile(exc, profile, script, locale)
            provider = _provider_for(profile, variation, None, options)
            warnings.append(f"voice {failed.id} failed ({exc.message}); the key-free voice {profile.id} read the "
                            f"narration instead")
            voice_fallback = True
            spoken = _speak(provider, profile, script, words_by_scene, audio_dir, speed, options, stt_model,
                            warnings, seconds)

    started = time.perf_counter()
    segments: list[Segment] = []
    frame = 0
    sources: dict[str, TimingSource] = {}
    for index, (scene, words, said) in enumerate(zip(script.scenes, words_by_scene, spoken, strict=True), 1):
        start = frame / fps
        speech_start = start + pacing.lead_in(index)
        spans: list[WordSpan] = []
        speech_sec: float | None = None
        if said is not None:
            speech_sec = said.speech_sec
            # the wav is placed so its first audible sample lands on speech_start
            offset = speech_start - said.window[0]
            shifted = [None if sp is None else (offset + sp[0], offset + sp[1]) for sp in said.spans]
            spans = finalize(words, shifted, speech_start, speech_start + speech_sec)
            sources[scene.id] = said.source
        elif words:  # silent voice: estimate how long the words would take to read
            speech_sec = estimate.speech_seconds(words, speed=speed)
            guess = estimate.word_times(words, speech_start, speech_start + speech_sec)
            spans = finalize(words, guess, speech_start, speech_start + speech_sec)
            sources[scene.id] = "estimated"
        frames = frames_for(pacing.scene_seconds(index, speech_sec, scene.duration_sec), fps)
        end = (frame + frames) / fps
        segments.append(Segment(
            scene_id=scene.id, start_sec=round(start, 6), end_sec=round(end, 6),
            audio=f"audio/narration-{index:02d}.wav" if said is not None else None,
            speech_start_sec=round(speech_start, 6) if said is not None else None,
            speech_end_sec=round(speech_start + said.speech_sec, 6) if said is not None else None,
            words=[Word(t=s.t, start_sec=s.start_sec, end_sec=s.end_sec) for s in spans]))
        frame += frames
    total = frame / fps

    voiced = [s for s in spoken if s is not None]
    files = [f"audio/narration-{i:02d}.wav" for i, s in enumerate(spoken, 1) if s is not None]
    _remove_stale(audio_dir, keep={run_dir / f for f in files})
    if voiced:
        _mix(run_dir / TRACK, segments, spoken, frame, fps)
        files.append(TRACK)
    else:
        (run_dir / TRACK).unlink(missing_ok=True)
    seconds["mix"] = time.perf_counter() - started

    source: TimingSource = max(sources.values(), key=lambda s: _RANK[s]) if sources else "estimated"
    if provider is None:
        warnings.insert(0, "voice none: silent video")
    elif not voiced:
        warnings.insert(0, "no scene has narration text: silent video")
    timing = Timing(schema_version=SCHEMA_VERSION, source=source, audio=TRACK if voiced else "",
                    total_sec=round(total, 6), segments=segments, voice=profile.id if profile and voiced else None)
    params: dict[str, Any] = {"voice": profile.id if profile else "none", "speed": speed}
    if voiced:
        params.update(voiced[0].synthesis.params)
    if profile is not None and not profile.offline:
        params["usd"] = round(sum(s.synthesis.usd for s in voiced), 6)
    if voice_fallback:
        params["voiceFallback"] = True
    params.update({"locale": locale, "fps": fps, **pacing.params(), "mixRate": MIX_RATE, "mixChannels": 2,
                   "timingSources": sources})
    real = provider is not None and bool(voiced) and source == "tts-native" and not voice_fallback
    worst = [s.timing_provider for s in voiced if s.source == source and s.timing_provider]
    return NarrationResult(
        timing=timing,
        providers={"voice": provider.id if provider else "none",
                   "timing": worst[0] if worst else _TIMING_PROVIDER[source]},
        path_taken="real" if real else "fallback", params=params,
        seconds={k: round(v, 3) for k, v in seconds.items()}, files=files, warnings=warnings)


def _remove_stale(audio_dir: Path, keep: set[Path]) -> None:
    """A re-run with fewer spoken scenes must not leave an old scene wav behind."""
    if audio_dir.is_dir():
        for old in audio_dir.glob("narration-[0-9]*.wav"):  # scene 100 and on have three digits
            if old.stem.removeprefix("narration-").isdigit() and old not in keep:
                old.unlink()


def _mix(path: Path, segments: list[Segment], spoken: list[_Spoken | None], frames: int, fps: int) -> None:
    """Each scene's audible speech, plus a few ms either side (the onset and decay under -40 dBFS), at its
    speechStartSec; a scene's audio never leaves its scene."""
    length = round(frames * MIX_RATE / fps)
    track = np.zeros((length, 2), dtype=np.int16)
    for seg, said in zip(segments, spoken, strict=True):
        if said is None or seg.speech_start_sec is None:
            continue
        samples, rate = read_wav(said.synthesis.wav_path)
        stereo = resample_mono_to_stereo(samples, rate, MIX_RATE)
        lo, hi = said.window
        first = max(0, round((lo - SPEECH_PAD_SEC) * MIX_RATE))
        last = min(len(stereo), round((hi + SPEECH_PAD_SEC) * MIX_RATE))
        at = round(seg.speech_start_sec * MIX_RATE) - (round(lo * MIX_RATE) - first)
        begin = round(seg.start_sec * MIX_RATE)
        if at < begin:
            first, at = first + begin - at, begin
        stop = min(at + (last - first), round(seg.end_sec * MIX_RATE), length)
        track[at:stop] = stereo[first: first + stop - at]
    write_wav(path, track, MIX_RATE)
