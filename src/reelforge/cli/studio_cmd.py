"""`reelforge studio`: the local review web page over the workspace."""

from __future__ import annotations

import click

from reelforge.cli.common import workspace_from
from reelforge.errors import InvalidInputError
from reelforge.workspace.paths import Workspace


@click.command("studio")
@click.option("--workspace", "workspace_dir", type=click.Path(file_okay=False), default=None,
              help="Workspace root (default: the global --workspace, else the current directory).")
@click.option("--port", type=click.IntRange(0, 65535), default=8770, show_default=True,
              help="Port (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but loopback makes the studio reachable from other machines.")
@click.pass_context
def studio_command(ctx: click.Context, workspace_dir: str | None, port: int, host: str) -> None:
    """Serve the review pages (runs, assets, renders and QA, trace, new video) on 127.0.0.1."""
    try:
        from reelforge.studio import StudioConfig, serve
    except ModuleNotFoundError as exc:
        raise InvalidInputError(f"the studio's web packages are not installed ({exc.name})",
                                hint="pip install 'reelforge[studio]'") from None
    from pathlib import Path

    workspace = Workspace.at(Path(workspace_dir)) if workspace_dir else workspace_from(ctx)
    if not workspace.root.is_dir():
        raise InvalidInputError(f"workspace {workspace.root} does not exist", hint="pass --workspace DIR")
    try:
        serve(StudioConfig(workspace=workspace.root, host=host, port=port))
    except OSError as exc:
        raise InvalidInputError(f"cannot listen on {host}:{port}: {exc.strerror}",
                                hint="pick another --port (or 0 for any free port)") from None
