"""Flags shared by every command."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from reelforge.workspace.paths import Workspace

F = TypeVar("F", bound=Callable[..., Any])


def format_option(func: F) -> F:
    return click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                        show_default=True, help="text for people (stderr), json for machines (stdout).")(func)


def detect_format(args: Sequence[str]) -> str:
    """Find --format before click parses, so even a usage error can be answered in JSON."""
    for i, arg in enumerate(args):
        if arg == "--format" and i + 1 < len(args):
            return "json" if args[i + 1] == "json" else "text"
        if arg.startswith("--format="):
            return "json" if arg.split("=", 1)[1] == "json" else "text"
    return "text"


def workspace_from(ctx: click.Context) -> Workspace:
    root = (ctx.find_root().obj or {}).get("workspace")
    return Workspace.at(Path(root) if root else None)
