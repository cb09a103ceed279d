"""The attempt log survives a kill between its two writes (attempt.json first, then index.json)."""

from __future__ import annotations

import json
from pathlib import Path

from reelforge.jobs.attempts import AttemptLog


def test_a_kill_between_attempt_and_index_writes_is_repaired_on_read(tmp_path: Path) -> None:
    log = AttemptLog(tmp_path / "run-001", asset_id="asset-1", run_id="run-001")
    attempt = log.create({"model": "m", "prompt": "p"}, operation="text", new_attempt=False)
    # what update(state="materialized") leaves when killed right after its first write
    record = {**attempt, "state": "materialized", "submitted": True}
    (log.attempt_dir(attempt["attemptId"]) / "attempt.json").write_text(json.dumps(record), encoding="utf-8")
    assert json.loads(log.index_path.read_text())["attempts"][-1]["state"] == "submitting"

    latest = log.latest()
    assert latest is not None and latest["state"] == "materialized"
    assert json.loads(log.index_path.read_text())["attempts"][-1]["state"] == "materialized"  # repaired
    assert log.blocking() == latest
