"""`reelforge mcp` driven by the MCP SDK's own clients, over stdio and over streamable HTTP on loopback."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from reelforge.workspace.hashing import sha256_file
from tests.fakes.openai_server import OpenAIFake
from tests.mcp_helpers import http_session, run, start_http_server, stdio_session, structured

TOKEN = "test-token-3f9a"  # a loopback test server's token
TINY = {"duration": "2", "captions": "none", "aspect": "16:9"}
PAID_SCRIPT = {"schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": "en", "title": "Sleep better",
               "scenes": [{"id": "intro", "durationSec": 1.5, "narration": "Dim your screens before bed.",
                           "visual": {"prompt": "a dim bedroom at night"}}]}
PAID_OPTIONS = {"visual": "generate", "voice": "none", "captions": "none"}


async def plan_generate_and_check(session: Any, *, poll_with: str) -> dict[str, Any]:
    """plan -> generate (refused until the mode is confirmed) -> wait/poll -> get_run -> verify."""
    plan = structured(await session.call_tool("plan_video", {"brief": "one tip for sleep", "options": TINY}))
    assert plan["script"]["scenes"][0]["narration"] == "one tip for sleep"
    # a 4-word brief is ~1.3 s of speech: --duration 2 is met by choosing what is said, never padded with silence
    assert 0.8 <= plan["timing"]["totalSec"] <= 2.0 + 0.3
    assert plan["providers"]["voice"] == "piper" and plan["cost"]["usd"] == 0.0
    subjects = {c["subject"]: c for c in plan["checkpoints"]}
    assert subjects["video.mode-selection"]["required"] is True
    assert subjects["video.cost-confirmation"]["required"] is False

    ask = structured(await session.call_tool("generate_video", {"brief": "one tip for sleep", "options": TINY}))
    assert ask["status"] == "needs-decision" and ask["runId"] is None
    assert [p["subject"] for p in ask["pending"]] == ["video.mode-selection"]

    started = structured(await session.call_tool("generate_video", {
        "brief": "one tip for sleep", "options": TINY,
        "decisions": {"modeConfirmed": True, "rationale": "user said: shorts 16:9 is fine"}}))
    assert started["status"] in ("running", "succeeded") and started["runId"]
    run_id = started["runId"]

    notes: list[tuple[float, float | None, str | None]] = []
    if poll_with == "wait_run":
        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            notes.append((progress, total, message))

        final = structured(await session.call_tool("wait_run", {"run_id": run_id}, progress_callback=on_progress))
        assert notes and notes[-1][0] == 1.0 and notes[-1][2] == "succeeded"
        assert [n[0] for n in notes] == sorted(n[0] for n in notes)  # progress only moves forward
    else:
        import anyio

        for _ in range(600):
            final = structured(await session.call_tool("get_run", {"run_id": run_id}))
            if final["status"] != "running":
                break
            await anyio.sleep(0.5)
    assert final["status"] == "succeeded", final
    got = structured(await session.call_tool("get_run", {"run_id": run_id}))
    video = Path(got["outputs"]["video"])
    assert video.is_file() and got["outputs"]["sha256"] == sha256_file(video)
    assert got["outputs"]["durationSec"] == pytest.approx(plan["timing"]["totalSec"], abs=0.1)  # the speech, unpadded
    mode, cost = got["decisions"]
    assert (mode["subject"], mode["decision"], mode["who"]) == ("video.mode-selection", "confirmed", "mcp-client")
    assert mode["rationale"] == "user said: shorts 16:9 is fine"
    assert (cost["decision"], cost["who"]) == ("not-required", "mcp-client")

    verified = structured(await session.call_tool("verify", {"run_id": run_id}))
    assert verified["ok"] is True and verified["checked"] >= 5 and verified["problems"] == []
    checked = await session.call_tool("check", {"run_id": run_id, "platform": "generic", "sync": False})
    report = structured(checked)
    assert checked.is_error is False and report["exitCode"] in (0, 1) and report["platform"] == "generic"
    assert {r["id"] for r in report["results"]} and report["runId"] == run_id
    listed = structured(await session.call_tool("list_runs", {}))
    assert run_id in [r["runId"] for r in listed["runs"]]
    return {"runId": run_id, "notes": notes}


@pytest.mark.slow
def test_stdio_plan_generate_wait_get_verify_and_resources(workspace: Path) -> None:
    async def scenario() -> None:
        async with stdio_session(workspace) as session:
            names = {t.name for t in (await session.list_tools()).tools}
            assert {"plan_video", "generate_video", "get_run", "list_runs", "rerender", "verify", "validate_script",
                    "get_schema", "asset_approve"} <= names
            done = await plan_generate_and_check(session, poll_with="wait_run")
            run_id = done["runId"]
            manifest = await session.read_resource(f"reelforge://runs/{run_id}/manifest")
            assert json.loads(manifest.contents[0].text)["runId"] == run_id
            sheet = await session.read_resource(f"reelforge://runs/{run_id}/contact-sheet")
            assert sheet.contents[0].mime_type == "image/png"
            assert base64.b64decode(sheet.contents[0].blob)[:8] == b"\x89PNG\r\n\x1a\n"
            image = await session.call_tool("contact_sheet", {"run_id": run_id})
            assert image.content[0].type == "image" and image.content[0].mime_type == "image/png"
            assert base64.b64decode(image.content[0].data) == base64.b64decode(sheet.contents[0].blob)
            missing = await session.call_tool("contact_sheet", {"run_id": "20990101-000000-nope"})
            text = missing.content[0].text
            assert missing.is_error is True and json.loads(text[text.index("{"):])["error"]["exitCode"] == 3
            script = await session.read_resource(f"reelforge://runs/{run_id}/script")
            assert json.loads(script.contents[0].text)["title"] == "one tip for sleep"

    run(scenario)


def test_a_bad_script_returns_every_error_with_its_dotted_path(workspace: Path) -> None:
    bad = {"schemaVersion": "1.0", "mode": "vlog", "aspect": "9:16", "locale": "en", "title": "x",
           "scenes": [{"id": "a", "durationSec": 2, "narration": "hi"}, {"id": "b", "durationSec": -1}]}

    async def scenario() -> None:
        async with stdio_session(workspace) as session:
            result = await session.call_tool("validate_script", {"script": bad})
            assert result.is_error is False
            errors = {e["path"] for e in structured(result)["errors"]}
            assert {"mode", "scenes.1.durationSec"} <= errors
            good = structured(await session.call_tool("validate_script", {"script": {**bad, "mode": "shorts",
                                                                                   "scenes": bad["scenes"][:1]}}))
            assert good == {"valid": True, "errors": []}
            # the same script handed to generate_video is refused as structured content, not a crash
            refused = await session.call_tool("generate_video", {"script": bad, "decisions": {"modeConfirmed": True}})
            assert refused.is_error is True
            error = structured(refused)["error"]
            assert error["exitCode"] == 4 and {"mode", "scenes.1.durationSec"} <= {f["path"] for f in error["fields"]}
            schema = structured(await session.call_tool("get_schema", {"name": "script"}))["schema"]
            assert "scenes" in schema["properties"]
            request = structured(await session.call_tool("get_schema", {"name": "generate-request"}))["schema"]
            assert "decisions" in request["properties"]
            envelope = structured(await session.call_tool("get_schema", {"name": "manifest-envelope"}))["schema"]
            assert {"kind", "lineage", "assets", "exitCode"} <= set(envelope["properties"])
            assert not (workspace / "videos").exists()

    run(scenario)


GATED_CALLS: dict[str, dict[str, Any]] = {
    "asset_approve": {"asset_id": "hero", "file": "images/candidates/a.png"},
    "asset_reject": {"asset_id": "hero", "file": "images/candidates/a.png"},
    "render_submit": {"request": {"jobId": "job-1"}},
    "render_status": {"job_id": "job-1"},
    "qa_record": {"job_id": "job-1", "verdict": "approved", "worked": ["lip sync"]},
}


def test_approvals_are_refused_without_allow_approvals(workspace: Path) -> None:
    async def call(*flags: str) -> dict[str, dict[str, Any]]:
        errors = {}
        async with stdio_session(workspace, *flags) as session:
            for tool, args in GATED_CALLS.items():
                result = await session.call_tool(tool, args)
                assert result.is_error is True, tool
                errors[tool] = structured(result)["error"]
        return errors

    refused = run(lambda: call())
    for tool, error in refused.items():
        assert error["kind"] == "safety" and error["exitCode"] == 2, tool
        assert f"{tool} acts on a person's behalf" in error["message"] and "--allow-approvals" in error["hint"]
    allowed = run(lambda: call("--allow-approvals"))  # reaches the library, which has no such asset or job
    for tool, error in allowed.items():
        assert "--allow-approvals" not in error["message"] + error.get("hint", ""), tool
    assert not (workspace / "renders").exists() or not any((workspace / "renders").iterdir())


def test_image_generate_needs_the_cost_decision_then_writes_the_asset(
        workspace: Path, openai_fake: OpenAIFake) -> None:
    request = {"assetId": "cover-1", "runId": "image-run-001", "campaignId": "camp-1", "personaId": "p-1",
               "conceptId": "c-1", "assetPurpose": "cover_frame", "sourceBasis": ["brief.md"],
               "prompt": "a creator at a desk, natural window light", "model": "image-gpt-image-2-text",
               "localAssetDir": "assets/cover-1"}

    async def scenario() -> None:
        async with stdio_session(workspace) as session:
            refused = await session.call_tool("image_generate", {"request": request})
            assert refused.is_error is True and structured(refused)["error"]["exitCode"] == 4
            assert openai_fake.submits == 0
            made = await session.call_tool("image_generate", {"request": request, "cost_approved": True})
            assert made.is_error is False, structured(made)
            assert openai_fake.submits == 1
            listed = structured(await session.call_tool("asset_list", {}))
            assert "cover-1" in [a["assetId"] for a in listed["assets"]]

    run(scenario)


@pytest.mark.slow
def test_a_paid_path_stops_at_the_cost_checkpoint_until_the_decision_is_given(
        workspace: Path, openai_fake: OpenAIFake) -> None:
    async def scenario() -> None:
        async with stdio_session(workspace) as session:
            args: dict[str, Any] = {"script": PAID_SCRIPT, "options": PAID_OPTIONS}
            plan = structured(await session.call_tool("plan_video", args))
            cost_q = next(c for c in plan["checkpoints"] if c["subject"] == "video.cost-confirmation")
            assert cost_q["required"] is True and cost_q["details"]["usd"] == 0.25

            waiting = structured(await session.call_tool("generate_video", {
                **args, "decisions": {"modeConfirmed": True}}))
            assert waiting["status"] == "needs-decision"
            assert [p["subject"] for p in waiting["pending"]] == ["video.cost-confirmation"]
            assert openai_fake.submits == 0

            declined = structured(await session.call_tool("generate_video", {
                **args, "decisions": {"modeConfirmed": True, "costApproved": False, "rationale": "too dear"}}))
            failed = structured(await session.call_tool("wait_run", {"run_id": declined["runId"]}))
            assert failed["status"] == "failed" and failed["exitCode"] == 4
            assert failed["decisions"][-1]["decision"] == "declined" and openai_fake.submits == 0

            approved = structured(await session.call_tool("generate_video", {
                **args, "decisions": {"modeConfirmed": True, "costApproved": True, "rationale": "ok, spend it"}}))
            final = structured(await session.call_tool("wait_run", {"run_id": approved["runId"]}))
            assert final["status"] == "succeeded", final
            assert openai_fake.submits == 1 and final["cost"]["usd"] == 0.25
            cost = final["decisions"][-1]
            assert (cost["subject"], cost["decision"], cost["who"], cost["rationale"]) == (
                "video.cost-confirmation", "approved", "mcp-client", "ok, spend it")
            assert cost["details"]["guardrailUsd"] == 0.2

    run(scenario)


@pytest.mark.slow
def test_http_needs_the_bearer_token_and_runs_the_same_flow(workspace: Path) -> None:
    proc, url = start_http_server(workspace, TOKEN)
    try:
        hello = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
        headers = {"accept": "application/json, text/event-stream"}
        assert httpx.post(url, json=hello, headers=headers).status_code == 401
        wrong = httpx.post(url, json=hello, headers={**headers, "authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
        assert TOKEN not in wrong.text

        async def scenario() -> None:
            async with http_session(url, TOKEN) as session:
                await plan_generate_and_check(session, poll_with="get_run")

        run(scenario)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
