"""The review pages driven in Debian's chromium against a live studio on 127.0.0.1: approve a candidate and see the
file move on disk, record a QA verdict and read it back from disk, start a dry-run generate and watch it finish."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.studio.conftest import StudioServer, csrf_of, logged_in_client, needs_browser
from tests.studio_workspace import JOB, PERSONA, candidate_name, make_review_workspace

pytestmark = [needs_browser, pytest.mark.slow]


@pytest.fixture
def review_assets(studio_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(studio_workspace)
    return make_review_workspace(studio_workspace, render=False)


@pytest.fixture
def review_render(studio_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(studio_workspace)
    return make_review_workspace(studio_workspace, render=True)


def test_approve_a_candidate_moves_the_file_to_approved(review_assets: Path, studio_server: StudioServer,
                                                        studio_page: Any) -> None:
    page = studio_page
    page.goto(f"{studio_server.base_url}/assets")
    page.click(f"a[href='/assets/{PERSONA}']")
    cards = page.locator("[data-state=candidate] article.candidate-card")
    assert cards.count() == 2  # side by side, each with what made it
    name = candidate_name("image-run-002")
    card = page.locator(f"article[data-file='images/candidates/{name}']")
    assert "evening lamp light" in card.inner_text() and "seed" in card.inner_text()
    card.locator("input[name=note]").fill("warmer light")
    card.locator("button[value=approve]").click()
    page.wait_for_selector(".flash.ok")
    assert "approved" in page.locator(".flash.ok").inner_text()
    asset_dir = review_assets / "assets" / PERSONA
    assert (asset_dir / "images/approved" / name).is_file()
    assert not (asset_dir / "images/candidates" / name).exists()
    asset = json.loads((asset_dir / "asset.json").read_text(encoding="utf-8"))
    assert asset["heroImagePath"] == f"images/approved/{name}" and asset["status"] == "approved"
    assert asset["decisions"][-1]["note"] == "warmer light"
    assert page.locator(f"[data-state=approved] article[data-file='images/approved/{name}'].hero").count() == 1
    # the image the page shows is served from the workspace
    page.locator("[data-state=approved] img").scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('[data-state=approved] img').naturalWidth > 0")


def test_a_qa_verdict_is_written_to_disk_and_never_defaulted(review_render: Path, studio_server: StudioServer,
                                                             studio_page: Any) -> None:
    page = studio_page
    page.goto(f"{studio_server.base_url}/renders")
    assert page.locator(f"tr[data-job='{JOB}'] .badge").first.inner_text() == "review_pending"
    page.click(f"tr[data-job='{JOB}'] a[href='/renders/{JOB}']")
    assert page.locator("input[name=verdict]").count() == 3
    assert page.locator("input[name=verdict]:checked").count() == 0  # no default verdict
    page.click("button:has-text('Record verdict')")  # the browser refuses: a verdict is required
    manifest_path = review_render / "renders" / JOB / "manifest.json"
    assert json.loads(manifest_path.read_text(encoding="utf-8"))["status"] == "review_pending"
    assert not (review_render / "renders" / JOB / "qa").exists() or not any((review_render / "renders" / JOB /
                                                                               "qa").iterdir())
    page.check("input[name=verdict][value=revise]")
    page.click("button:has-text('Record verdict')")  # revise without what failed: the library's message
    page.wait_for_selector(".qa-form .flash.error")
    assert "failed" in page.locator(".qa-form .flash.error").inner_text()
    page.check("input[name=verdict][value=revise]")
    page.fill("#failed", "the still does not move\nvoice too flat")
    page.select_option("#rerun_stage", "image")
    page.check("input[name=issue][value=image_realism]")
    page.fill("#reviewer", "lead")
    page.fill("#notes", "try a photo")
    page.click("button:has-text('Record verdict')")
    page.wait_for_selector(f"tr[data-qa='qa-{JOB}-001']")
    record = json.loads((review_render / "renders" / JOB / "qa" / f"qa-{JOB}-001.json").read_text(encoding="utf-8"))
    assert record["verdict"] == "revise" and record["rerunStage"] == "image"
    assert record["badReasons"] == ["the still does not move", "voice too flat"]
    assert record["issueCategories"] == ["image_realism"] and record["reviewer"] == "lead"
    assert record["notes"] == "try a photo"
    assert json.loads(manifest_path.read_text(encoding="utf-8"))["status"] == "revise_requested"
    assert page.locator("[data-status]").inner_text() == "revise_requested"
    # the trace of the job now ends at this QA report
    page.click("a:has-text('Trace the chain')")
    qa_link = page.locator("li[data-stage='QA report']")
    assert f"qa-{JOB}-001" in qa_link.inner_text() and "revise" in qa_link.inner_text()


def test_dry_run_generate_from_the_form_reaches_done(studio_workspace: Path, studio_server: StudioServer,
                                                     studio_page: Any) -> None:
    page = studio_page
    page.goto(f"{studio_server.base_url}/new")
    page.fill("#brief", "one tip for better sleep")
    page.select_option("#captions", "karaoke")
    page.check("input[name=dry_run]")
    page.click("button:has-text('Plan')")
    page.wait_for_selector("#plan")
    assert "$0.00" in page.locator("#plan .estimate").inner_text()
    assert page.get_attribute("#plan", "data-needs-confirmation") == "no"
    page.click("#start")
    page.wait_for_selector("#generate-log[data-state=done]", timeout=180_000)
    lines = page.locator("#generate-log div").all_inner_texts()
    assert any(line.startswith("narration") for line in lines) and any(line.startswith("captions") for line in lines)
    assert page.locator("#progress").get_attribute("value") == "100"
    href = page.locator("#generate-result a").get_attribute("href")
    run_id = href.rsplit("/", 1)[-1]
    run_dir = studio_workspace / "videos" / run_id
    assert (run_dir / "render-spec.json").is_file()
    assert json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))["status"] == "planned"


def test_a_paid_plan_waits_for_the_confirmation(studio_workspace: Path, studio_server: StudioServer,
                                                studio_page: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    planted = "sk-planted-studio-key-0123456789"
    monkeypatch.setenv("OPENAI_API_KEY", planted)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9")  # nothing listens: a call would fail loudly
    (studio_workspace / "reelforge.toml").write_text("max_usd = 0.01\n", encoding="utf-8")
    page = studio_page
    page.goto(f"{studio_server.base_url}/new")
    page.fill("#brief", "three tips for better sleep")
    page.select_option("#visual", "generate")
    page.click("button:has-text('Plan')")
    page.wait_for_selector("#plan")
    assert page.get_attribute("#plan", "data-needs-confirmation") == "yes"
    assert page.locator("#start").is_disabled()
    page.check("#confirm_cost")
    assert page.locator("#start").is_enabled()
    assert planted not in page.content()
    with logged_in_client(studio_server) as client:  # the server refuses the same form unconfirmed
        csrf = csrf_of(client.get("/new").text)
        answer = client.post("/new/start", data={"brief": "three tips for better sleep", "visual": "generate"},
                             headers={"X-CSRF-Token": csrf})
        assert answer.status_code == 400 and "confirm" in answer.json()["error"]["message"]
        assert planted not in answer.text
    assert not (studio_workspace / "videos").exists()
