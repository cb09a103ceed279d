"""`reelforge voices [--locale ko]`: the voices every installed engine offers (library: pipeline.voice_list)."""

from __future__ import annotations

import click

from reelforge.cli.common import format_option, workspace_from
from reelforge.cli.output import Output


@click.command("voices")
@click.option("--locale", default=None, help="only voices that speak this language (ko, ja-JP, en-US, ...)")
@format_option
@click.pass_context
def voices_command(ctx: click.Context, locale: str | None, fmt: str) -> None:
    """List voices: engine:voice, locales, gender, price per 1k characters, offline. Hosted engines are
    listed only when their key is set (cached a day in the workspace)."""
    from reelforge.config import resolve_settings
    from reelforge.pipeline.voice_list import list_voices
    from reelforge.providers.voice.base import VoiceOptions

    workspace = workspace_from(ctx)
    settings = resolve_settings(workspace_root=workspace.root)
    options = VoiceOptions.from_settings(settings)
    listing = list_voices(locale=locale, cache_dir=workspace.internal / "cache" / "voices", options=options)
    Output(fmt).result(listing.to_json_dict(), listing.text_lines())
