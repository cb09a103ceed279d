"""`reelforge schema export`: write the JSON Schemas of the four contracts."""

from __future__ import annotations

from pathlib import Path

import click

from reelforge.cli.common import format_option
from reelforge.cli.output import Output


@click.group("schema")
def schema_group() -> None:
    """JSON Schemas for script.json, timing.json, render-spec.json and manifest.json."""


@schema_group.command("export")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="schemas", show_default=True)
@format_option
def export_command(out_dir: str, fmt: str) -> None:
    """Write one <name>.schema.json per contract into OUT."""
    from reelforge.schemas import export_schemas

    written = export_schemas(Path(out_dir))
    Output(fmt).result({"files": [str(p) for p in written]}, [str(p) for p in written])
