"""Recompute every hash a manifest records and report what no longer matches."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reelforge.errors import SafetyError
from reelforge.models.common import load_document
from reelforge.models.manifest import Manifest
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import resolve_in_run

UNFINISHED = ("running", "interrupted")


@dataclass(frozen=True)
class Problem:
    path: str
    status: str  # "missing" | "changed" | "unsafe" | "credentials" | "unfinished"
    expected: str
    actual: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"path": self.path, "status": self.status, "expected": self.expected, "actual": self.actual}


@dataclass
class VerifyReport:
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_run(run_dir: Path) -> VerifyReport:
    manifest = load_document(Manifest, run_dir / "manifest.json", document="manifest.json")
    expected: dict[str, str] = {a.path: a.sha256 for a in manifest.assets}
    if manifest.outputs.video and manifest.outputs.sha256:
        expected[manifest.outputs.video] = manifest.outputs.sha256
    report = VerifyReport()
    for rel, sha in sorted(expected.items()):
        report.checked += 1
        try:
            path = resolve_in_run(run_dir, rel)
        except SafetyError:
            report.problems.append(Problem(rel, "unsafe", sha))
            continue
        if not path.is_file():
            report.problems.append(Problem(rel, "missing", sha))
            continue
        actual = sha256_file(path)
        if actual != sha:
            report.problems.append(Problem(rel, "changed", sha, actual))
    if manifest.credentials:
        from reelforge.credentials.verify import verify_credentials

        report.checked += 1
        report.problems += [Problem(p.path, "credentials", "valid C2PA credentials matching manifest.json", p.reason)
                            for p in verify_credentials(run_dir, manifest)]
    if manifest.status in UNFINISHED:
        # a run killed mid-way (kill -9, power loss) keeps "running": its files may match, the run is not done
        report.problems.append(Problem("manifest.json", "unfinished", "succeeded", manifest.status))
    return report
