"""`reelforge mcp`: serve the agent tools over stdio (default) or streamable HTTP on 127.0.0.1."""

from __future__ import annotations

import click

from reelforge.cli.common import workspace_from
from reelforge.errors import InvalidInputError


@click.command("mcp")
@click.option("--http", "use_http", is_flag=True, help="Streamable HTTP on 127.0.0.1 instead of stdio.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="HTTP port.")
@click.option("--token", envvar="REELFORGE_MCP_TOKEN", hidden=True,
              help="Bearer token for --http; set REELFORGE_MCP_TOKEN (a flag would show in ps).")
@click.option("--allow-approvals", is_flag=True,
              help="Allow asset_approve/asset_reject (an agent acting on a person's behalf).")
@click.pass_context
def mcp_command(ctx: click.Context, use_http: bool, port: int, token: str | None, allow_approvals: bool) -> None:
    """Serve reelforge's tools to an MCP client (needs the optional extra: pip install 'reelforge[mcp]')."""
    try:
        from reelforge.mcp.server import build_server
    except ModuleNotFoundError as exc:
        raise InvalidInputError(f"the MCP SDK is not installed ({exc.name})",
                                hint="pip install 'reelforge[mcp]'") from None
    workspace = workspace_from(ctx)
    server = build_server(workspace, allow_approvals=allow_approvals)
    if not use_http:
        server.run("stdio")
        return
    from reelforge.mcp.http import LOOPBACK, serve_http, token_file_with_new_token

    if not token:
        path = token_file_with_new_token(workspace.internal)
        token = path.read_text(encoding="utf-8").strip()
        click.echo(f"no REELFORGE_MCP_TOKEN set; a new bearer token is in {path}", err=True)
    click.echo(f"reelforge mcp: http://{LOOPBACK}:{port}/mcp (bearer token required)", err=True)
    serve_http(server.streamable_http_app(host=LOOPBACK), token, port)
