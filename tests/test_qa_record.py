"""Human QA records: renders start review_pending, verdicts need reasons, the manifest keeps the history."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from reelforge.cli.qa_cmd import qa_group
from reelforge.errors import InvalidInputError, SchemaValidationError
from reelforge.qa import record_qa
from tests.fakes.fal_server import FalFake
from tests.fakes.render_assets import runner, talking_head, upstream


@pytest.fixture
def rendered(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    upstream(workspace)
    with FalFake(plan=["succeeded"]) as fal:
        monkeypatch.setenv("FAL_KEY", fal.key)
        monkeypatch.setenv("REELFORGE_FAL_BASE_URL", fal.base)
        run = runner(workspace)
        run.submit(run.prepare(talking_head()))
        assert run.poll("th-001").status == "review_pending"  # never auto-approved
        yield "th-001"


def _manifest(root: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((root / "renders/th-001/manifest.json").read_text())


@pytest.mark.parametrize("verdict", ["revise", "reject"])
def test_revise_and_reject_require_reasons(workspace: Path, rendered: str, verdict: str) -> None:
    with pytest.raises(SchemaValidationError) as info:
        record_qa(rendered, verdict=verdict, worked=["voice fits"], rerun_stage="image", workspace=workspace)
    assert info.value.exit_code == 4 and "--failed" in {i.path for i in info.value.issues}
    assert not (workspace / "renders/th-001/qa").exists() and _manifest(workspace)["status"] == "review_pending"


def test_revise_records_reasons_stage_and_history(workspace: Path, rendered: str) -> None:
    report = record_qa(rendered, verdict="revise", worked=["voice take fits the persona"],
                       failed=["face looks waxy at 720p"], rerun_stage="image", issues=["visual_realism"],
                       reviewer="dana", workspace=workspace)
    saved = json.loads(Path(report["path"]).read_text())
    assert saved["verdict"] == "revise" and saved["badReasons"] == ["face looks waxy at 720p"]
    assert saved["rerunStage"] == "image" and saved["targetVersion"] == _manifest(workspace)["assets"][0]["sha256"]
    manifest = _manifest(workspace)
    assert manifest["status"] == "revise_requested" and manifest["qaReports"][0]["qaReportId"] == saved["qaReportId"]
    assert manifest["feedback"][-1]["failed"] == ["face looks waxy at 720p"]


def test_cli_approved_needs_what_worked_and_writes_json(workspace: Path, rendered: str) -> None:
    cli = CliRunner()
    bad = cli.invoke(qa_group, ["record", rendered, "--verdict", "approved"])
    assert isinstance(bad.exception, SchemaValidationError)
    ok = cli.invoke(qa_group, ["record", rendered, "--verdict", "approved", "--worked", "lip sync holds",
                               "--score", "lipSync=4", "--format", "json"])
    body = json.loads(ok.stdout)
    assert ok.exit_code == 0 and body["exitCode"] == 0 and body["verdict"] == "approved"
    assert _manifest(workspace)["status"] == "approved"


def test_no_render_no_review(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    upstream(workspace)
    with FalFake(plan=["queued"]) as fal:
        monkeypatch.setenv("FAL_KEY", fal.key)
        monkeypatch.setenv("REELFORGE_FAL_BASE_URL", fal.base)
        run = runner(workspace)
        run.submit(run.prepare(talking_head()))
    with pytest.raises(InvalidInputError) as info:
        record_qa("th-001", verdict="approved", worked=["x"], workspace=workspace)
    assert "no downloaded render" in info.value.message
