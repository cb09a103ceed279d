"""The media stages of `video generate`, each: typed inputs -> files in the run dir + one stage record."""

from __future__ import annotations

import time
from pathlib import Path

from reelforge.compose.captions import CaptionLook, CaptionResult, write_captions
from reelforge.config import Settings, caption_platform
from reelforge.errors import NotFoundError
from reelforge.models.common import FRAME_SIZES
from reelforge.models.render_spec import FileRef
from reelforge.models.script import Script
from reelforge.models.timing import Timing
from reelforge.pipeline import narration_cache
from reelforge.pipeline.narration import narrate, voice_ready
from reelforge.pipeline.pacing import Pacing
from reelforge.pipeline.progress import Reporter
from reelforge.pipeline.recorder import RunRecorder, StageOutcome
from reelforge.pipeline.spec_builder import VisualAsset
from reelforge.pipeline.stage_caches import RunCaches
from reelforge.providers.voice.base import VoiceOptions
from reelforge.workspace.atomic import write_json_atomic
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import Workspace, ensure_inside


class Narration:
    """The narration stage's result as the later stages need it."""

    def __init__(self, timing: Timing, track: FileRef | None) -> None:
        self.timing = timing
        self.track = track


def _voice_options(settings: Settings, cache_root: Path | None) -> VoiceOptions:
    return VoiceOptions.from_settings(settings, cache_dir=cache_root.parent / "voices" if cache_root else None)


def _narration_key(script: Script, settings: Settings, pacing: Pacing, options: VoiceOptions,
                   cache_root: Path | None) -> str | None:
    """The whole narration's cache key (None: not cached, e.g. Piper's random prosody)."""
    if cache_root is None or settings["voice_variation"]:
        return None
    return narration_cache.fingerprint(script, voice=settings["voice"], speed=settings["speed"],
                                       locale=script.locale, pacing=pacing, options=options,
                                       stt_model=settings["stt_model"])


def check_voice_ready(script: Script, settings: Settings, *, pacing: Pacing | None = None,
                      caches: RunCaches | None = None) -> None:
    """Raise the narration stage's own error now when its voice cannot run (a hosted engine without its key,
    a missing .onnx): the visuals, perhaps paid ones, are made beside the narration and would be finished
    first. A narration the cache holds whole needs no voice and is not checked."""
    cache_root = caches.narration_root if caches is not None else None
    options = _voice_options(settings, cache_root)
    key = _narration_key(script, settings, pacing or Pacing(), options, cache_root)
    if caches is not None and key and "voice" not in caches.redo and narration_cache.held(caches.narration_root, key):
        return
    voice_ready(script, voice=settings["voice"], locale=script.locale, variation=settings["voice_variation"],
                options=options)


