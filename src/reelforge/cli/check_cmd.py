"""`reelforge check <video|runDir>`: the pre-publish report; exit 0 on pass or warn, 1 on any fail."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from reelforge.cli.common import format_option, workspace_from

PLATFORM_CHOICES = ["tiktok", "reels", "shorts", "youtube", "generic"]


@click.command("check")
@click.argument("target", type=click.Path())
@click.option("--platform", type=click.Choice(PLATFORM_CHOICES), default="tiktok", show_default=True,
              help="Whose limits and safe area to check against.")
@click.option("--no-sync", is_flag=True, help="Skip the caption-to-speech check (the transcription).")
@format_option
@click.pass_context
def check_command(ctx: click.Context, target: str, platform: str, no_sync: bool, fmt: str) -> None:
    """Check a video (or a run directory's video) before publishing: format limits, sound, picture, captions,
    credentials. Exit 1 when any check fails."""
    from reelforge.check import run_check

    workspace = workspace_from(ctx)
    path = Path(target) if Path(target).is_absolute() else workspace.root / target
    report = run_check(path, platform=platform, sync=not no_sync)
    if fmt == "json":
        sys.stdout.write(json.dumps({"exitCode": report.exit_code, **report.to_json()}, indent=2,
                                    ensure_ascii=False) + "\n")
    else:
        for line in report.lines():
            click.echo(line)
        if report.failed:
            click.echo(f"failed: {', '.join(report.failed)}", err=True)
    if report.exit_code:
        raise click.exceptions.Exit(report.exit_code)
