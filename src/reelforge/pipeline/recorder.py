"""The run recorder: keeps manifest.json on disk, written atomically after every stage.

A run that fails or is interrupted still leaves a manifest that says so (status, exitCode, error),
and the assets it had produced by then, hashed. That holds on a full disk too: while the run is open a
small reserve file sits beside the manifest, and a manifest write that finds no space frees the reserve
and writes again, so the final "failed: disk full" record always fits.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelforge import __version__
from reelforge.errors import DiskFullError, ReelforgeError, SchemaValidationError
from reelforge.models.common import SCHEMA_VERSION, PathTaken
from reelforge.models.manifest import AssetRecord, Manifest, ManifestError, StageRecord
from reelforge.workspace.atomic import write_json_atomic
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import run_relative
from reelforge.workspace.reserve import reserve_space


@dataclass
class StageOutcome:
    """What a stage reports back to the recorder."""

    provider: str
    path_taken: PathTaken
    params: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    fingerprint: str | None = None
    reused: bool = False


class RunRecorder:
    """Owns one run's Manifest and its file; every mutation is followed by an atomic write."""

    def __init__(self, run_dir: Path, *, run_id: str, mode: str, seed: int,
                 prompt: str | None = None, prompt_sha256: str | None = None) -> None:
        self.run_dir = run_dir
        self.manifest = Manifest(
            schemaVersion=SCHEMA_VERSION, toolVersion=__version__, runId=run_id, mode=mode, seed=seed,
            prompt=prompt, promptSha256=prompt_sha256, exitCode=0, status="running",
        )
        self.hold_reserve()

    @classmethod
    def resume(cls, run_dir: Path, manifest: Manifest) -> RunRecorder:
        recorder = cls.__new__(cls)
        recorder.run_dir = run_dir
        recorder.manifest = manifest
        recorder.hold_reserve()
        return recorder

    @property
    def path(self) -> Path:
        return self.run_dir / "manifest.json"

    @property
    def reserve_path(self) -> Path:
        # the pid in the name lets the next run sweep the reserve of a run killed with -9 (compose/stale.py)
        return self.run_dir / f".manifest.{os.getpid()}.reserve"

    def hold_reserve(self) -> None:
        reserve_space(self.reserve_path)

    def release_reserve(self) -> bool:
        try:
            self.reserve_path.unlink()
        except FileNotFoundError:
            return False
        return True

    def save(self) -> None:
        data = self.manifest.to_json_dict()
        try:
            write_json_atomic(self.path, data)
        except DiskFullError:
            if not self.release_reserve():
                raise
            write_json_atomic(self.path, data)  # the reserve's blocks are free now

    def warn(self, message: str) -> None:
        if message not in self.manifest.warnings:
            self.manifest.warnings.append(message)

    def set_provider(self, track: str, provider: str | list[str]) -> None:
        self.manifest.providers[track] = provider

    @contextmanager
    def stage(self, name: str) -> Iterator[list[StageOutcome]]:
        """Time a stage; the body appends one StageOutcome. The manifest is saved either way."""
        started = time.perf_counter()
        box: list[StageOutcome] = []
        try:
            yield box
        finally:
            seconds = round(time.perf_counter() - started, 3)
            if box:
                outcome = box[0]
                self.manifest.stages.append(StageRecord(
                    stage=name, provider=outcome.provider, pathTaken=outcome.path_taken,
                    params=outcome.params, seconds=seconds, fingerprint=outcome.fingerprint,
                    reused=outcome.reused, warnings=list(outcome.warnings)))
                for warning in outcome.warnings:
                    self.warn(warning)
            self.save()

    def add_asset(self, path: Path, *, seed: int | None = None) -> AssetRecord:
        rel = run_relative(path, self.run_dir)
        record = AssetRecord(path=rel, sha256=sha256_file(path), bytes=path.stat().st_size, seed=seed)
        self.manifest.assets = [a for a in self.manifest.assets if a.path != rel] + [record]
        return record

    def succeed(self) -> None:
        self.manifest.status = "succeeded"
        self.manifest.exit_code = 0
        self.manifest.error = None
        self.save()
        self.release_reserve()

    def plan_only(self) -> None:
        self.manifest.status = "planned"
        self.manifest.exit_code = 0
        self.save()
        self.release_reserve()

    def fail(self, error: ReelforgeError) -> None:
        fields = None
        if isinstance(error, SchemaValidationError):
            fields = [i.to_json() for i in error.issues]
        self.manifest.status = "interrupted" if error.exit_code == 130 else "failed"
        self.manifest.exit_code = error.exit_code
        self.manifest.error = ManifestError(kind=error.kind, message=error.message, hint=error.hint,
                                            file=error.file, fields=fields)
        self.save()
        self.release_reserve()
