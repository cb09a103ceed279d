"""`video generate`: brief or script.json -> narration -> timing -> visuals -> captions -> spec -> mp4.

Each stage writes its files into the run dir and one StageRecord into the manifest, which is saved
after every stage, so a failed or interrupted run still says what happened.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from reelforge.config import Settings, caption_platform
from reelforge.errors import InterruptedRunError, ReelforgeError
from reelforge.models.manifest import Manifest
from reelforge.models.script import Script
from reelforge.pipeline import stages
from reelforge.pipeline.cost import CostPlan
from reelforge.pipeline.decisions import (
    Decider,
    DecisionLog,
    FlagDecider,
    cost_checkpoint,
    cost_question,
    mode_checkpoint,
    mode_question,
)
from reelforge.pipeline.demo import DemoRequest, build_polish_spec, capture_visuals, run_demo
from reelforge.pipeline.language import check_voice_speaks, settle_locale
from reelforge.pipeline.music_stage import music_choice
from reelforge.pipeline.overlap import side_by_side
from reelforge.pipeline.pacing import pacing_for
from reelforge.pipeline.progress import Reporter, SilentReporter
from reelforge.pipeline.recorder import RunRecorder, StageOutcome
from reelforge.pipeline.run_record import write_run_record
from reelforge.pipeline.run_setup import make_run_dir, resolve_script, seed_form_warnings
from reelforge.pipeline.signals import interrupts_as_keyboard
from reelforge.pipeline.spec_builder import SpecInputs, build_render_spec
from reelforge.pipeline.stage_caches import RunCaches
from reelforge.pipeline.writers import WritePlan, WriteResult
from reelforge.providers.voice.base import VoiceOptions
from reelforge.workspace.atomic import write_json_atomic
from reelforge.workspace.contain import confine
from reelforge.workspace.diskspace import from_os_error
from reelforge.workspace.paths import Workspace, slugify


@dataclass(frozen=True)
class GenerateRequest:
    brief: str
    settings: Settings
    workspace: Workspace
    script_path: Path | None = None
    allow_external_out: bool = False
    yes: bool = False
    dry_run: bool = False
    brief_in_manifest: bool = True
    media_dir: Path | None = None
    demo: DemoRequest | None = None
    explainer_source: Path | None = None
    # who answers the mode-selection and cost-confirmation checkpoints; None: the flags (--yes)
    decider: Decider | None = None
    # called with the run dir as soon as it exists (an MCP client gets the run id before the run ends)
    on_run_dir: Callable[[Path], None] | None = None
    # False: stop once render-spec.json is written, status still running (a batch engine renders and finishes it)
    render: bool = True
    # `video rerun`: the stage from which cached outputs are not read (voice, visual, captions, render),
    # and the script source whose pacing the first run had (a drafted script follows its speech)
    redo_from: str | None = None
    pacing_source: str | None = None
    rerun_of: str | None = None  # the earlier run's id, kept in fingerprints.json


@dataclass(frozen=True)
class GenerateResult:
    run_dir: Path
    manifest: Manifest
    video: Path | None

    @property
    def manifest_path(self) -> Path:
        return self.run_dir / "manifest.json"


def generate(request: GenerateRequest, reporter: Reporter | None = None) -> GenerateResult:
    """Run the whole pipeline. Raises a ReelforgeError (its exit_code says how it failed)."""
    with confine(request.workspace.root):  # every write of the run is checked inside the workspace
        return _generate(request, reporter)


def _generate(request: GenerateRequest, reporter: Reporter | None) -> GenerateResult:
    report = reporter or SilentReporter()
    settings = request.settings
    script, script_source, plan = resolve_script(request.brief, request.script_path, settings, request.workspace,
                                                 explainer_source=request.explainer_source)
    locale = settle_locale(script, settings, script_source)
    script = locale.script
    if plan is not None:  # an LLM writer writes in the settled locale; its fallback is the settled script
        plan.key_free.script = script
        plan.request = replace(plan.request, locale=script.locale)
    narrated = _is_narrated(script, request.demo)
    # a raw demo's frame is the footage's, known only after the capture: its run id names the mode alone
    run_id, run_dir = make_run_dir(request.workspace, settings, script.mode,
                                   aspect=script.aspect if narrated else None,
                                   allow_external_out=request.allow_external_out)
    brief = request.brief.strip()
    recorder = RunRecorder(
        run_dir, run_id=run_id, mode=script.mode, seed=settings["seed"],
        prompt=brief if (brief and request.brief_in_manifest) else None,
        prompt_sha256=hashlib.sha256(brief.encode()).hexdigest() if brief and not request.brief_in_manifest else None,
    )
    if locale.note:
        recorder.warn(locale.note)
        report.warning(locale.note)
    recorder.save()
    if request.on_run_dir is not None:
        request.on_run_dir(run_dir)
    try:
        with interrupts_as_keyboard():
            if narrated:  # a voice that cannot read the text is refused before any stage runs
                check_voice_speaks(script, settings["voice"], script.locale, VoiceOptions.from_settings(settings))
            video = _run(request, script_source, script, plan, run_dir, recorder, report,
                         locale_origin=locale.origin)
    except KeyboardInterrupt:
        error = InterruptedRunError("interrupted; child processes were stopped", file=str(run_dir))
        error.run_dir = str(run_dir)
        recorder.fail(error)
        raise error from None
    except ReelforgeError as error:
        error.run_dir = str(run_dir)
        recorder.fail(error)
        raise
    except Exception as exc:  # a full disk, or an unexpected bug: still leave a manifest that says so
        error = from_os_error(exc, run_dir) or ReelforgeError(
            f"internal error: {type(exc).__name__}: {exc}",
            hint="this is a bug in reelforge; please report it with manifest.json")
        error.run_dir = str(run_dir)
        recorder.fail(error)
        raise error from exc
    return GenerateResult(run_dir=run_dir, manifest=recorder.manifest, video=video)


def _is_narrated(script: Script, demo: DemoRequest | None) -> bool:
    """A raw demo copies the footage through; every other run speaks its script."""
    return script.mode != "demo" or bool(demo and demo.polish)


def _write_script(request: GenerateRequest, script: Script, plan: WritePlan | None, run_dir: Path,
                  recorder: RunRecorder, decisions: DecisionLog, decider: Decider,
                  ) -> tuple[WriteResult, dict[str, float]]:
    """The key-free script as planned, or the LLM writer's (asked only after its cost passed the guardrail)."""
    if plan is None:
        warnings = seed_form_warnings(request.script_path, request.workspace) if request.script_path else []
        return WriteResult(script=script, provider="script-file", path_taken="real", warnings=warnings), {}
    if plan.llm is None:
        return plan.key_free, {}
    writer_cost = {f"writer:{plan.llm.id}": plan.llm.estimate_usd(plan.request)}
    recorder.manifest.cost = CostPlan(writer_cost).as_cost()
    note = plan.llm.price_note()
    if note:
        recorder.warn(note)
    # the writer's own cost checkpoint, before its call (the media plan adds to it later, cumulatively)
    _cost_checkpoint(CostPlan(writer_cost), request.settings, decisions, decider, recorder)
    return plan.llm.write(plan.request, run_dir), writer_cost


