"""`reelforge asset add|list|show|approve|reject|rebuild-index`: bring files in, review them explicitly."""

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
    from reelforge.assets import api

    output = Output(fmt)
    result = api.review(asset_id, file, decision, workspace=workspace_from(ctx),
                        asset_dir=Path(asset_dir) if asset_dir else None, note=note)
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
    """Move FILE (a candidate) into <media>/approved/; an approved image becomes the hero image.

    FILE may be a bare name, a path inside the asset folder, a path from the current folder
    (assets/<id>/images/candidates/x.png) or an absolute path, as long as it resolves inside the asset."""
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


@asset_group.command("add")
@click.argument("asset_id")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", "kind", type=click.Choice(["image", "audio", "video"]), required=True,
              help="What FILE is: a still, a voice take, a clip.")
@click.option("--purpose", required=True, help="What the asset is for (e.g. voice_take, persona_candidate).")
@click.option("--source-basis", "source_basis", multiple=True, required=True,
              help="Where it comes from (a run manifest, a research note); repeatable.")
@click.option("--note", help="Kept beside the index entry.")
@format_option
@click.pass_context
def add_command(ctx: click.Context, asset_id: str, file: Path, kind: str, purpose: str, source_basis: tuple[str, ...],
                note: str | None, fmt: str) -> None:
    """Copy FILE into the asset as a candidate (creating the asset); approve it with `asset approve`."""
    from reelforge.assets import api

    result = api.add(asset_id, file, kind=kind, purpose=purpose, source_basis=list(source_basis),
                     workspace=workspace_from(ctx), note=note)
    Output(fmt).result(result, [f"candidate: {result['path']}  sha256 {result['sha256'][:12]}",
                                f"next: reelforge asset approve {asset_id} {result['path']}"])


@asset_group.command("list")
@format_option
@click.pass_context
def list_command(ctx: click.Context, fmt: str) -> None:
    """Every asset of the workspace with its status and how many files it holds per state."""
    from reelforge.assets import api

    rows = api.list_assets(workspace=workspace_from(ctx))
    lines = [f"{r['assetId']:<28} {r['status'] or '-':<16} " + "  ".join(
        f"{media}: {c['approved']} approved/{c['candidate']} candidate" for media, c in r["files"].items()
        if any(c.values())) for r in rows] or ["(no assets)"]
    Output(fmt).result({"assets": rows}, lines)


@asset_group.command("show")
@click.argument("asset_id")
@_DIR
@format_option
@click.pass_context
def show_command(ctx: click.Context, asset_id: str, asset_dir: str | None, fmt: str) -> None:
    """Print asset.json and index.json."""
    from reelforge.assets import api

    data = api.show(asset_id, workspace=workspace_from(ctx), asset_dir=Path(asset_dir) if asset_dir else None)
    asset, index = data["asset"], data["index"]
    lines = [f"{asset_id}: {asset.get('status')}  hero: {asset.get('heroImagePath') or '(none)'}",
             *(f"  {e.get('kind'):<10} {e['path']}" for key in ("images", "audio", "videos") for e in index[key])]
    Output(fmt).result(data, lines)


@asset_group.command("rebuild-index")
@click.argument("asset_id")
@_DIR
@format_option
@click.pass_context
def rebuild_command(ctx: click.Context, asset_id: str, asset_dir: str | None, fmt: str) -> None:
    """Rebuild index.json from the run manifests and the files on disk."""
    from reelforge.assets.api import asset_store
    from reelforge.workspace.contain import confine

    workspace = workspace_from(ctx)
    store = asset_store(asset_id, workspace=workspace, asset_dir=Path(asset_dir) if asset_dir else None)
    with confine(workspace.root):
        index = store.rebuild_index()
    Output(fmt).result({"index": index}, [f"{len(index['images'])} image, {len(index['audio'])} audio, "
                                          f"{len(index['videos'])} video entries"])
