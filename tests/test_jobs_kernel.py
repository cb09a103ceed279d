"""The job kernel: one state machine, live-vs-dead submitters, the poll loop and the cost guard."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from reelforge.errors import InvalidInputError, JobBusyError
from reelforge.jobs import owner
from reelforge.jobs.attempts import AttemptLog
from reelforge.jobs.cost import Estimate, check_guardrail, estimate_lines, over_approved
from reelforge.jobs.poll import poll_until
from reelforge.jobs.states import check_transition, phase_of
from tests.fakes.ark_server import ArkFake
from tests.fakes.image_requests import request, runner

MODEL = "image-seedream-v5-lite-text"


def test_a_dead_submitter_leaves_the_attempt_in_doubt_and_the_change_reaches_the_manifest(tmp_path: Path) -> None:
    seen: list[str] = []
    log = AttemptLog(tmp_path / "run-001", asset_id="a", run_id="run-001", on_change=lambda a: seen.append(a["state"]))
    attempt = log.create({"model": "m"}, operation="text", new_attempt=False)
    assert owner.is_live(log.attempt_dir(attempt["attemptId"]))
    assert log.latest()["state"] == "submitting"  # type: ignore[index]
    log.release(attempt)  # what the kernel does for a process killed with -9
    latest = log.latest()
    assert latest is not None and latest["state"] == "in_doubt" and latest["phase"] == "in_doubt"
    assert seen == ["in_doubt"]
    record = json.loads((log.attempt_dir(attempt["attemptId"]) / "attempt.json").read_text())
    assert record["error"]["kind"] == "submitter_gone" and "new try" in record["nextAction"]
    with pytest.raises(InvalidInputError, match="already submitted"):
        log.create({"model": "m"}, operation="text", new_attempt=False)
    again = log.create({"model": "m"}, operation="text", new_attempt=True)  # only --new-attempt pays again
    assert again["attemptId"] == "attempt-002"


def test_a_live_submitter_makes_a_second_caller_wait_never_pay(workspace: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    with ArkFake(latency=1.5) as fake:
        monkeypatch.setenv("ARK_API_KEY", fake.key)
        monkeypatch.setenv("REELFORGE_ARK_BASE_URL", fake.base + "/api/v3")
        run = runner(workspace)
        first = run.prepare(request(model=MODEL), "text")
        results: list[Any] = []
        thread = threading.Thread(target=lambda: results.append(run.submit(first)))
        thread.start()
        deadline = time.monotonic() + 10
        while not first.log.index_path.is_file() and time.monotonic() < deadline:
            time.sleep(0.01)
        second = run.prepare(request(model=MODEL), "text")  # another batch naming the same run
        for new_attempt in (False, True):
            with pytest.raises(JobBusyError) as info:
                run.submit(second, new_attempt=new_attempt)
            assert "being submitted right now" in info.value.message and "pay" not in info.value.message
            assert "do not pass --new-attempt" in (info.value.hint or "")
        skipped = run.run_one(second)
        assert isinstance(skipped.error, JobBusyError) and skipped.state == "submitting"
        thread.join(timeout=20)
        assert results and results[0].state == "materialized"
        assert run.run_one(second).state == "materialized"  # after it finished: read, not resubmitted
        assert fake.submits == 1


def test_states_have_one_phase_each_and_refuse_impossible_transitions() -> None:
    assert phase_of("submitting") == "prepared"
    assert phase_of("submitted_processing") == "submitted"
    assert phase_of("materialization_failed") == "provider_completed"
    assert phase_of("provider_response_malformed") == "in_doubt"  # records written before the kernel
    assert phase_of("not_submitted") == "failed"
    check_transition("submitting", "in_doubt")
    with pytest.raises(ValueError):
        check_transition("materialized", "submitting")
    with pytest.raises(ValueError):
        check_transition("in_doubt", "submitted_processing")


def test_poll_loop_stops_before_the_deadline_and_says_so() -> None:
    slept: list[float] = []
    last, timed_out = poll_until(0, lambda n: n + 1, pending=lambda n: n < 100, interval=2.0, deadline_s=7.0,
                                 sleep=slept.append, clock=lambda: sum(slept))
    assert timed_out and last == 3 and slept == [2.0, 2.0, 2.0]
    last, timed_out = poll_until(0, lambda n: n + 1, pending=lambda n: n < 2, interval=0.0, deadline_s=1.0,
                                 sleep=slept.append)
    assert not timed_out and last == 2


def test_one_cost_guard_for_every_surface() -> None:
    est = estimate_lines([("image-gpt-image-2-text", 2, 0.25), ("image-local-designed", 3, 0.0)])
    assert est.usd == 0.5 and est.images == 5
    with pytest.raises(InvalidInputError, match=r"\$0.50 for 5 image\(s\)"):
        check_guardrail(est, max_usd=None, yes=False)
    check_guardrail(est, max_usd=None, yes=True)
    check_guardrail(Estimate(0.1, 0, {"x": 0.1}), max_usd=0.2, yes=False)
    assert over_approved(est, {"image-gpt-image-2-text": 0.5}) is None
    assert "approved $0.40" in (over_approved(est, {"image-gpt-image-2-text": 0.4}) or "")


def test_a_second_batch_over_the_same_runs_says_wait_not_pay(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from tests.cli_helpers import run_json

    with ArkFake(latency=2.0) as fake:
        monkeypatch.setenv("ARK_API_KEY", fake.key)
        monkeypatch.setenv("REELFORGE_ARK_BASE_URL", fake.base + "/api/v3")
        batch = workspace / "b.jsonl"
        batch.write_text(json.dumps(request(model=MODEL)) + "\n")
        run = runner(workspace)
        first = run.prepare(request(model=MODEL), "text")
        thread = threading.Thread(target=lambda: run.submit(first))
        thread.start()
        deadline = time.monotonic() + 10
        while not first.log.index_path.is_file() and time.monotonic() < deadline:
            time.sleep(0.01)
        code, out = run_json(capsys, "image", "generate", "--request", str(batch))
        thread.join(timeout=20)
        assert code == 1 and out["error"]["kind"] == "job-busy", out
        assert "being submitted right now" in out["error"]["message"]
        assert "--new-attempt" not in out["error"]["message"] and "do not pass --new-attempt" in out["error"]["hint"]
        assert fake.submits == 1


def test_two_racing_creates_make_one_attempt(tmp_path: Path) -> None:
    log = AttemptLog(tmp_path / "run-001", asset_id="a", run_id="run-001")
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def go() -> None:
        barrier.wait()
        try:
            log.create({"model": "m"}, operation="text", new_attempt=False)
            outcomes.append("created")
        except JobBusyError:
            outcomes.append("busy")

    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["busy"] * 7 + ["created"]
    assert len(json.loads(log.index_path.read_text())["attempts"]) == 1


def test_a_dead_submitter_found_by_create_reaches_the_manifest(tmp_path: Path) -> None:
    seen: list[str] = []
    log = AttemptLog(tmp_path / "run-001", asset_id="a", run_id="run-001", on_change=lambda a: seen.append(a["state"]))
    attempt = log.create({"model": "m"}, operation="text", new_attempt=False)
    log.release(attempt)
    with pytest.raises(InvalidInputError, match="in_doubt"):
        log.create({"model": "m"}, operation="text", new_attempt=False)
    assert seen == ["in_doubt"]
