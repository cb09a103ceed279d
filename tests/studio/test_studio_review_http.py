"""The review pages over plain HTTP: ids that name nothing are 404, concurrent reviews of one asset lose nothing,
a QA form without a verdict writes nothing, and no planted key reaches a page."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reelforge.studio import StudioConfig
from reelforge.studio.server import StudioThread
from tests.studio.conftest import StudioServer, csrf_of, logged_in_client
from tests.studio_workspace import JOB, PERSONA, TAKE, candidate_name, make_review_workspace

PLANTED = "sk-planted-0123456789abcdef"
pytestmark = pytest.mark.slow  # one real (local animatic) render for the module


@pytest.fixture(scope="module")
def render_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, StudioServer]]:
    """One render workspace and one server for the read-mostly tests of this module (a render costs seconds)."""
    root = tmp_path_factory.mktemp("review-http") / "ws"
    root.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith("REELFORGE_") or name.endswith("_API_KEY"):
                mp.delenv(name, raising=False)
        mp.chdir(root)
        make_review_workspace(root, render=True)
        with StudioThread(StudioConfig(workspace=root, port=0)) as server:
            yield root, StudioServer(server.base_url, server.config.token)


@pytest.fixture
def review_render(render_site: tuple[Path, StudioServer]) -> Path:
    return render_site[0]


@pytest.fixture
def render_client(render_site: tuple[Path, StudioServer]) -> Iterator[httpx.Client]:
    with logged_in_client(render_site[1]) as client:
        yield client


def _csrf(client: httpx.Client) -> str:
    return csrf_of(client.get("/assets").text)


def test_ids_that_name_nothing_are_404(review_render: Path, render_client: httpx.Client) -> None:
    studio_client = render_client
    for url in ("/assets/%2e%2e", "/assets/a%20b", "/assets/nope", f"/renders/{JOB}.x", "/renders/%2e%2e",
                "/renders/nope", "/trace/%2e%2e", "/trace/nope", f"/trace/{JOB}%20"):
        answer = studio_client.get(url)
        assert answer.status_code == 404, (url, answer.status_code)
    csrf = _csrf(studio_client)
    answer = studio_client.post(f"/renders/{JOB}.x/qa", data={"csrf": csrf, "verdict": "approved", "worked": "x"})
    assert answer.status_code == 404 and not (review_render / "renders" / JOB / "qa").exists()


def test_concurrent_reviews_of_one_asset_keep_both(studio_workspace: Path, studio_server: StudioServer,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(studio_workspace)
    review_render = make_review_workspace(studio_workspace, render=False)
    names = [candidate_name("image-run-002"), candidate_name("image-run-001")]
    decisions = {names[0]: "approve", names[1]: "reject"}
    answers: dict[str, int] = {}

    def review(name: str) -> None:
        with logged_in_client(studio_server, follow_redirects=False) as client:
            answers[name] = client.post(f"/assets/{PERSONA}/review", data={
                "csrf": _csrf(client), "file": name, "decision": decisions[name]}).status_code

    threads = [threading.Thread(target=review, args=(n,)) for n in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == {names[0]: 303, names[1]: 303}
    asset_dir = review_render / "assets" / PERSONA
    assert (asset_dir / "images/approved" / names[0]).is_file()
    assert (asset_dir / "images/rejected" / names[1]).is_file()
    index = json.loads((asset_dir / "index.json").read_text(encoding="utf-8"))
    kinds = {e["path"]: e["kind"] for e in index["images"]}
    assert kinds == {f"images/approved/{names[0]}": "approved", f"images/rejected/{names[1]}": "rejected"}
    asset = json.loads((asset_dir / "asset.json").read_text(encoding="utf-8"))
    assert sorted(d["decision"] for d in asset["decisions"]) == ["approved", "rejected"]
    assert asset["heroImagePath"] == f"images/approved/{names[0]}"


def test_review_and_qa_posts_need_the_csrf_token_and_a_verdict(review_render: Path,
                                                               render_client: httpx.Client) -> None:
    studio_client = render_client
    name = candidate_name("image-run-002")
    answer = studio_client.post(f"/assets/{PERSONA}/review", data={"file": name, "decision": "approve"})
    assert answer.status_code == 403
    assert (review_render / f"assets/{PERSONA}/images/candidates/{name}").is_file()
    csrf = _csrf(studio_client)
    answer = studio_client.post(f"/renders/{JOB}/qa", data={"csrf": csrf, "worked": "looks right"})
    assert answer.status_code == 400 and "verdict" in answer.text
    manifest = json.loads((review_render / "renders" / JOB / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "review_pending" and manifest["qaReports"] == []
    assert not (review_render / "renders" / JOB / "qa").exists() or not any(
        (review_render / "renders" / JOB / "qa").iterdir())
    answer = studio_client.post(f"/assets/{PERSONA}/review", data={"csrf": csrf, "file": f"../{TAKE}/asset.json",
                                                                     "decision": "approve"})
    assert answer.status_code == 404  # outside the asset: refused, nothing moved
    assert (review_render / f"assets/{TAKE}/asset.json").is_file()


def test_no_planted_key_on_any_review_page(review_render: Path, render_client: httpx.Client,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    studio_client = render_client
    for name in ("OPENAI_API_KEY", "FAL_KEY", "ARK_API_KEY", "PEXELS_API_KEY"):
        monkeypatch.setenv(name, PLANTED)
    pages = ["/assets", f"/assets/{PERSONA}", f"/assets/{TAKE}", "/renders", f"/renders/{JOB}", "/trace",
             f"/trace/{JOB}", f"/trace/{PERSONA}", "/new"]
    for url in pages:
        answer = studio_client.get(url)
        assert answer.status_code == 200, url
        assert PLANTED not in answer.text, url
    csrf = _csrf(studio_client)
    answer = studio_client.post("/new/plan", data={"csrf": csrf, "brief": "sleep tips", "visual": "generate"})
    assert answer.status_code == 200 and "$" in answer.text and PLANTED not in answer.text
