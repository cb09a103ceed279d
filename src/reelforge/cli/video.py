"""`reelforge video generate|rerun|status|render|doctor|list-providers`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from reelforge.cli.batch_cmd import batch_command
from reelforge.cli.common import format_option, workspace_from
from reelforge.cli.decisions_cmd import decider_for, decisions_command
from reelforge.cli.output import Output
from reelforge.config import CAPTION_PRESETS, resolve_settings
from reelforge.errors import InvalidInputError
from reelforge.pipeline.progress import Reporter, SilentReporter, StderrReporter

_DEMO_FLAGS = ("source", "capture", "url", "polish", "capture_stop", "device", "ready_selector", "zoom",
               "allow_external_input", "show_cursor", "capture_timeout")


def _reporter(output: Output) -> Reporter:
    return SilentReporter() if output.json else StderrReporter()


@click.group("video")
def video_group() -> None:
    """Make videos: generate from a brief or script.json, re-render a run, check the machine."""


video_group.add_command(decisions_command)
video_group.add_command(batch_command)


@video_group.command("generate")
@click.argument("brief", nargs=-1)
@click.option("--script", "script_path", type=click.Path(dir_okay=False),
              help="An authored script.json (wins over the brief).")
@click.option("--mode", type=click.Choice(["shorts", "explainer", "demo"]))
@click.option("--aspect", type=click.Choice(["9:16", "16:9", "1:1", "auto"]))
@click.option("--locale", help="Voice and caption language, e.g. en-US.")
@click.option("--captions", type=click.Choice(CAPTION_PRESETS),
              help="Caption preset (docs/captions.md); tiktok is word-highlight. Look: [captions] in reelforge.toml.")
@click.option("--platform", type=click.Choice(["tiktok", "reels", "shorts", "generic"]),
              help="Caption safe-area preset (a 16:9 or 1:1 video left on the default uses generic).")
@click.option("--visual", type=click.Choice(["auto", "card", "stock", "generate", "slide", "aigc"]),
              help="auto, card, stock (Pexels), generate (hosted stills), slide (typeset frames), aigc (hosted "
                   "generated clips).")
@click.option("--media", "media_dir", type=click.Path(file_okay=False),
              help="A folder of your images/clips, used in scene order.")
@click.option("--voice", help="joe (default), a [voices.NAME] profile from reelforge.toml, a Piper voice .onnx path, "
                              "ENGINE:VOICE (elevenlabs:Rachel, openai:alloy, piper:joe; `reelforge voices` lists "
                              "them), or none.")
@click.option("--voice-model", help="The voice engine's model (eleven_multilingual_v2, tts-1, gpt-4o-mini-tts, ...).")
@click.option("--stt-model", type=click.Path(file_okay=False),
              help="A multilingual faster-whisper model folder, for timing non-English speech by STT.")
@click.option("--speed", type=float, help="Speech speed, 0.5..2.0.")
@click.option("--breath", type=float, help="Seconds of silence after each scene's speech (drafted scripts).")
@click.option("--music", help="calm, upbeat, cinematic, lofi or piano (a bed synthesized from --seed), none, or a "
                              "path to an audio file; ducked under speech.")
@click.option("--caption-font", help="A .ttf/.otf for captions (e.g. a CJK font).")
@click.option("--transition", type=click.Choice(["cut", "fade", "slide", "wipe"]),
              help="Default transition between scenes.")
@click.option("--duration", help="Target seconds of a drafted script, or auto (shorts <= 180, else <= 1800).")
@click.option("--timeout", type=int, help="Seconds to wait for a hosted job (an aigc clip) before it falls back.")
@click.option("--compositor", help="ffmpeg (the only one reelforge has; remotion/mpt are refused, never swapped).")
@click.option("--writer", "script_writer", type=click.Choice(["skeleton", "openai", "gemini", "local"]),
              help="Who drafts the script: skeleton (key-free), openai, gemini, local (OpenAI-compatible server).")
@click.option("--seed", type=int, help="Seed for palettes, layouts and motion.")
@click.option("--out", help="Directory for run folders (inside the workspace).")
@click.option("--allow-external-out", is_flag=True, help="Allow --out outside the workspace.")
@click.option("--max-usd", type=float, help="Cost guardrail in USD.")
@click.option("--yes", "-y", is_flag=True, help="Confirm paid providers at or above the guardrail.")
@click.option("--check/--no-check", default=None, help="Run the pre-publish check at the end (default: on).")
@click.option("--dry-run", is_flag=True, help="Write script, timing, captions, spec and manifest; no render.")
@click.option("--no-brief-in-manifest", is_flag=True, help="Store the brief's sha256 instead of its text.")
@click.option("--source", help="Demo: file or web. Explainer: a README, source folder or CSV.")
@click.option("--capture", help="Demo: a screen recording inside the workspace.")
@click.option("--url", help="Demo: a web page to capture (masked everywhere it is recorded).")
@click.option("--capture-stop", help="Demo web: duration:<sec> or selector:<css> (runs headless).")
@click.option("--device", type=click.Choice(["desktop", "laptop", "tablet", "mobile"], case_sensitive=False),
              help="Demo web: viewport preset.")
@click.option("--ready-selector", help="Demo web: wait for this CSS selector before recording.")
@click.option("--show-cursor", is_flag=True, help="Demo web: draw a red dot that follows the mouse.")
@click.option("--capture-timeout", type=float, help="Demo web: hard ceiling of the recording, seconds (<= 180).")
@click.option("--zoom", multiple=True, help="Demo --polish: zoom at SECONDS:X,Y (X, Y as 0..1 fractions).")
@click.option("--polish", is_flag=True, help="Demo: render intro, narration and captions over the footage.")
@click.option("--allow-external-input", is_flag=True, help="Allow --capture/--media/--music outside the workspace.")
@format_option
@click.pass_context
def generate_command(ctx: click.Context, brief: tuple[str, ...], script_path: str | None, media_dir: str | None,
                     allow_external_out: bool, yes: bool, dry_run: bool, no_brief_in_manifest: bool,
                     fmt: str, **flags: Any) -> None:
    """Make a narrated, captioned video from BRIEF (or from --script)."""
    from reelforge.pipeline.generate import GenerateRequest, generate

    output = Output(fmt)
    demo_flags = {key: flags.pop(key) for key in _DEMO_FLAGS}
    text = " ".join(brief).strip()
    if not text and not script_path and not demo_flags["source"]:
        raise InvalidInputError("no brief and no --script given",
                                hint='pass a brief: reelforge video generate "three tips for better sleep"')
    workspace = workspace_from(ctx)
    settings = resolve_settings(workspace_root=workspace.root, flags=flags)
    demo = _demo_request(settings["mode"], demo_flags, text)
    request = GenerateRequest(
        brief=text, settings=settings, workspace=workspace,
        script_path=Path(script_path) if script_path else None, allow_external_out=allow_external_out,
        yes=yes, decider=decider_for(yes), dry_run=dry_run, brief_in_manifest=not no_brief_in_manifest,
        media_dir=Path(media_dir) if media_dir else None, demo=demo,
        explainer_source=Path(demo_flags["source"]) if settings["mode"] == "explainer" and demo_flags["source"]
        else None)
    result = generate(request, _reporter(output))
    manifest = result.manifest
    payload = {
        "runDir": str(result.run_dir),
        "manifestPath": str(result.manifest_path),
        "scriptPath": str(result.run_dir / "script.json"),
        "renderSpecPath": str(result.run_dir / "render-spec.json"),
        "video": str(result.video) if result.video else None,
        "durationSec": manifest.outputs.duration_sec,
        "sha256": manifest.outputs.sha256,
        "warnings": manifest.warnings,
        "dryRun": dry_run,
        "signedVideo": str(result.run_dir / manifest.credentials["video"]) if manifest.credentials else None,
        "check": {k: manifest.check[k] for k in ("status", "failed", "platform")} if manifest.check else None,
    }
    lines = [f"reelforge video generate {'planned (dry run)' if dry_run else 'complete'}",
             f"run:      {result.run_dir}", f"manifest: {result.manifest_path}"]
    if result.video:
        lines.append(f"video:    {result.video} ({manifest.outputs.duration_sec:.2f}s)")
    if payload["signedVideo"]:
        lines.append(f"signed:   {payload['signedVideo']} (C2PA content credentials)")
    if manifest.check:
        failed = f" ({', '.join(manifest.check['failed'])} failed)" if manifest.check["failed"] else ""
        lines.append(f"check:    {manifest.check['status']} for {manifest.check['platform']}{failed}; "
                     f"details: reelforge check {result.run_dir}")
    lines += [f"warning:  {w}" for w in manifest.warnings]
    output.result({k: v for k, v in payload.items() if v is not None}, lines)


def _demo_request(mode: str, flags: dict[str, Any], brief: str) -> Any:
    from reelforge.pipeline.demo import DemoRequest

    used = [k for k, v in flags.items() if v not in (None, False, ())]
    if mode != "demo":
        demo_only = [k for k in used if k not in ("source", "allow_external_input")]
        if demo_only:
            names = ", ".join(f"--{k.replace('_', '-')}" for k in demo_only)
            raise InvalidInputError(f"{names} only apply to --mode demo", hint="add --mode demo or drop them")
        if flags["source"] and mode != "explainer":
            raise InvalidInputError(f"--source does not apply to --mode {mode}",
                                    hint="use --source with --mode explainer (a README, folder or CSV) or --mode demo")
        return None
    source = flags["source"] or ("web" if flags["url"] else "file")
    if source not in ("file", "web"):
        raise InvalidInputError(f"--source {source!r} is not valid in demo mode", hint="pass --source file or web")
    return DemoRequest(source=source, capture=Path(flags["capture"]) if flags["capture"] else None,
                       url=flags["url"], capture_stop=flags["capture_stop"],
                       device=flags["device"].lower() if flags["device"] else None,
                       ready_selector=flags["ready_selector"], allow_external_input=flags["allow_external_input"],
                       polish=flags["polish"], zoom=tuple(flags["zoom"]), brief=brief,
                       show_cursor=flags["show_cursor"], capture_timeout=flags["capture_timeout"])


@video_group.command("render")
@click.argument("run_dir", type=click.Path(file_okay=False))
@click.option("--engine", type=click.Choice(["local", "ray"]), help="local (default) or ray: the segments as Ray "
                                                                     "tasks across the cluster.")
@click.option("--ray-address", help="Ray cluster address (or REELFORGE_RAY_ADDRESS).")
@format_option
@click.pass_context
def render_command(ctx: click.Context, run_dir: str, fmt: str, **flags: Any) -> None:
    """Re-render RUN_DIR from its render-spec.json (refused if any named file changed)."""
    from reelforge.pipeline.render import rerender

    output = Output(fmt)
    workspace = workspace_from(ctx)
    target = Path(run_dir) if Path(run_dir).is_absolute() else workspace.root / run_dir
    settings = resolve_settings(workspace_root=workspace.root, flags=flags)
    renderer = None
    if settings["engine"] != "local":
        from reelforge.pipeline.videobatch.engines import engine_for

        renderer = engine_for(settings["engine"], ray_address=settings["ray_address"]).render
    result = rerender(target, _reporter(output), renderer)
    payload = {"runDir": str(target), "video": str(result.video), "sha256": result.sha256,
               "durationSec": result.duration_sec, "identicalToRecorded": result.identical,
               "recordedSha256": result.recorded_sha256}
    lines = [f"rendered: {result.video}", f"sha256:   {result.sha256}"]
    if result.recorded_sha256:
        lines.append("identical to the recorded render" if result.identical
                     else f"differs from the recorded render {result.recorded_sha256}; kept both")
    output.result(payload, lines)


@video_group.command("doctor")
@format_option
def doctor_command(fmt: str) -> None:
    """Check every dependency; exit 1 only when a key-free baseline one is missing."""
    from reelforge.doctor import run_checks

    output = Output(fmt)
    checks = run_checks()
    failed_baseline = [c for c in checks if c.baseline and not c.ok]
    payload = {"checks": [c.to_json() for c in checks], "ok": not failed_baseline}
    lines = []
    for c in checks:
        mark = "ok " if c.ok else ("!! " if c.baseline else "-- ")
        lines.append(f"{mark} {c.name:<22} {c.detail}")
        if not c.ok:
            lines.append(f"    -> {c.remediation}")
    if output.json:
        import json
        import sys

        sys.stdout.write(json.dumps({"exitCode": 1 if failed_baseline else 0, **payload}, indent=2) + "\n")
    else:
        output.result(payload, lines)
    if failed_baseline:
        raise click.exceptions.Exit(1)


@video_group.command("list-providers")
@format_option
def list_providers_command(fmt: str) -> None:
    """List every provider per capability and whether it can run here."""
    from reelforge.providers.catalog import list_providers

    output = Output(fmt)
    providers = list_providers()
    lines = [f"{p['capability']:<10} {p['id']:<18} {'ok' if p['available']['ok'] else 'unavailable'}"
             + (f"  ({p['available'].get('reason')})" if not p["available"]["ok"] else "") for p in providers]
    output.result({"providers": providers}, lines)


def _setting_flags(func: Any) -> Any:
    """The settings a rerun or a status may change (the rest come from the earlier run)."""
    for option in reversed([
        click.option("--captions", type=click.Choice(CAPTION_PRESETS), help="Caption preset."),
        click.option("--platform", type=click.Choice(["tiktok", "reels", "shorts", "generic"]),
                     help="Caption safe-area preset (a 16:9 or 1:1 video left on the default uses generic)."),
        click.option("--visual", type=click.Choice(["auto", "card", "stock", "generate", "slide", "aigc"]),
                     help="Visual provider chain."),
        click.option("--voice", help="Voice profile, a Piper .onnx path, or none."),
        click.option("--speed", type=float, help="Speech speed, 0.5..2.0."),
        click.option("--breath", type=float, help="Seconds of silence after each scene's speech."),
        click.option("--transition", type=click.Choice(["cut", "fade", "slide", "wipe"]), help="Default transition."),
        click.option("--music", help="A music bed (calm, upbeat, ...), none, or an audio file."),
        click.option("--seed", type=int, help="Seed for palettes, layouts and motion."),
        click.option("--crf", type=int, help="x264 quality."),
    ]):
        func = option(func)
    return func


def _run_path(ctx: click.Context, run_dir: str) -> tuple[Any, Path]:
    workspace = workspace_from(ctx)
    return workspace, Path(run_dir) if Path(run_dir).is_absolute() else workspace.root / run_dir


@video_group.command("rerun")
@click.argument("run_dir", type=click.Path(file_okay=False))
@click.option("--script", "script_path", type=click.Path(dir_okay=False),
              help="An edited script.json (default: the run's own).")
@click.option("--from", "from_stage", type=click.Choice(["voice", "visual", "captions", "render"]),
              help="Make this stage and every later one again, even where the cache is fresh.")
@_setting_flags
@click.option("--check/--no-check", default=None, help="Run the pre-publish check at the end.")
@click.option("--yes", "-y", is_flag=True, help="Confirm paid providers at or above the guardrail.")
@format_option
@click.pass_context
def rerun_command(ctx: click.Context, run_dir: str, script_path: str | None, from_stage: str | None, yes: bool,
                  fmt: str, **flags: Any) -> None:
    """A NEW run of RUN_DIR's script (or --script) that reuses every stage still fresh."""
    from reelforge.pipeline.rerun import RerunRequest, rerun

    output = Output(fmt)
    workspace, target = _run_path(ctx, run_dir)
    result = rerun(RerunRequest(run_dir=target, workspace=workspace,
                                script_path=Path(script_path) if script_path else None, from_stage=from_stage,
                                flags=flags, yes=yes, decider=decider_for(yes)), _reporter(output))
    manifest = result.manifest
    reuse = {s.stage: s.params["reuse"] for s in manifest.stages if "reuse" in s.params}
    payload = {"runDir": str(result.run_dir), "rerunOf": str(target), "manifestPath": str(result.manifest_path),
               "video": str(result.video) if result.video else None, "sha256": manifest.outputs.sha256,
               "durationSec": manifest.outputs.duration_sec, "reuse": reuse, "warnings": manifest.warnings}
    lines = ["reelforge video rerun complete", f"run:      {result.run_dir} (from {target.name})",
             f"manifest: {result.manifest_path}"]
    if result.video:
        lines.append(f"video:    {result.video} ({manifest.outputs.duration_sec:.2f}s)")
    for stage, record in reuse.items():
        lines.append(f"{stage + ':':<9} reused {len(record.get('hit', []))}, made {len(record.get('made', []))}"
                     + (f" ({', '.join(record['made'])})" if record.get("made") else ""))
    lines += [f"warning:  {w}" for w in manifest.warnings]
    output.result({k: v for k, v in payload.items() if v is not None}, lines)


@video_group.command("status")
@click.argument("run_dir", type=click.Path(file_okay=False))
@click.option("--script", "script_path", type=click.Path(dir_okay=False),
              help="Compare against an edited script.json (default: the run's own).")
@_setting_flags
@format_option
@click.pass_context
def status_command(ctx: click.Context, run_dir: str, script_path: str | None, fmt: str, **flags: Any) -> None:
    """Each stage of each scene of RUN_DIR: fresh, stale (and why) or missing."""
    from reelforge.pipeline.status import run_status

    output = Output(fmt)
    workspace, target = _run_path(ctx, run_dir)
    status = run_status(target, workspace, script_path=Path(script_path) if script_path else None, flags=flags)
    output.result(status.to_json(), status.lines())
