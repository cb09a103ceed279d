"""Background tasks: progress streamed as server-sent events, a final done/error event, writes to one key
serialized."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from reelforge.errors import NotFoundError
from reelforge.studio import StudioConfig
from reelforge.studio.server import StudioThread
from reelforge.studio.tasks import ProgressSink, start_task


def read_events(client: httpx.Client, task_id: str) -> list[tuple[str, Any]]:
    events: list[tuple[str, Any]] = []
    with client.stream("GET", f"/tasks/{task_id}/events") as answer:
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/event-stream")
        name = None
        for line in answer.iter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                events.append((name, json.loads(line[6:])))
    return events


@contextmanager
def _client(server: StudioThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        client.get(f"/?token={server.config.token}")
        yield client


def test_progress_then_done_or_error(studio_workspace: Path) -> None:
    def work(sink: ProgressSink) -> dict[str, Any]:
        sink.stage_started("render")
        for i in range(5):
            sink.progress("render", i / 4)
        return {"identical": True}

    def broken(sink: ProgressSink) -> None:
        sink.line("looking")
        raise NotFoundError("no manifest.json in run x", hint="pick a run from the Runs page")

    with StudioThread(StudioConfig(workspace=studio_workspace, port=0)) as server, _client(server) as client:
        app = server.app
        ok_id = start_task(app, "demo", work)
        events = read_events(client, ok_id)
        assert [n for n, _ in events][-1] == "done" and events[-1][1] == {"identical": True}
        lines = [d["line"] for n, d in events if n == "progress"]
        assert lines[0] == "render ..." and "render 100%" in lines
        assert client.get(f"/tasks/{ok_id}").json()["status"] == "done"

        bad_id = start_task(app, "demo", broken)
        events = read_events(client, bad_id)
        assert events[-1] == ("error", {"message": "no manifest.json in run x", "fix": "pick a run from the Runs page",
                                        "kind": "not-found"})
        assert client.get("/tasks/nope").status_code == 404


def test_tasks_on_the_same_key_never_overlap(studio_workspace: Path) -> None:
    spans: list[tuple[str, float, float]] = []
    guard = threading.Lock()

    def work(name: str) -> Any:
        def run(sink: ProgressSink) -> str:
            start = time.monotonic()
            time.sleep(0.3)
            with guard:
                spans.append((name, start, time.monotonic()))
            return name
        return run

    with StudioThread(StudioConfig(workspace=studio_workspace, port=0)) as server, _client(server) as client:
        app = server.app
        ids = [start_task(app, "write", work(f"t{i}"), lock_key="asset:hero") for i in range(3)]
        other = start_task(app, "write", work("free"), lock_key="asset:other")
        for task_id in [*ids, other]:
            assert read_events(client, task_id)[-1][0] == "done"
    same = sorted((s for s in spans if s[0] != "free"), key=lambda s: s[1])
    assert len(same) == 3
    for first, second in itertools.pairwise(same):
        assert second[1] >= first[2], "two writers of asset:hero ran at once"
    free = next(s for s in spans if s[0] == "free")
    assert free[1] < same[-1][1], "a different key waited for asset:hero"
    assert (studio_workspace / ".reelforge" / "locks").is_dir()


def test_finished_tasks_are_forgotten_past_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    from reelforge.studio import tasks

    monkeypatch.setattr(tasks, "_KEEP_TASKS", 3)
    registry = tasks.TaskRegistry()
    running = registry.new("long")
    done = []
    for _ in range(4):
        task = registry.new("quick")
        task.finished = time.time()
        done.append(task)
    assert registry.get(running.id) is running
    assert registry.get(done[0].id) is None and registry.get(done[-1].id) is done[-1]


def test_a_task_never_outlives_the_server_that_started_it(studio_workspace: Path) -> None:
    """Leaving the server waits for its task threads: a generate left running by one test once held the
    Piper voice lock into a later test and hung the suite."""
    finished = threading.Event()

    def slow(sink: ProgressSink) -> None:
        time.sleep(0.5)
        finished.set()

    with StudioThread(StudioConfig(workspace=studio_workspace, port=0)) as server:
        start_task(server.app, "slow", slow)
    assert finished.is_set()
    assert server.app.state.tasks.join(timeout=0) == []
