"""Running the studio: bind first (so port 0 becomes a real port the Host check knows), print the login
link once, serve with uvicorn. ``StudioThread`` runs the same server in a thread (tests, benchmarks)."""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import socket
import sys
import threading
import time
from typing import TextIO

import uvicorn
from starlette.applications import Starlette

from reelforge.studio.app import StudioConfig, create_app

log = logging.getLogger("reelforge.studio")
TASK_GRACE_S = 300  # a key-free generate of a short on 2 cores takes well under this


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(config: StudioConfig) -> tuple[socket.socket, StudioConfig]:
    """A listening socket for ``config`` and the config with the port actually bound."""
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((config.host, config.port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock, dataclasses.replace(config, port=sock.getsockname()[1])


def login_url(config: StudioConfig) -> str:
    host = f"[{config.host}]" if ":" in config.host else config.host
    return f"http://{host}:{config.port}/?token={config.token}"


def _server(app: Starlette) -> uvicorn.Server:
    return uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=2))


def banner(config: StudioConfig) -> str:
    """What ``serve`` prints once at start: a warning off loopback, the workspace, the login link."""
    lines = []
    if not is_loopback(config.host):
        lines.append(f"warning: reelforge studio listens on {config.host}, reachable from other machines; anyone "
                     "with the login link can read the workspace and spend money (use --host 127.0.0.1)")
    lines += [f"reelforge studio: workspace {config.workspace}",
              "open this link (it carries the login token, shown only now):", f"  {login_url(config)}"]
    return "\n".join(lines) + "\n"


def serve(config: StudioConfig, *, stream: TextIO | None = None) -> None:
    """Serve until Ctrl-C. The login link (with the token) is printed here once and nowhere else."""
    out = stream or sys.stderr
    sock, config = bind(config)
    out.write(banner(config))
    out.flush()
    _server(create_app(config)).run(sockets=[sock])


class StudioThread:
    """The studio on a free port in a daemon thread: ``with StudioThread(config) as s: s.base_url``."""

    def __init__(self, config: StudioConfig) -> None:
        self._sock, self.config = bind(config)
        self.app = create_app(self.config)
        self.server = _server(self.app)
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self._sock]},
                                        name="studio-server", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{self.config.host}:{self.config.port}"

    def __enter__(self) -> StudioThread:
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the studio server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop serving, then wait for the tasks it started: work never outlives the server that began it."""
        self.server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
        running = self.app.state.tasks.join(timeout=TASK_GRACE_S)
        if running:
            log.warning("studio tasks still running %d s after the server stopped: %s", TASK_GRACE_S,
                        ", ".join(running))
