"""The studio's view models read the same records the CLI writes and act through the same library calls."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from reelforge.errors import InvalidInputError, NotFoundError, SafetyError, SchemaValidationError
from reelforge.studio.views_assets import asset_rows, asset_view, review_candidate
from reelforge.studio.views_new import NewVideoForm, plan_video, run_video
from reelforge.studio.views_renders import QAForm, render_rows, render_view, submit_qa
from reelforge.studio.views_trace import trace_view
from reelforge.workspace.paths import Workspace
from tests.studio_workspace import JOB, PERSONA, PROMPTS, TAKE, candidate_name, make_review_workspace


@pytest.fixture
def assets_ws(workspace: Path) -> Path:
    return make_review_workspace(workspace, render=False)


@pytest.fixture(scope="module")
def render_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("studio-render") / "ws"
    root.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        yield make_review_workspace(root, render=True)


def test_asset_view_shows_what_made_each_candidate(assets_ws: Path) -> None:
    rows = asset_rows(assets_ws)
    assert [r.asset_id for r in rows] == [PERSONA, TAKE]  # the one waiting for a review first
    assert rows[0].pending == 2
    view = asset_view(assets_ws, PERSONA)
    candidates = view.in_state("candidate")
    assert [c.prompt for c in candidates] == list(PROMPTS)
    assert [c.seed for c in candidates] == [41, 42]
    assert {c.model for c in candidates} == {"image-local-designed"}
    assert all(c.cost_usd == 0.0 and c.path_taken == "fallback" and c.exists for c in candidates)
    assert candidates[0].workspace_path == f"assets/{PERSONA}/images/candidates/{candidate_name('image-run-001')}"
    lineage = {link.key: link for link in view.lineage}
    assert lineage["campaignId"].value == "camp-1"
    assert lineage["sourceBasis"].file == "research/benchmark-01.md"
    assert view.hero is None and view.status == "review_pending"


def test_review_candidate_moves_the_file_like_the_cli(assets_ws: Path) -> None:
    name = candidate_name("image-run-002")
    result = review_candidate(assets_ws, PERSONA, name, "approve", note="  best light  ")
    assert result["state"] == "approved"
    assert (assets_ws / f"assets/{PERSONA}/images/approved/{name}").is_file()
    assert not (assets_ws / f"assets/{PERSONA}/images/candidates/{name}").exists()
    view = asset_view(assets_ws, PERSONA)
    assert view.hero == f"images/approved/{name}" and view.status == "approved"
    assert view.decisions[-1]["note"] == "best light"
    review_candidate(assets_ws, PERSONA, candidate_name("image-run-001"), "reject")
    assert (assets_ws / f"assets/{PERSONA}/images/rejected/{candidate_name('image-run-001')}").is_file()
    with pytest.raises(InvalidInputError):
        review_candidate(assets_ws, PERSONA, name, "delete")
    with pytest.raises(NotFoundError):
        review_candidate(assets_ws, PERSONA, "nope.png", "approve")
    outside = assets_ws.parent / "outside.png"
    outside.write_bytes(b"x")
    with pytest.raises(SafetyError):
        review_candidate(assets_ws, PERSONA, str(outside), "approve")
    assert outside.is_file()


def test_render_stays_review_pending_until_a_person_submits(render_ws: Path) -> None:
    rows = render_rows(render_ws)
    assert [(r.job_id, r.status, r.prediction_id) for r in rows] == [(JOB, "review_pending",
                                                                      "local-.animatic-render")]
    view = render_view(render_ws, JOB)
    assert view.qa == [] and view.video == f"renders/{JOB}/renders/render-001.mp4" and view.reviewable
    with pytest.raises(SchemaValidationError) as info:
        QAForm.parse({"worked": "voice matches"})  # no verdict: never a default one
    assert info.value.issues[0].path == "verdict"
    assert render_view(render_ws, JOB).row.status == "review_pending"
    with pytest.raises(SchemaValidationError):  # revise needs what failed and the stage
        submit_qa(render_ws, JOB, QAForm.parse({"verdict": "revise"}))
    form = QAForm.parse({"verdict": "revise", "failed": "hook is weak\n\n pacing drags ", "rerun_stage": "script",
                         "notes": "try a question", "reviewer": "lead"}, issues=["hook_weak"])
    report = submit_qa(render_ws, JOB, form)
    on_disk = json.loads(Path(report["path"]).read_text(encoding="utf-8"))
    assert on_disk["verdict"] == "revise" and on_disk["badReasons"] == ["hook is weak", "pacing drags"]
    assert on_disk["rerunStage"] == "script" and on_disk["issueCategories"] == ["hook_weak"]
    view = render_view(render_ws, JOB)
    assert view.row.status == "revise_requested"
    assert [(q.verdict, q.reviewer, q.current) for q in view.qa] == [("revise", "lead", True)]


def test_trace_links_the_chain_and_flags_a_changed_file(render_ws: Path) -> None:
    view = trace_view(render_ws, JOB)
    links = view.chains[0].links
    assert [link.stage for link in links][:3] == ["campaign", "concept", "persona"]
    assert {link.stage: link.kind for link in links}["render job"] == "render"
    assert {link.stage: link.kind for link in links}["voice take"] == "asset"
    assert view.chains[0].changed == []
    take = render_ws / f"assets/{TAKE}/audio/approved/take.wav"
    original = take.read_bytes()
    try:
        take.write_bytes(original + b"\0")
        chain = trace_view(render_ws, TAKE).chains[0]
        assert [f.path for f in chain.changed] == [f"assets/{TAKE}/audio/approved/take.wav"]
        assert next(link for link in chain.links if link.stage == "voice take").flagged
    finally:
        take.write_bytes(original)
    with pytest.raises(NotFoundError):
        trace_view(render_ws, "nope")


def test_new_video_form_names_bad_fields() -> None:
    with pytest.raises(SchemaValidationError) as info:
        NewVideoForm.parse({"brief": "", "mode": "opera", "aspect": "4:3"})
    assert [i.path for i in info.value.issues] == ["brief", "mode", "aspect"]
    form = NewVideoForm.parse({"brief": " sleep tips ", "captions": "karaoke", "voice": "", "dry_run": "1"})
    assert form.settings == {"captions": "karaoke"} and form.dry_run and form.confirmed_usd is None


def test_paid_plan_needs_a_confirmation_for_that_amount(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-planted-never-called")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9")  # nothing listens: a call would fail loudly
    (workspace / "reelforge.toml").write_text("max_usd = 0.01\n", encoding="utf-8")
    ws = Workspace.at(workspace)
    fields = {"brief": "three tips for better sleep", "visual": "generate"}
    plan = plan_video(ws, NewVideoForm.parse(fields))
    assert plan.cost.usd > 0.01 and plan.needs_confirmation and not plan.confirmed
    events: list[dict[str, object]] = []
    with pytest.raises(InvalidInputError, match="not confirmed"):
        run_video(ws, NewVideoForm.parse(fields), events.append)
    too_little = {**fields, "confirm_cost": "on", "confirmed_usd": str(plan.cost.usd / 2)}
    with pytest.raises(InvalidInputError, match="not confirmed"):
        run_video(ws, NewVideoForm.parse(too_little), events.append)
    assert events == [] and not (workspace / "videos").exists()  # refused before any run or call
    confirmed = plan_video(ws, NewVideoForm.parse({**fields, "confirm_cost": "on",
                                                   "confirmed_usd": str(plan.cost.usd)}))
    assert confirmed.confirmed
    dry = plan_video(ws, NewVideoForm.parse({**fields, "dry_run": "1"}))
    assert dry.cost.usd == 0 and not dry.needs_confirmation


def test_dry_run_reports_progress_and_plans_a_run(workspace: Path) -> None:
    events: list[dict[str, object]] = []
    result = run_video(Workspace.at(workspace), NewVideoForm.parse({"brief": "one tip for better sleep",
                                                                    "dry_run": "on"}), events.append)
    assert result["dryRun"] and result["status"] == "planned" and result["video"] is None
    progress = [float(str(e["progress"])) for e in events]
    assert progress == sorted(progress) and progress[-1] > 0.3
    assert {"script", "narration", "captions"} <= {e["stage"] for e in events}
    assert (workspace / "videos" / str(result["runId"]) / "render-spec.json").is_file()
    decisions = (workspace / "videos" / str(result["runId"]) / "decisions.jsonl").read_text(encoding="utf-8")
    assert '"who": "interactive"' in decisions and '"proposed"' in decisions
