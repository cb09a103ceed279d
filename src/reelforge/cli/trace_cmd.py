"""`reelforge trace <asset-or-job-id>`: campaign -> concept -> persona -> script -> voice take -> image asset ->
render job -> QA report, with paths and sha256."""

from __future__ import annotations

import click

from reelforge.cli.common import format_option, workspace_from
from reelforge.cli.output import Output


@click.command("trace")
@click.argument("ident", metavar="ASSET_OR_JOB_ID")
@format_option
@click.pass_context
def trace_command(ctx: click.Context, ident: str, fmt: str) -> None:
    """Print the lineage chain of a render job (or of every job that uses an asset)."""
    from reelforge.renders.trace import text_lines, trace

    result = trace(ident, workspace=workspace_from(ctx))
    Output(fmt).result(result, text_lines(result))
