"""Background work with live progress: a thread per task, its events streamed as server-sent events.

``start_task(app, kind, fn)`` runs ``fn(sink)`` in a thread confined to the workspace and returns an id;
``GET /tasks/{id}/events`` streams ``progress`` events, then one ``done`` (the JSON result) or ``error``
(message + fix). ``GET /tasks/{id}`` is the same state as JSON. Tasks that write the same thing pass the same
``lock_key``: they run one after the other, across threads and processes (a file lock under .reelforge/locks).
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from reelforge.assets.lock import locked
from reelforge.errors import ReelforgeError
from reelforge.workspace.contain import confine
from reelforge.workspace.paths import sanitize_id, short_id

T = TypeVar("T")
log = logging.getLogger("reelforge.studio")
_POLL_S = 0.1
_KEEPALIVE_S = 10.0
_KEEP_TASKS = 500


@dataclass
class Task:
    id: str
    kind: str
    status: str = "queued"  # queued | running | done | error
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    result: Any = None
    error: dict[str, str] | None = None
    started: float = field(default_factory=time.time)
    finished: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str, data: dict[str, Any]) -> None:
        with self.lock:
            self.events.append((name, data))

    def events_from(self, index: int) -> tuple[list[tuple[str, dict[str, Any]]], bool]:
        with self.lock:
            return self.events[index:], self.status in ("done", "error")

    def to_json(self) -> dict[str, Any]:
        with self.lock:
            return {"id": self.id, "kind": self.kind, "status": self.status, "events": len(self.events),
                    "result": self.result, "error": self.error, "started": self.started, "finished": self.finished}


class ProgressSink:
    """Where a task reports. Also a pipeline ``Reporter``, so ``rerender(run_dir, sink)`` streams its stages."""

    def __init__(self, task: Task) -> None:
        self._task = task
        self._last_percent: dict[str, int] = {}

    def line(self, text: str, *, stage: str | None = None, fraction: float | None = None) -> None:
        self._task.add("progress", {"line": text, "stage": stage, "fraction": fraction})

    def stage_started(self, name: str) -> None:
        self.line(f"{name} ...", stage=name, fraction=0.0)

    def stage_finished(self, name: str, seconds: float, detail: str) -> None:
        self.line(f"{name} {detail} ({seconds:.1f}s)", stage=name, fraction=1.0)

    def progress(self, name: str, fraction: float) -> None:
        percent = int(min(1.0, max(0.0, fraction)) * 100)
        if percent // 5 > self._last_percent.get(name, -1) // 5:  # every 5 %: enough to watch, not a flood
            self._last_percent[name] = percent
            self.line(f"{name} {percent}%", stage=name, fraction=percent / 100)

    def warning(self, message: str) -> None:
        self._task.add("progress", {"line": f"warning: {message}", "stage": None, "fraction": None})


class TaskRegistry:
    def __init__(self) -> None:
        self._tasks: dict[str, Task] = {}
        self._guard = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self._threads: list[threading.Thread] = []

    def track(self, thread: threading.Thread) -> None:
        with self._guard:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)

    def join(self, timeout: float) -> list[str]:
        """Wait up to ``timeout`` s in all for the task threads; the names of those still running."""
        deadline = time.monotonic() + timeout
        with self._guard:
            threads = list(self._threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return [t.name for t in threads if t.is_alive()]

    def new(self, kind: str) -> Task:
        task = Task(id=short_id(12), kind=kind)
        with self._guard:
            self._tasks[task.id] = task
            if len(self._tasks) > _KEEP_TASKS:  # forget the oldest finished ones; running ones always stay
                finished = [t for t in self._tasks.values() if t.finished is not None]
                for old in finished[: len(self._tasks) - _KEEP_TASKS]:
                    del self._tasks[old.id]
        return task

    def get(self, task_id: str) -> Task | None:
        with self._guard:
            return self._tasks.get(task_id)

    def key_lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._key_locks.setdefault(key, threading.Lock())


def lock_file_for(workspace: Path, key: str) -> Path:
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return workspace / ".reelforge" / "locks" / f"studio-{sanitize_id(key, max_len=40)}-{digest}.lock"


@contextmanager
def serialized(app: Starlette, key: str | None) -> Iterator[None]:
    """One writer per key at a time: a thread lock for this server, a file lock for other processes."""
    if key is None:
        yield
        return
    registry: TaskRegistry = app.state.tasks
    with registry.key_lock(key), locked(lock_file_for(app.state.config.workspace, key)):
        yield


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _run(app: Starlette, task: Task, fn: Callable[[ProgressSink], Any], lock_key: str | None) -> None:
    sink = ProgressSink(task)
    try:
        with confine(app.state.config.workspace):
            if lock_key is not None:
                sink.line("waiting for other work on the same item ..." if registry_busy(app, lock_key) else
                          "starting ...")
            with serialized(app, lock_key):
                with task.lock:
                    task.status = "running"
                result = _json_safe(fn(sink))
    except ReelforgeError as exc:
        _finish(task, "error", None, {"message": exc.message, "fix": exc.hint, "kind": exc.kind})
    except Exception as exc:  # a bug must still end the stream, never hang the page
        log.exception("studio task %s (%s) failed", task.id, task.kind)
        _finish(task, "error", None, {"message": f"internal error ({type(exc).__name__})",
                                      "fix": "see the terminal running `reelforge studio` for the traceback",
                                      "kind": "internal"})
    else:
        _finish(task, "done", result, None)


def registry_busy(app: Starlette, key: str) -> bool:
    return app.state.tasks.key_lock(key).locked()


def _finish(task: Task, status: str, result: Any, error: dict[str, str] | None) -> None:
    with task.lock:
        task.status = status
        task.result = result
        task.error = error
        task.finished = time.time()
        task.events.append(("done", result) if status == "done" else ("error", error or {}))


def start_task(app: Starlette, kind: str, fn: Callable[[ProgressSink], T], *, lock_key: str | None = None) -> str:
    """Run ``fn(sink)`` in a thread; its return value (JSON-able) becomes the ``done`` event. Returns the id."""
    task = app.state.tasks.new(kind)
    context = contextvars.copy_context()
    thread = threading.Thread(target=context.run, args=(_run, app, task, fn, lock_key),
                              name=f"studio-{kind}-{task.id}", daemon=True)
    app.state.tasks.track(thread)
    thread.start()
    return task.id


def _task_of(request: Request) -> Task:
    task = request.app.state.tasks.get(request.path_params["task_id"])
    if task is None:
        raise HTTPException(404, "no such task (tasks live as long as the server)")
    return task


def format_event(name: str, data: Any) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


async def _stream(task: Task) -> AsyncIterator[str]:
    index = 0
    quiet_since = time.monotonic()
    while True:
        events, finished = task.events_from(index)
        for name, data in events:
            yield format_event(name, data)
        index += len(events)
        if events:
            quiet_since = time.monotonic()
        elif finished:
            return
        elif time.monotonic() - quiet_since > _KEEPALIVE_S:
            yield ": keepalive\n\n"
            quiet_since = time.monotonic()
        await asyncio.sleep(_POLL_S)


async def task_events(request: Request) -> Response:
    task = _task_of(request)
    return StreamingResponse(_stream(task), media_type="text/event-stream",
                             headers={"cache-control": "no-store", "x-accel-buffering": "no"})


async def task_status(request: Request) -> Response:
    return JSONResponse(_task_of(request).to_json())


routes: list[BaseRoute] = [Route("/tasks/{task_id}", task_status), Route("/tasks/{task_id}/events", task_events)]