def run_narration(script: Script, run_dir: Path, settings: Settings, recorder: RunRecorder,
                  report: Reporter, *, pacing: Pacing | None = None, cache_root: Path | None = None,
                  caches: RunCaches | None = None) -> Narration:
    """Synthesize and time the narration, or reuse a cached result whose fingerprint matches.

    ``pacing`` decides scene lengths (default: the script's durationSec is a minimum). ``caches``: the run's
    per-scene caches (a scene whose voice fingerprint matches reuses its wav and timing)."""
    pacing = pacing or Pacing()
    report.stage_started("narration")
    started = time.perf_counter()
    variation = settings["voice_variation"]
    options = _voice_options(settings, cache_root)
    stt_model = settings["stt_model"]
    key = _narration_key(script, settings, pacing, options, cache_root)
    redo = caches is not None and "voice" in caches.redo
    cached = narration_cache.load(cache_root, key, run_dir) if cache_root is not None and key and not redo else None
    scene_cache = caches.voice_scenes(script, settings) if caches is not None and cached is None else None
    timing_path = run_dir / "timing.json"
    with recorder.stage("narration") as out:
        if cached is not None:
            timing = cached.timing
            entry = cached.entry
            write_json_atomic(timing_path, timing.to_json_dict())
            files = [rel for rel in entry["files"] if rel != "timing.json"]
        else:
            result = narrate(script, run_dir, voice=settings["voice"], speed=settings["speed"],
                             locale=script.locale, variation=variation, pacing=pacing, options=options,
                             stt_model=Path(stt_model).expanduser() if stt_model else None,
                             scene_cache=scene_cache)
            timing = result.timing
            write_json_atomic(timing_path, timing.to_json_dict())
            params = dict(result.params)
            params["seconds"] = {k: round(v, 3) for k, v in result.seconds.items()}
            entry = {"providers": result.providers, "pathTaken": result.path_taken, "params": params,
                     "warnings": list(result.warnings)}
            files = list(result.files)
            # a voice fallback is not what the fingerprint asked for: the next run tries the engine again
            if cache_root is not None and key and not params.get("voiceFallback"):
                narration_cache.store(cache_root, key, run_dir, files, entry)
        for rel in files:
            recorder.add_asset(run_dir / rel)
        recorder.add_asset(timing_path)
        if variation:
            # Piper's noise makes the wavs differ run to run; the render stays reproducible from the kept wavs.
            recorder.manifest.nondeterministic = True
        providers = entry["providers"]
        recorder.set_provider("voice", providers["voice"])
        recorder.set_provider("timing", providers["timing"])
        reuse = {"reuse": {"hit": [s.id for s in script.scenes], "made": []}} if cached is not None else (
            {"reuse": scene_cache.record.to_json()} if scene_cache is not None else {})
        out.append(StageOutcome(provider=f"{providers['voice']}+{providers['timing']}",
                                path_taken=entry["pathTaken"], params={**entry["params"], **reuse},
                                warnings=list(entry["warnings"]), fingerprint=key, reused=cached is not None))
    track = None
    if timing.audio:
        track = FileRef(src=timing.audio, sha256=sha256_file(run_dir / timing.audio))
    for warning in entry["warnings"]:
        report.warning(warning)
    reused = " (reused: fingerprint matched)" if cached is not None else ""
    detail = f"{providers['voice']} / timing {timing.source}, {timing.total_sec:.1f}s{reused}"
    report.stage_finished("narration", time.perf_counter() - started, detail)
    return Narration(timing, track)


def run_visuals(script: Script, run_dir: Path, settings: Settings, recorder: RunRecorder, report: Reporter, *,
                workspace: Workspace, media_dir: Path | None, dry_run: bool,
                caches: RunCaches | None = None) -> list[VisualAsset]:
    from functools import partial

    from reelforge.pipeline.visual_chain import produce_visuals

    report.stage_started("visuals")
    started = time.perf_counter()
    width, height = FRAME_SIZES[script.aspect]
    seed = settings["seed"]
    mode = settings["visual"]
    with recorder.stage("visuals") as out:
        if media_dir is not None:
            media_dir = ensure_inside(media_dir if media_dir.is_absolute() else workspace.root / media_dir,
                                      workspace.root, what="--media folder", flag="--allow-external-input")
            if not media_dir.is_dir():
                raise NotFoundError(f"--media folder {media_dir} does not exist", hint="pass an existing folder")
        if dry_run and mode == "stock":
            mode = "auto"
            recorder.warn("dry run: Pexels was not called; designed cards stand in for stock")
        # generate: the chain's auto pass (user media, explainer frames, cards) first; cards then become stills
        produce = partial(produce_visuals, script.scenes, run_dir=run_dir, workspace=workspace.root,
                          mode="auto" if mode in ("generate", "aigc") else mode, seed=seed,
                          width=width, height=height, title=script.title, media_dir=media_dir,
                          script_mode=script.mode, platform=caption_platform(settings, script.aspect),
                          caption_style=_caption_style(script, settings))
        scene_cache = caches.visual_scenes() if caches is not None else None
        results = produce() if scene_cache is None else scene_cache.produce(
            script, settings, lambda only: produce(only=only), caption_style=_caption_style(script, settings),
            mode=mode, media_dir=media_dir, run_dir=run_dir)
        assets: list[VisualAsset] = []
        warnings: list[str] = []
        extra: dict[str, object] = {}
        if mode == "generate":
            from reelforge.pipeline.generated_stills import generate_stills, model_setting, plan_images

            stills = generate_stills(script, results, run_dir=run_dir, workspace=workspace, seed=seed,
                                     plan=plan_images(model_setting(settings)),
                                     approved=recorder.manifest.cost.breakdown, dry_run=dry_run)
            results = stills.results
            warnings.extend(stills.warnings)
            if stills.requests_file is not None:
                recorder.add_asset(stills.requests_file)
            extra = {"imageModel": stills.plan.model, "imageEstimateUsd": stills.estimate_usd}
        if mode == "aigc":
            from reelforge.pipeline.aigc_clips import generate_clips, plan_clips

            clips = generate_clips(script, results, run_dir=run_dir, run_id=recorder.manifest.run_id,
                                   workspace=workspace, seed=seed, plan=plan_clips(),
                                   approved=recorder.manifest.cost.breakdown, dry_run=dry_run,
                                   wait_sec=float(settings["timeout"]))
            results = clips.results
            extra = {"videoModel": clips.plan.model, "clipEstimateUsd": clips.estimate_usd, "renderJobs": clips.jobs}
        for result in results:
            recorder.add_asset(run_dir / result.src, seed=seed)
            spec = result.visual_spec(seed)
            assets.append(VisualAsset(scene_id=result.scene_id, src=result.src, sha256=result.sha256,
                                      type=result.type, provider=result.provider, ken_burns=spec.ken_burns))
            warnings.extend(w for w in result.warnings if w not in warnings)
        providers = list(dict.fromkeys(r.provider for r in results))
        recorder.set_provider("visual", providers)
        path_taken = "fallback" if any(r.path_taken == "fallback" for r in results) else "real"
        params = {"visual": settings["visual"], "size": f"{width}x{height}", **extra,
                  "perScene": [r.to_json() for r in results],
                  **({"reuse": scene_cache.record.to_json()} if scene_cache is not None else {})}
        out.append(StageOutcome(provider="+".join(providers), path_taken=path_taken,  # type: ignore[arg-type]
                                params=params, warnings=warnings))
    for warning in warnings:
        report.warning(warning)
    report.stage_finished("visuals", time.perf_counter() - started, ", ".join(providers))
    return assets


