"""``fingerprints.json``: what a run's stages were made from, per scene, and what the run reused.

Written by every `video generate` (after the spec, again after the render). `video status` compares it with
the fingerprints of an edited script; `video rerun` takes the run's settings and pacing from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reelforge.config import Settings
from reelforge.errors import InvalidInputError
from reelforge.models.script import Script
from reelforge.pipeline.fingerprint import RECORDED_SETTINGS, stage_fingerprints
from reelforge.pipeline.pacing import Pacing
from reelforge.pipeline.stage_caches import RunCaches
from reelforge.workspace.atomic import write_json_atomic

RECORD = "fingerprints.json"
RECORD_VERSION = 1


def write_run_record(run_dir: Path, *, script: Script, settings: Settings, pacing: Pacing, pacing_source: str,
                     caption_style: str, caches: RunCaches | None) -> Path:
    path = run_dir / RECORD
    write_json_atomic(path, {
        "version": RECORD_VERSION,
        "scenes": [s.id for s in script.scenes],
        # values a rerun must keep; only those set on purpose (not defaults) are replayed as flags
        "settings": {k: settings[k] for k in RECORDED_SETTINGS},
        "settingsSet": {k: settings[k] for k in RECORDED_SETTINGS if settings.origin(k) != "default"},
        "pacingSource": pacing_source,
        "pacing": pacing.params(),
        "captionStyle": caption_style,
        "stages": stage_fingerprints(script, settings, pacing=pacing, caption_style=caption_style),
        "reuse": caches.reuse() if caches is not None else {},
    })
    return path


def read_run_record(run_dir: Path) -> dict[str, Any] | None:
    import json

    path = run_dir / RECORD
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInputError(f"{path} is not valid JSON: {exc}", file=str(path),
                                hint="restore the file, or run `reelforge video generate` again") from None
    if not isinstance(data, dict) or data.get("version") != RECORD_VERSION:
        raise InvalidInputError(f"{path} is not a version {RECORD_VERSION} run record", file=str(path),
                                hint="the run was made by another reelforge version: generate it again")
    return data
