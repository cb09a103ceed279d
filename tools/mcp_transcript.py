"""Record a real MCP exchange with `reelforge mcp` (stdio, the SDK's client) into docs/mcp.md.

    PYTHONPATH=src python tools/mcp_transcript.py            # rewrites the transcript section of docs/mcp.md

Runs in a fresh temporary workspace; the workspace path is shown as <workspace> in the transcript.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import anyio
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "mcp.md"
BEGIN, END = "<!-- transcript:begin -->", "<!-- transcript:end -->"
BRIEF = "one tip for better sleep"
OPTIONS = {"duration": "3", "aspect": "16:9"}


def wire(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def block(title: str, data: Any) -> str:
    return f"**{title}**\n\n```json\n{json.dumps(data, indent=2, ensure_ascii=False)}\n```\n"


async def exchange(workspace: Path) -> list[str]:
    params = StdioServerParameters(command=sys.executable, args=["-m", "reelforge", "mcp"], cwd=str(workspace),
                                   env={"PYTHONPATH": str(ROOT / "src")})
    parts: list[str] = []
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        init = await session.initialize()
        parts.append(block("initialize → serverInfo", wire(init.server_info)))
        tools = await session.list_tools()
        listing = [{"name": t.name, "description": t.description,
                    "required": t.input_schema.get("required", []),
                    "properties": sorted(t.input_schema.get("properties", {}))} for t in tools.tools]
        parts.append(block("tools/list (names, required and accepted arguments)", listing))
        generate_tool = next(t for t in tools.tools if t.name == "generate_video")
        parts.append(block("tools/list → generate_video inputSchema", generate_tool.input_schema))

        plan_args = {"brief": BRIEF, "options": OPTIONS}
        parts.append(block("tools/call plan_video → arguments", plan_args))
        plan = await session.call_tool("plan_video", plan_args)
        parts.append(block("plan_video → structuredContent", plan.structured_content))

        ask_args = {"brief": BRIEF, "options": OPTIONS}
        parts.append(block("tools/call generate_video (no decisions yet) → arguments", ask_args))
        ask = await session.call_tool("generate_video", ask_args)
        parts.append(block("generate_video → structuredContent", ask.structured_content))

        go_args = {**ask_args, "decisions": {"modeConfirmed": True,
                                             "rationale": "user confirmed shorts 16:9, designed cards, ffmpeg"}}
        parts.append(block("tools/call generate_video → arguments", go_args))
        started = await session.call_tool("generate_video", go_args)
        parts.append(block("generate_video → structuredContent (returned at once)", started.structured_content))

        run_id = (started.structured_content or {})["runId"]
        notes: list[dict[str, Any]] = []

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            notes.append({"progress": progress, "total": total, "message": message})

        final = await session.call_tool("wait_run", {"run_id": run_id}, progress_callback=on_progress)
        parts.append(block(f"tools/call wait_run {{\"run_id\": \"{run_id}\"}} → notifications/progress", notes))
        parts.append(block("wait_run → structuredContent", final.structured_content))
        verified = await session.call_tool("verify", {"run_id": run_id})
        parts.append(block("tools/call verify → structuredContent", verified.structured_content))
    return parts


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="reelforge-mcp-") as tmp:
        workspace = Path(tmp).resolve()
        parts = anyio.run(exchange, workspace)
        text = "\n".join(parts).replace(str(workspace), "<workspace>")
    doc = DOC.read_text(encoding="utf-8")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")
    print(f"wrote the transcript into {DOC}")


if __name__ == "__main__":
    main()
