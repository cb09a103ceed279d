"""`reelforge render submit|poll|list` print one JSON object; the cost guardrail refuses before the network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reelforge.cli.render_cmd import render_group
from reelforge.errors import InvalidInputError
from tests.fakes.ark_video_server import ArkVideoFake
from tests.fakes.render_assets import seedance, upstream


def test_submit_poll_list_json(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    upstream(workspace)
    monkeypatch.setenv("REELFORGE_RENDER_POLL_INTERVAL_S", "0.01")
    monkeypatch.setenv("REELFORGE_RETRY_BASE_S", "0.01")
    (workspace / "req.json").write_text(json.dumps(seedance(draft=True)), encoding="utf-8")
    with ArkVideoFake() as ark:
        monkeypatch.setenv("ARK_API_KEY", ark.key)
        monkeypatch.setenv("REELFORGE_ARK_BASE_URL", ark.base + "/api/v3")
        cli = CliRunner()
        refused = cli.invoke(render_group, ["submit", "--request", "req.json", "--max-usd", "0.10"])
        assert isinstance(refused.exception, InvalidInputError) and "guardrail" in refused.exception.message
        assert ark.hits == 0
        out = cli.invoke(render_group, ["submit", "--request", "req.json", "--yes", "--format", "json"])
        body = json.loads(out.stdout)
        assert body["exitCode"] == 0 and body["status"] == "processing" and body["predictionId"] == "cgt-2026-0001"
        done = json.loads(cli.invoke(render_group, ["poll", "sd-001", "--wait", "5", "--format", "json"]).stdout)
        assert done["status"] == "review_pending" and done["files"] == ["renders/sd-001/renders/render-001.mp4"]
        listed = json.loads(cli.invoke(render_group, ["list", "--format", "json"]).stdout)
        assert [(j["jobId"], j["status"], j["resolution"]) for j in listed["jobs"]] == [
            ("sd-001", "review_pending", "480p")]
        assert ark.submits == 1