def _caption_style(script: Script, settings: Settings) -> str:
    if script.mode == "explainer" and settings.origin("captions") == "default":
        return "lower-third"  # word-by-word captions mid-frame would cover the slide's own text
    return str(settings["captions"])


def caption_style_for(script: Script, settings: Settings) -> str:
    """The caption preset a run of ``script`` uses (what the captions stage and its fingerprint see)."""
    return _caption_style(script, settings)


def caption_look(settings: Settings) -> CaptionLook:
    """The [captions] settings (reelforge.toml, REELFORGE_CAPTION_*) as the caption writer's look."""
    return CaptionLook(size=settings["caption_size"], outline=settings["caption_outline"],
                       color=settings["caption_color"], highlight=settings["caption_highlight"],
                       outline_color=settings["caption_outline_color"], position=settings["caption_position"])


def run_captions(timing: Timing, script: Script, run_dir: Path, settings: Settings,
                 recorder: RunRecorder, report: Reporter) -> CaptionResult:
    report.stage_started("captions")
    started = time.perf_counter()
    width, height = FRAME_SIZES[script.aspect]
    font = settings["caption_font"]
    font_path = Path(font) if font else None
    if font_path is not None and not font_path.is_file():
        raise NotFoundError(f"--caption-font {font_path} does not exist", hint="pass a .ttf/.otf/.ttc file")
    with recorder.stage("captions") as out:
        style = _caption_style(script, settings)
        result = write_captions(timing, run_dir, style=style, platform=caption_platform(settings, script.aspect),
                                width=width, height=height, locale=script.locale, font_path=font_path,
                                look=caption_look(settings))
        for ref in result.files:
            recorder.add_asset(run_dir / ref.src)
        recorder.set_provider("caption", "libass" if result.ass else "none")
        out.append(StageOutcome(provider="libass" if result.ass else "none", path_taken="real",
                                params=result.params, warnings=list(result.warnings)))
    for warning in result.warnings:
        report.warning(warning)
    report.stage_finished("captions", time.perf_counter() - started, result.style)
    return result


def run_music(run_dir: Path, settings: Settings, script: Script, recorder: RunRecorder,
              workspace: Workspace, *, seconds: float) -> FileRef | None:
    """The music bed: a synthesized mood, the user's file, or None (see pipeline/music_stage.py)."""
    from reelforge.pipeline.music_stage import run_music as music

    return music(run_dir, settings, script, recorder, workspace, seconds=seconds)
