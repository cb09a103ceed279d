"""Image, asset and render tools. Those that act on a person's behalf (approve/reject assets, submit renders,
record QA verdicts) are registered always but refused unless the server was started with --allow-approvals:
an agent must not approve for a person by default."""

import json
from collections.abc import Callable
from typing import Annotated, Any, Literal

import anyio
from mcp.server.mcpserver import MCPServer
from pydantic import Field

from reelforge.errors import SafetyError
from reelforge.workspace.paths import Workspace

AssetIdArg = Annotated[str, Field(description="the asset id (a folder under assets/)")]
FileArg = Annotated[str, Field(description="the candidate file, relative to the asset folder")]


def _refuse(tool: str) -> None:
    raise SafetyError(f"{tool} acts on a person's behalf and this server was not started with --allow-approvals",
                      hint="ask the person to approve in `reelforge studio` or the CLI, or restart with "
                           "`reelforge mcp --allow-approvals`")


def register_approval_tools(server: MCPServer, workspace: Workspace, *, allow_approvals: bool,
                            errors: Callable[[Any], Any]) -> None:
    @server.tool(description="List the image assets of this workspace with their status and hero image.")
    @errors
    async def asset_list() -> dict[str, Any]:
        root = workspace.root / "assets"
        assets = []
        for folder in sorted(root.iterdir()) if root.is_dir() else []:
            record = folder / "asset.json"
            if record.is_file():
                data = json.loads(record.read_text(encoding="utf-8"))
                assets.append({"assetId": folder.name, "status": data.get("status"),
                               "heroImagePath": data.get("heroImagePath")})
        return {"assets": assets}

    async def review(decision: str, asset_id: str, file: str, note: str | None) -> dict[str, Any]:
        if not allow_approvals:
            _refuse(f"asset_{decision}")
        from reelforge.batch import api

        verb = api.approve if decision == "approve" else api.reject
        result: dict[str, Any] = await anyio.to_thread.run_sync(
            lambda: verb(asset_id, file, workspace=workspace, asset_dir=None, note=note))
        return result

    @server.tool(description="Generate one image through the image batch runner (a hosted model, its key from the "
                             "environment). cost_approved must be true when the estimate reaches the guardrail.")
    @errors
    async def image_generate(request: Annotated[dict[str, Any], Field(description="one image request object, as "
                                                                               "`reelforge image generate` takes")],
                             cost_approved: bool = False,
                             max_usd: float | None = None) -> dict[str, Any]:
        from reelforge.batch import api

        result = await anyio.to_thread.run_sync(
            lambda: api.generate(request, workspace=workspace, yes=cost_approved, max_usd=max_usd))
        return dict(result.to_json())

    @server.tool(description="Submit a render job from approved assets. Refused unless --allow-approvals.")
    @errors
    async def render_submit(request: Annotated[dict[str, Any], Field(description="a render request object")],
                            cost_approved: bool = False) -> dict[str, Any]:
        if not allow_approvals:
            _refuse("render_submit")
        from reelforge.renders import api

        result = await anyio.to_thread.run_sync(lambda: api.submit(request, workspace=workspace, yes=cost_approved))
        return dict(result.to_json())

    @server.tool(description="Poll a render job once. Refused unless --allow-approvals.")
    @errors
    async def render_status(job_id: str) -> dict[str, Any]:
        if not allow_approvals:
            _refuse("render_status")
        from reelforge.renders import api

        result = await anyio.to_thread.run_sync(lambda: api.poll(job_id, workspace=workspace))
        return dict(result.to_json())

    @server.tool(description="Record a QA verdict on a render. Refused unless --allow-approvals.")
    @errors
    async def qa_record(job_id: str, verdict: Literal["approved", "revise", "reject"],
                        worked: list[str] | None = None, failed: list[str] | None = None,
                        rerun_stage: Literal["script", "voice", "image", "render"] | None = None,
                        reviewer: str | None = None, note: str | None = None) -> dict[str, Any]:
        if not allow_approvals:
            _refuse("qa_record")
        from reelforge.qa import record_qa

        report: dict[str, Any] = await anyio.to_thread.run_sync(lambda: record_qa(
            job_id, verdict=verdict, worked=worked, failed=failed, rerun_stage=rerun_stage, reviewer=reviewer,
            notes=note, workspace=workspace))
        return report

    @server.tool(description="Approve a candidate image (moves it to approved/, makes it the hero). "
                             "Refused unless the server runs with --allow-approvals.")
    @errors
    async def asset_approve(asset_id: AssetIdArg, file: FileArg, note: str | None = None) -> dict[str, Any]:
        return await review("approve", asset_id, file, note)

    @server.tool(description="Reject a candidate image. Refused unless the server runs with --allow-approvals.")
    @errors
    async def asset_reject(asset_id: AssetIdArg, file: FileArg, note: str | None = None) -> dict[str, Any]:
        return await review("reject", asset_id, file, note)
