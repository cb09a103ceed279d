"""The MCP server: tools with JSON-Schema'd inputs and structured results, and per-run resources.

Every tool calls a library function (pipeline.generate, pipeline.verify, the script model); a ReelforgeError
becomes a structured error result (kind, message, hint, exitCode, fields), never a crash.
"""

import functools
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
from mcp.server.mcpserver import Context, Image, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent
from pydantic import Field

from reelforge.errors import ReelforgeError, SafetyError
from reelforge.mcp.approvals import register_approval_tools
from reelforge.mcp.jobs import JobBoard, error_json
from reelforge.mcp.planning import (
    Decisions,
    VideoOptions,
    checkpoint_list,
    missing_decisions,
    questions,
    script_source,
    settings_for,
)
from reelforge.mcp.runs import list_run_summaries, read_manifest, run_dir_of, run_summary
from reelforge.models.common import issues_from
from reelforge.models.script import Script
from reelforge.pipeline.decisions import PlanningDecider, PresetDecider
from reelforge.pipeline.generate import GenerateRequest, generate
from reelforge.workspace.paths import Workspace

ToolResult = dict[str, Any]
BriefArg = Annotated[str, Field(description="one line about the video (ignored when script is given)")]
ScriptArg = Annotated[dict[str, Any] | None, Field(description="an authored script.json object (see get_schema)")]
RunIdArg = Annotated[str, Field(description="a runId from generate_video or list_runs")]
SCHEMA_NAMES = ("script", "timing", "render-spec", "manifest", "generate-request")


