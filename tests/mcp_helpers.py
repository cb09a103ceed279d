"""Drive `reelforge mcp` with the MCP SDK's own clients (stdio and streamable HTTP) from sync tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import anyio
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

SRC = str(Path(__file__).parents[1] / "src")
T = TypeVar("T")


def server_env() -> dict[str, str]:
    """The test's environment (provider fakes included) with this tree's sources first on the path."""
    return {**os.environ, "PYTHONPATH": SRC}


@asynccontextmanager
async def stdio_session(workspace: Path, *extra: str) -> AsyncIterator[ClientSession]:
    params = StdioServerParameters(command=sys.executable, args=["-m", "reelforge", "mcp", *extra],
                                   env=server_env(), cwd=str(workspace))
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


@asynccontextmanager
async def http_session(url: str, token: str) -> AsyncIterator[ClientSession]:
    client = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    async with client, streamable_http_client(url, http_client=client) as (read, write), \
            ClientSession(read, write) as session:
        await session.initialize()
        yield session


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_http_server(workspace: Path, token: str, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "reelforge", "mcp", "--http", "--port", str(port), *extra],
                            cwd=workspace, env={**server_env(), "REELFORGE_MCP_TOKEN": token},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, f"http://127.0.0.1:{port}/mcp"
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("the MCP HTTP server did not start listening")


def run(fn: Callable[[], Awaitable[T]]) -> T:
    return anyio.run(fn)


def structured(result: Any) -> dict[str, Any]:
    """A tool result's structured content (falls back to the JSON text block)."""
    if result.structured_content is not None:
        return dict(result.structured_content)
    return dict(json.loads(result.content[0].text))
