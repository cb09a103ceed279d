"""`reelforge schema export` (the JSON Schemas of every contract) and `schema envelope` (read any manifest)."""

from __future__ import annotations

from pathlib import Path

import click

from reelforge.cli.common import format_option
from reelforge.cli.output import Output


@click.group("schema")
def schema_group() -> None:
    """JSON Schemas of the contracts: script, timing, render-spec, manifest, manifest-envelope, image-request,
    render-request, qa-record."""


@schema_group.command("export")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="schemas", show_default=True)
@format_option
def export_command(out_dir: str, fmt: str) -> None:
    """Write one <name>.schema.json per contract into OUT."""
    from reelforge.schemas import export_schemas

    written = export_schemas(Path(out_dir))
    Output(fmt).result({"files": [str(p) for p in written]}, [str(p) for p in written])


@schema_group.command("envelope")
@click.argument("manifest", type=click.Path(dir_okay=False))
@format_option
def envelope_command(manifest: str, fmt: str) -> None:
    """Read MANIFEST (a video run, image job or render job, old or new) as the shared manifest envelope."""
    from reelforge.workspace.records import read_envelope

    env = read_envelope(Path(manifest)).to_json_dict()
    lines = [f"{env['kind']} {env['id']}  status {env.get('status') or '-'}  pathTaken {env.get('pathTaken') or '-'}"]
    lines += [f"  {k}: {v}" for k, v in env["lineage"].items()]
    lines += [f"  asset {a['path']}  sha256 {a['sha256'][:12]}" for a in env["assets"]]
    lines += [f"  cost ${env['cost']['usd']:.4f}"] + [f"  warning: {w}" for w in env["warnings"]]
    Output(fmt).result({"envelope": env}, lines)
