"""One JSONL line = one video: a brief or a script path plus any generate option. All lines are validated
before any runs; every invalid line is reported at once, by line number and field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from reelforge.config import OPTIONS_BY_KEY, Settings, resolve_settings
from reelforge.errors import FieldIssue, ReelforgeError, SchemaValidationError
from reelforge.models.common import load_document
from reelforge.models.script import Script

# generate options a line may set; the cost guardrail (max_usd) and --yes belong to the whole batch
LINE_OPTIONS = ("mode", "aspect", "locale", "captions", "platform", "visual", "voice", "speed", "breath", "music",
                "transition", "duration", "seed", "out", "check")


class BatchLine(BaseModel):
    """One line of jobs.jsonl. ``line`` is its 1-based line number in the file."""

    model_config = ConfigDict(extra="forbid")

    brief: str | None = None
    script: str | None = None
    mode: str | None = None
    aspect: str | None = None
    locale: str | None = None
    captions: str | None = None
    platform: str | None = None
    visual: str | None = None
    voice: str | None = None
    speed: float | None = None
    breath: float | None = None
    music: str | None = None
    transition: str | None = None
    duration: str | float | None = None
    seed: int | None = None
    out: str | None = None
    check: bool | None = None

    @model_validator(mode="after")
    def _brief_or_script(self) -> BatchLine:
        if not (self.brief or "").strip() and not self.script:
            raise ValueError("needs a non-empty 'brief' or a 'script' path")
        return self

    def flags(self) -> dict[str, Any]:
        """The generate options this line sets, as flag-layer settings."""
        return {k: getattr(self, k) for k in LINE_OPTIONS if getattr(self, k) is not None}


class JobLine(BaseModel):
    """A validated line with its number and its resolved settings (toml < env < the line's options)."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    number: int
    spec: BatchLine
    settings: Settings


def _field_issues(number: int, exc: ValidationError) -> list[FieldIssue]:
    issues = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "brief/script"
        issues.append(FieldIssue(f"line {number}: {where}", err["msg"].removeprefix("Value error, ")))
    return issues


def _option_issues(number: int, spec: BatchLine) -> list[FieldIssue]:
    """Each option's value checked by the same parser the flag uses, so every bad field is named."""
    issues = []
    for key, value in spec.flags().items():
        try:
            OPTIONS_BY_KEY[key].parse(value)
        except ValueError as exc:
            issues.append(FieldIssue(f"line {number}: {key}", f"{value!r} {exc}"))
    return issues


def load_jobs(path: Path, *, workspace_root: Path) -> list[JobLine]:
    """Every non-blank line of ``path``, validated (schema, option values, script file exists). Raises one
    SchemaValidationError (exit 4) naming every bad line and field; nothing has run at that point."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        from reelforge.errors import NotFoundError

        raise NotFoundError(f"cannot read {path}: {exc.strerror}", file=str(path),
                            hint="pass a JSONL file with one video per line") from None
    lines: list[JobLine] = []
    issues: list[FieldIssue] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except ValueError as exc:
            issues.append(FieldIssue(f"line {number}", f"not JSON: {exc}"))
            continue
        if not isinstance(data, dict):
            issues.append(FieldIssue(f"line {number}", "must be a JSON object"))
            continue
        try:
            spec = BatchLine.model_validate(data)
        except ValidationError as exc:
            issues.extend(_field_issues(number, exc))
            continue
        bad_options = _option_issues(number, spec)
        if bad_options:
            issues.extend(bad_options)
            continue
        try:
            settings = resolve_settings(workspace_root=workspace_root, flags=spec.flags())
        except ReelforgeError as exc:
            issues.append(FieldIssue(f"line {number}", exc.message.replace("flag:--", "")))
            continue
        if spec.script is not None:
            script = Path(spec.script) if Path(spec.script).is_absolute() else workspace_root / spec.script
            if not script.is_file():
                issues.append(FieldIssue(f"line {number}: script", f"{spec.script} does not exist"))
                continue
            try:
                load_document(Script, script, document=spec.script)
            except ReelforgeError as exc:
                issues.append(FieldIssue(f"line {number}: script", exc.message))
                continue
        lines.append(JobLine(number=number, spec=spec, settings=settings))
    if issues:
        bad = sorted({int(i.path.split(":")[0].split()[1]) for i in issues})
        raise SchemaValidationError(path.name, issues, file=str(path),
                                    hint=f"fix line{'s' if len(bad) > 1 else ''} {', '.join(map(str, bad))} of "
                                         f"{path.name}; nothing has run")
    if not lines:
        raise SchemaValidationError(path.name, [FieldIssue("file", "has no job lines")], file=str(path))
    return lines
