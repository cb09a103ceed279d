"""`reelforge config show`: every setting with its value and where it came from."""

from __future__ import annotations

import click

from reelforge.cli.common import format_option, workspace_from
from reelforge.cli.output import Output
from reelforge.config import EnvironmentVariable, describe_environment, resolve_settings


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
    environment = describe_environment(_provider_variables())
    width = max(len(r["key"]) for r in (*rows, *environment)) + 1
    lines = [f"{r['key']:<{width}} {r['value']!s:<12} {r['origin']}" for r in rows]
    lines += ["", "environment (not layered settings):"]
    lines += [f"{r['key']:<{width}} {r['value'] or '-'!s:<12} {r['origin']}" for r in environment]
    Output(fmt).result({"settings": rows, "environment": environment}, lines)


def _provider_variables() -> list[EnvironmentVariable]:
    """The provider registry's API keys, base URLs and concurrency overrides, one row per variable."""
    from reelforge.providers import registry

    found: list[EnvironmentVariable] = []
    for row in registry.rows():
        if row.key_env:
            found.append(EnvironmentVariable(row.key_env, f"API key: {row.label or row.id}", secret=True))
        if row.key_env and row.id.isidentifier():  # vendor rows; a model-named row shares its vendor's URL
            found.append(EnvironmentVariable(f"REELFORGE_{row.id.upper()}_BASE_URL", f"{row.id} endpoint override"))
        if row.capability in ("image", "video"):
            found.append(EnvironmentVariable(f"REELFORGE_{row.id.upper()}_CONCURRENCY",
                                             f"parallel {row.id} calls (default {row.concurrency})"))
    return found