def _run(request: GenerateRequest, script_source: str, script: Script, plan: WritePlan | None, run_dir: Path,
         recorder: RunRecorder, report: Reporter, *, locale_origin: str) -> Path | None:
    settings = request.settings
    seed = settings["seed"]
    decider = request.decider or FlagDecider(yes=request.yes)
    decisions = DecisionLog(run_dir)
    try:
        mode_checkpoint(decisions, mode_question(script, settings), decider)
    finally:
        _link_decisions(decisions, recorder)

    with recorder.stage("script") as out:
        report.stage_started("script")
        written, writer_cost = _write_script(request, script, plan, run_dir, recorder, decisions, decider)
        script = written.script
        script_path = run_dir / "script.json"
        write_json_atomic(script_path, script.to_json_dict())
        recorder.add_asset(script_path)
        for path in written.files:
            recorder.add_asset(path)
        recorder.set_provider("script", written.provider)
        out.append(StageOutcome(provider=written.provider, path_taken=written.path_taken,  # type: ignore[arg-type]
                                params={"scenes": len(script.scenes), "source": script_source,
                                        "locale": script.locale, "localeOrigin": locale_origin, **written.params},
                                warnings=list(written.warnings)))
    for warning in written.warnings:
        report.warning(warning)
    report.stage_finished("script", 0.0, f"{len(script.scenes)} scenes ({written.provider}, {written.path_taken})")

    demo = None
    if script.mode == "demo":
        demo = run_demo(request.demo or DemoRequest(brief=request.brief), script, run_dir, request.workspace,
                        recorder, report, dry_run=request.dry_run)
        if demo.video is not None or not (request.demo and request.demo.polish):
            _cost_checkpoint(CostPlan(), settings, decisions, decider, recorder)
            if request.dry_run:
                recorder.plan_only()
            else:
                recorder.succeed()
            return demo.video

    music_choice(script, settings)  # a bad script.json music value fails before any media is made
    pacing_source = request.pacing_source or script_source
    pacing = pacing_for(pacing_source, breath_sec=settings["breath"], duration_setting=settings["duration"])
    caches = RunCaches.at(request.workspace.internal, warn=lambda w: (recorder.warn(w), report.warning(w)),
                          redo_from=request.redo_from, rerun_of=request.rerun_of)
    stages.check_voice_ready(script, settings, pacing=pacing, caches=caches)  # so does a voice that cannot run
    media_cost = CostPlan.for_settings(settings, scenes=len(script.scenes), dry_run=request.dry_run, script=script)
    cost = CostPlan({**writer_cost, **media_cost.breakdown})  # cumulative: the writer's estimate counts too
    _cost_checkpoint(cost, settings, decisions, decider, recorder)

    def narrate(rec: RunRecorder) -> stages.Narration:
        return stages.run_narration(script, run_dir, settings, rec, report, pacing=pacing,
                                    cache_root=caches.narration_root, caches=caches)

    if demo is not None:  # --polish: every scene shows its stretch of the footage
        narration, visuals = narrate(recorder), capture_visuals(script, demo.capture)
    else:  # narration and visuals need only the script: made side by side
        narration, visuals = side_by_side(recorder, narrate, lambda rec: stages.run_visuals(
            script, run_dir, settings, rec, report, workspace=request.workspace, media_dir=request.media_dir,
            dry_run=request.dry_run, caches=caches))
    captions = stages.run_captions(narration.timing, script, run_dir, settings, recorder, report)
    seconds = max([narration.timing.total_sec, *(seg.end_sec for seg in narration.timing.segments)])
    music = stages.run_music(run_dir, settings, script, recorder, request.workspace, seconds=seconds)

    with recorder.stage("spec") as out:
        spec = build_render_spec(SpecInputs(
            script=script, timing=narration.timing, visuals=visuals, slug=slugify(script.title), seed=seed,
            caption_style=stages._caption_style(script, settings),
            platform=caption_platform(settings, script.aspect),
            captions_file=captions.ass_file, fonts=tuple(captions.fonts), narration=narration.track,
            music=music, music_gain_db=settings["music_gain_db"],
            default_transition=settings["transition"], crf=settings["crf"], preset=settings["preset"],
        ))
        if demo is not None:
            spec = build_polish_spec(spec, demo.capture, demo.zooms)
        spec_path = run_dir / "render-spec.json"
        write_json_atomic(spec_path, spec.to_json_dict())
        recorder.add_asset(spec_path, seed=seed)
        recorder.set_provider("compositor", spec.compositor)  # the one that renders it, also on a dry run
        out.append(StageOutcome(provider="spec-builder", path_taken="real",
                                params={"frames": spec.duration_in_frames, "fps": spec.fps,
                                        "compositor": spec.compositor,
                                        "size": f"{spec.dimensions.width}x{spec.dimensions.height}"}))

    def record() -> None:
        style = stages.caption_style_for(script, settings)
        recorder.add_asset(write_run_record(run_dir, script=script, settings=settings, pacing=pacing,
                                            pacing_source=pacing_source, caption_style=style, caches=caches))
        recorder.save()

    record()
    if request.dry_run:
        recorder.warn("dry run: nothing was rendered; run `reelforge video render <runDir>` to render this spec")
        recorder.plan_only()
        return None
    if not request.render:
        recorder.save()
        return None
    from reelforge.pipeline.render import render_into_run  # the media stack is only needed to render

    video = render_into_run(run_dir, spec, recorder, report, cache=caches.render)
    record()
    from reelforge.pipeline.credentials_stage import run_credentials_stage

    run_credentials_stage(run_dir, settings, request.workspace.internal, recorder, report)
    if settings["check"]:
        from reelforge.pipeline.check_stage import check_platform, run_check_stage

        platform = check_platform(settings["platform"], mode=script.mode,
                                  chosen=settings.origin("platform") != "default")
        run_check_stage(run_dir, platform, recorder, report)
    recorder.succeed()
    return video


def _cost_checkpoint(plan: CostPlan, settings: Settings, decisions: DecisionLog, decider: Decider,
                     recorder: RunRecorder) -> None:
    recorder.manifest.cost = plan.as_cost()
    try:
        cost_checkpoint(decisions, cost_question(plan, settings["max_usd"]), decider)
    finally:
        _link_decisions(decisions, recorder)


def _link_decisions(decisions: DecisionLog, recorder: RunRecorder) -> None:
    if decisions.path.is_file():
        recorder.add_asset(decisions.path)
        recorder.save()
