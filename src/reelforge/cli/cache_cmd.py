"""`reelforge cache size|prune`: the workspace cache of stage outputs (narration, scenes, cards, segments)."""

from __future__ import annotations

import click

from reelforge.cli.common import format_option, workspace_from
from reelforge.cli.output import Output


@click.group("cache")
def cache_group() -> None:
    """The workspace cache that lets reruns reuse fresh stages (.reelforge/cache)."""


@cache_group.command("size")
@format_option
@click.pass_context
def size_command(ctx: click.Context, fmt: str) -> None:
    """How big the cache is, per kind."""
    from reelforge.workspace.cache_prune import cache_usage, human_bytes

    usage = cache_usage(workspace_from(ctx).internal / "cache")
    lines = [f"cache: {usage.root}", f"total: {human_bytes(usage.bytes)} in {usage.entries} entries"]
    lines += [f"  {kind:<12} {human_bytes(v['bytes']):>10} in {v['entries']} entries"
              for kind, v in sorted(usage.by_kind.items())]
    Output(fmt).result(usage.to_json(), lines)


@cache_group.command("prune")
@click.option("--older-than", "older_than", required=True, help="Remove entries unused for this long: 30d, 12h, 2w.")
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@format_option
@click.pass_context
def prune_command(ctx: click.Context, older_than: str, dry_run: bool, fmt: str) -> None:
    """Remove cache entries not used for longer than --older-than."""
    from reelforge.workspace.cache_prune import human_bytes, parse_age, prune

    root = workspace_from(ctx).internal / "cache"
    result = prune(root, older_than_sec=parse_age(older_than), dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    Output(fmt).result({"root": str(root), **result.to_json()},
                       [f"{verb} {result.removed} entries ({human_bytes(result.freed_bytes)}); kept {result.kept}"])
