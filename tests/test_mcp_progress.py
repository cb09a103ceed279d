"""Run progress as MCP clients see it: monotonic, weighted by stage, 1.0 only on success."""

from __future__ import annotations

from reelforge.mcp.jobs import JobReporter, RunJob


def test_progress_never_moves_backwards_across_stage_boundaries() -> None:
    job = RunJob(job_id="j")
    report = JobReporter(job)
    seen = [job.progress]
    for stage in ("script", "narration", "visuals", "captions"):
        report.stage_started(stage)
        seen.append(job.progress)
        report.stage_finished(stage, 0.1, "ok")
        seen.append(job.progress)
    report.stage_started("render")
    for fraction in (0.0, 0.5, 1.0):
        report.progress("render", fraction)
        seen.append(job.progress)
    assert seen == sorted(seen)
    assert seen[-1] == 0.99  # rendered but not yet succeeded
    assert 0.49 < seen[8] < 0.51  # the four stages before render are half the weight
    job.status = "succeeded"
    assert job.progress == 1.0
