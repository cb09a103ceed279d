"""`reelforge asset approve|reject|show|rebuild-index`: explicit human review of asset files."""

from __future__ import annotations

from pathlib import Path

import click

from reelforge.cli.common import format_option, workspace_from
from reelforge.cli.output import Output

_DIR = click.option("--asset-dir", type=click.Path(file_okay=False),
                    help="The asset folder (default: assets/<ASSET_ID> in the workspace).")


@click.group("asset")
def asset_group() -> None:
    """Review assets: approve or reject candidates; the hero image is only ever an approved file."""


def _review(ctx: click.Context, decision: str, asset_id: str, file: str, asset_dir: str | None, note: str | None,
            fmt: str) -> None:
    from reelforge.batch import api

    output = Output(fmt)
    verb = api.approve if decision == "approve" else api.reject
    result = verb(asset_id, file, workspace=workspace_from(ctx), asset_dir=Path(asset_dir) if asset_dir else None,
                  note=note)
    output.result(result, [f"{result['state']}: {result['path']}", f"hero: {result['heroImagePath'] or '(none)'}"])


@asset_group.command("approve")
@click.argument("asset_id")
@click.argument("file")
@_DIR
@click.option("--note", help="Why (kept in asset.json decisions).")
@format_option
@click.pass_context
def approve_command(ctx: click.Context, asset_id: str, file: str, asset_dir: str | None, note: str | None,
                    fmt: str) -> None:
    """Move FILE (a candidate) into images/approved/ and make it the hero image."""
    _review(ctx, "approve", asset_id, file, asset_dir, note, fmt)


@asset_group.command("reject")
@click.argument("asset_id")
@click.argument("file")
@_DIR
@click.option("--note", help="Why (kept in asset.json decisions).")
@format_option
@click.pass_context
def reject_command(ctx: click.Context, asset_id: str, file: str, asset_dir: str | None, note: str | None,
                   fmt: str) -> None:
    """Move FILE into images/rejected/ (the hero falls back to another approved file, or none)."""
    _review(ctx, "reject", asset_id, file, asset_dir, note, fmt)


@asset_group.command("show")
@click.argument("asset_id")
@_DIR
@format_option
@click.pass_context
def show_command(ctx: click.Context, asset_id: str, asset_dir: str | None, fmt: str) -> None:
    """Print asset.json and index.json."""
    from reelforge.batch.api import asset_store

    store = asset_store(asset_id, workspace=workspace_from(ctx), asset_dir=Path(asset_dir) if asset_dir else None)
    asset, index = store.read_asset(), store.read_index()
    lines = [f"{asset_id}: {asset.get('status')}  hero: {asset.get('heroImagePath') or '(none)'}",
             *(f"  {e.get('kind'):<10} {e['path']}" for e in index["images"])]
    Output(fmt).result({"asset": asset, "index": index}, lines)


@asset_group.command("rebuild-index")
@click.argument("asset_id")
@_DIR
@format_option
@click.pass_context
def rebuild_command(ctx: click.Context, asset_id: str, asset_dir: str | None, fmt: str) -> None:
    """Rebuild index.json from the run manifests and the files on disk."""
    from reelforge.batch.api import asset_store
    from reelforge.workspace.contain import confine

    workspace = workspace_from(ctx)
    store = asset_store(asset_id, workspace=workspace, asset_dir=Path(asset_dir) if asset_dir else None)
    with confine(workspace.root):
        index = store.rebuild_index()
    Output(fmt).result({"index": index}, [f"{len(index['images'])} image entries"])
