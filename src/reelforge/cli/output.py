"""How commands print: text to stderr for people, exactly one JSON object on stdout for machines."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

import click

from reelforge.errors import ReelforgeError


@dataclass(frozen=True)
class Output:
    format: str  # "text" | "json"

    @property
    def json(self) -> bool:
        return self.format == "json"

    def result(self, payload: dict[str, Any], text_lines: list[str]) -> None:
        """Print a command's result: the JSON object (with exitCode 0), or text lines."""
        if self.json:
            body = {"exitCode": 0, **payload}
            sys.stdout.write(json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        else:
            for line in text_lines:
                click.echo(line)

    def error(self, error: ReelforgeError, extra: dict[str, Any] | None = None) -> None:
        if self.json:
            body = {"exitCode": error.exit_code, "error": error.to_json(), **(extra or {})}
            sys.stdout.write(json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
            sys.stdout.flush()
            return
        click.secho(f"error: {error.message}", fg="red", err=True)
        fields = getattr(error, "issues", None)
        if fields and len(fields) > 1:
            for issue in fields:
                click.echo(f"  - {issue.path}: {issue.message}", err=True)
        if error.file and error.file not in error.message:
            click.echo(f"  file: {error.file}", err=True)
        click.echo(f"  fix: {error.hint}", err=True)
        for key, value in (extra or {}).items():
            click.echo(f"  {key}: {value}", err=True)
