"""`reelforge config show`: every setting with its value and where it came from."""

from __future__ import annotations

import click

from reelforge.cli.common import format_option, workspace_from
from reelforge.cli.output import Output
from reelforge.config import describe_environment, resolve_settings


@click.group("config")
def config_group() -> None:
    """Inspect layered settings (defaults < reelforge.toml < REELFORGE_* env < flags)."""


@config_group.command("show")
@format_option
@click.pass_context
def show_command(ctx: click.Context, fmt: str) -> None:
    """Print each setting, its value and its origin, then the other environment variables reelforge reads."""
    settings = resolve_settings(workspace_root=workspace_from(ctx).root)
    rows = settings.describe()
    width = max(len(r["key"]) for r in rows) + 1
    lines = [f"{r['key']:<{width}} {r['value']!s:<12} {r['origin']}" for r in rows]
    environment = describe_environment()
    lines += ["", "environment (not layered settings):"]
    lines += [f"{r['key']:<{width}} {r['value'] or '-'!s:<12} {r['origin']}" for r in environment]
    Output(fmt).result({"settings": rows, "environment": environment}, lines)