def structured_errors(fn: Callable[..., Awaitable[ToolResult]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return await fn(*args, **kwargs)
        except ReelforgeError as exc:
            body = {"error": error_json(exc)}
            return CallToolResult(content=[TextContent(type="text", text=json.dumps(body))],
                                  structured_content=body, is_error=True)
    return wrapper


def build_server(workspace: Workspace, *, allow_approvals: bool = False) -> MCPServer:
    server = MCPServer(
        name="reelforge",
        instructions="Make narrated, captioned short videos. plan_video first; generate_video needs the "
                     "mode-selection decision (and the cost decision when the estimate reaches the guardrail); "
                     "then wait_run or get_run, and verify.")
    board = JobBoard()

    def blocking(fn: Callable[[], ToolResult]) -> Awaitable[ToolResult]:
        return anyio.to_thread.run_sync(fn)

    @server.tool(description="Dry run: the script, a timing estimate, the providers chosen, the cost estimate and "
                             "the checkpoint questions. Renders nothing and spends nothing.")
    @structured_errors
    async def plan_video(brief: BriefArg = "", script: ScriptArg = None,
                         options: VideoOptions | None = None) -> ToolResult:
        def work() -> ToolResult:
            settings = settings_for(workspace, options)
            script_path = script_source(workspace, brief, script)
            _, mode_q, cost_q = questions(workspace, settings, brief, script_path)
            result = generate(GenerateRequest(brief=brief, settings=settings, workspace=workspace,
                                              script_path=script_path, dry_run=True, decider=PlanningDecider()))
            run_dir = result.run_dir
            timing = json.loads((run_dir / "timing.json").read_text(encoding="utf-8"))
            return {
                "runId": run_dir.name, "runDir": str(run_dir),
                "script": json.loads((run_dir / "script.json").read_text(encoding="utf-8")),
                "timing": {"totalSec": timing["totalSec"], "source": timing.get("source"),
                           "scenes": [{"sceneId": s["sceneId"], "startSec": s["startSec"], "endSec": s["endSec"]}
                                      for s in timing["segments"]]},
                "providers": result.manifest.providers,
                "cost": cost_q.to_json(),
                "checkpoints": checkpoint_list(mode_q, cost_q),
                "warnings": result.manifest.warnings,
            }
        return await blocking(work)

    @server.tool(description="Start a video run. Returns its runId at once (status running), or status "
                             "needs-decision with the unanswered checkpoint questions. Follow with wait_run/get_run.")
    @structured_errors
    async def generate_video(brief: BriefArg = "", script: ScriptArg = None, options: VideoOptions | None = None,
                             decisions: Decisions | None = None) -> ToolResult:
        def work() -> ToolResult:
            settings = settings_for(workspace, options)
            script_path = script_source(workspace, brief, script)
            _, mode_q, cost_q = questions(workspace, settings, brief, script_path)
            pending = missing_decisions(mode_q, cost_q, decisions)
            if pending:
                return {"status": "needs-decision", "runId": None, "pending": pending, "cost": cost_q.to_json()}
            answered = decisions or Decisions()
            decider = PresetDecider(mode_confirmed=answered.mode_confirmed, cost_approved=answered.cost_approved,
                                    rationale=answered.rationale)
            job = board.start(GenerateRequest(brief=brief, settings=settings, workspace=workspace,
                                              script_path=script_path, decider=decider))
            if job.run_dir is None:  # failed before a run dir existed
                return {"status": "failed", "runId": None, "error": job.error}
            return {"status": job.status, "runId": job.run_dir.name, "runDir": str(job.run_dir),
                    "progress": job.progress, "cost": cost_q.to_json()}
        return await blocking(work)

    @server.tool(description="Wait for a run started by generate_video, sending MCP progress notifications; "
                             "returns the same summary as get_run.")
    @structured_errors
    async def wait_run(run_id: RunIdArg, ctx: Context,
                       timeout_sec: Annotated[float, Field(gt=0, le=3600)] = 600) -> ToolResult:
        job = board.get(run_id)
        if job is not None:
            last: tuple[float, str | None] | None = None
            with anyio.move_on_after(timeout_sec):
                while not job.done.is_set():
                    now = (job.progress, job.stage)
                    if now != last:
                        await ctx.report_progress(job.progress, 1.0, f"{job.stage or 'starting'}")
                        last = now
                    await anyio.sleep(0.25)
            if job.done.is_set():
                await ctx.report_progress(1.0 if job.status == "succeeded" else job.progress, 1.0, job.status)
        return await get_run(run_id)

    @server.tool(description="A run's status, progress, outputs, warnings, error and recorded decisions.")
    @structured_errors
    async def get_run(run_id: RunIdArg) -> ToolResult:
        settings = settings_for(workspace, None)
        summary = run_summary(run_dir_of(workspace, settings, run_id))
        job = board.get(run_id)
        if job is not None and not job.done.is_set():
            summary.update({"status": "running", "progress": job.progress, "stage": job.stage})
        return summary

    @server.tool(description="The newest runs of this workspace.")
    @structured_errors
    async def list_runs(limit: Annotated[int, Field(ge=1, le=500)] = 20) -> ToolResult:
        return {"runs": list_run_summaries(workspace, settings_for(workspace, None), limit)}

    @server.tool(description="Render a run again from its render-spec.json (refused if any named file changed).")
    @structured_errors
    async def rerender(run_id: RunIdArg) -> ToolResult:
        from reelforge.pipeline.render import rerender as rerender_run

        def work() -> ToolResult:
            run_dir = run_dir_of(workspace, settings_for(workspace, None), run_id)
            result = rerender_run(run_dir)
            return {"runId": run_id, "video": str(result.video), "sha256": result.sha256,
                    "durationSec": result.duration_sec, "identicalToRecorded": result.identical}
        return await blocking(work)

    @server.tool(description="Recompute the sha256 of every asset and output a run's manifest records.")
    @structured_errors
    async def verify(run_id: RunIdArg) -> ToolResult:
        from reelforge.pipeline.verify import verify_run

        def work() -> ToolResult:
            report = verify_run(run_dir_of(workspace, settings_for(workspace, None), run_id))
            return {"runId": run_id, "ok": report.ok, "checked": report.checked,
                    "problems": [p.to_json() for p in report.problems]}
        return await blocking(work)

    @server.tool(description="The pre-publish report of a run's video (the CLI's `check`): platform limits, "
                             "loudness, dead air, picture, caption safe area and sync, credentials.")
    @structured_errors
    async def check(run_id: RunIdArg,
                    platform: Literal["tiktok", "reels", "shorts", "youtube", "generic"] = "tiktok",
                    sync: Annotated[bool, Field(description="also check captions against the speech")] = True
                    ) -> ToolResult:
        from reelforge.check import run_check

        def work() -> ToolResult:
            report = run_check(run_dir_of(workspace, settings_for(workspace, None), run_id), platform=platform,
                               sync=sync)
            return {"runId": run_id, "exitCode": report.exit_code, **report.to_json()}
        return await blocking(work)

    @server.tool(description="Check every dependency (the CLI's `video doctor`).")
    @structured_errors
    async def doctor() -> ToolResult:
        from reelforge.doctor import run_checks

        def work() -> ToolResult:
            checks = run_checks()
            return {"ok": not [c for c in checks if c.baseline and not c.ok], "checks": [c.to_json() for c in checks]}
        return await blocking(work)

    @server.tool(description="Validate a script.json object; every error with its dotted path.")
    @structured_errors
    async def validate_script(script: Annotated[Any, Field(description="the script.json object")]) -> ToolResult:
        from pydantic import ValidationError

        try:
            Script.model_validate(script)
        except ValidationError as exc:
            return {"valid": False, "errors": [i.to_json() for i in issues_from(exc)]}
        return {"valid": True, "errors": []}

    @server.tool(description=("A JSON Schema: script, timing, render-spec, manifest, manifest-envelope, image-request, "
                             "render-request, qa-record, or generate-request."))
    @structured_errors
    async def get_schema(name: Literal["script", "timing", "render-spec", "manifest", "manifest-envelope",
                                       "image-request", "render-request", "qa-record", "generate-request"]
                         ) -> ToolResult:
        if name == "generate-request":
            tool = next(t for t in await server.list_tools() if t.name == "generate_video")
            return {"name": name, "schema": tool.input_schema}
        from reelforge.schemas import schema_of

        return {"name": name, "schema": schema_of(name)}

    @server.tool(description="The run's contact sheet (a grid of frames from the rendered video) as image content.")
    async def contact_sheet(run_id: RunIdArg) -> Image:
        try:
            return Image(path=_contact_sheet_path(workspace, run_id))
        except ReelforgeError as exc:  # image content cannot carry structured content: the error goes as text
            raise ToolError(json.dumps({"error": error_json(exc)})) from None

    register_approval_tools(server, workspace, allow_approvals=allow_approvals, errors=structured_errors)
    _register_resources(server, workspace)
    return server


def _register_resources(server: MCPServer, workspace: Workspace) -> None:
    def run_file(run_id: str, name: str) -> Path:
        run_dir = run_dir_of(workspace, settings_for(workspace, None), run_id)
        path = run_dir / name
        if not path.is_file():
            from reelforge.errors import NotFoundError

            raise NotFoundError(f"{name} not found in run {run_id}")
        return path

    @server.resource("reelforge://runs/{run_id}/manifest", mime_type="application/json",
                     description="The run's manifest.json")
    def manifest_resource(run_id: str) -> str:
        return run_file(run_id, "manifest.json").read_text(encoding="utf-8")

    @server.resource("reelforge://runs/{run_id}/script", mime_type="application/json",
                     description="The run's script.json")
    def script_resource(run_id: str) -> str:
        return run_file(run_id, "script.json").read_text(encoding="utf-8")

    @server.resource("reelforge://runs/{run_id}/contact-sheet", mime_type="image/png",
                     description="A grid of frames from the rendered video (PNG)")
    def contact_sheet_resource(run_id: str) -> bytes:
        return _contact_sheet_path(workspace, run_id).read_bytes()


def _contact_sheet_path(workspace: Workspace, run_id: str) -> Path:
    from reelforge.errors import NotFoundError

    run_dir = run_dir_of(workspace, settings_for(workspace, None), run_id)
    sheet = (read_manifest(run_dir).get("outputs") or {}).get("contactSheet")
    if not sheet:
        raise NotFoundError(f"run {run_id} has no contact sheet (not rendered yet)")
    path = (run_dir / sheet).resolve()
    if not path.is_relative_to(run_dir.resolve()):
        raise SafetyError(f"contact sheet {sheet} is outside the run")
    return path
