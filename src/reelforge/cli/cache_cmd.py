"""`reelforge cache size|prune`: the workspace cache of stage outputs (narration, scenes, cards, segments)."""

from __future__ import annotations

from typing import Any

import click

from reelforge.cli.common import format_option, workspace_from
from reelforge.cli.output import Output


@click.group("cache")
def cache_group() -> None:
    """The workspace cache that lets reruns reuse fresh stages (.reelforge/cache), and the per-user cache."""


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
    user = _user_cache_usage()
    if user is not None:
        lines.append(f"user cache: {user['root']}: {user['models']} patched Piper model(s), "
                     f"{human_bytes(user['bytes'])} (shared by every workspace)")
    Output(fmt).result({**usage.to_json(), "userCache": user}, lines)


def _user_cache_usage() -> dict[str, Any] | None:
    from reelforge.config import user_cache_dir
    from reelforge.providers.voice.piper_model_cache import usage

    root = user_cache_dir()
    if root is None:
        return None
    held = usage(root)
    return {"root": str(root), "models": held.models, "bytes": held.bytes}


@cache_group.command("prune")
@click.option("--older-than", "older_than", required=True, help="Remove entries unused for this long: 30d, 12h, 2w.")
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@format_option
@click.pass_context
def prune_command(ctx: click.Context, older_than: str, dry_run: bool, fmt: str) -> None:
    """Remove cache entries not used for longer than --older-than."""
    from reelforge.config import user_cache_dir
    from reelforge.providers.voice import piper_model_cache
    from reelforge.workspace.cache_prune import human_bytes, parse_age, prune

    root = workspace_from(ctx).internal / "cache"
    age = parse_age(older_than)
    result = prune(root, older_than_sec=age, dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    lines = [f"{verb} {result.removed} entries ({human_bytes(result.freed_bytes)}); kept {result.kept}"]
    data: dict[str, Any] = {"root": str(root), **result.to_json()}
    user_root = user_cache_dir()
    if user_root is not None:
        models, freed = piper_model_cache.prune(user_root, older_than_sec=age, dry_run=dry_run)
        data["userCache"] = {"root": str(user_root), "removed": models, "freedBytes": freed}
        if models:
            lines.append(f"{verb} {models} patched Piper model(s) from {user_root} ({human_bytes(freed)})")
    Output(fmt).result(data, lines)
