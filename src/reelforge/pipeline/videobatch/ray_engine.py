"""The Ray engine (extra ``[scale]``): each line's stages up to render-spec.json run as one Ray task, its
segments and audio mix as further Ray tasks (num_cpus=1 each) spread over the cluster, and the join and the
manifest happen on the driver (tasks_engine.py). The workspace must be on a path every node shares: a task
checks its inputs there against the sha256 the spec records, and the rendered bytes come back through the
object store, checked on arrival.

A task on a node that dies is retried by Ray (max_retries); its result is written once, by the driver, so a
retry never duplicates output. A retried prepare task starts a fresh run dir (the dead one stays, unfinished
and unpublished).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from reelforge.errors import ProviderUnavailableError
from reelforge.pipeline.videobatch.line import LineOutcome, LineTask, make_video
from reelforge.pipeline.videobatch.tasks_engine import TasksEngine

RETRIES = 3


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ProviderUnavailableError("--engine ray needs Ray, which is not installed",
                                       hint='pip install "reelforge[scale]" (ray[default])') from None
    return ray


def _prepare(task: LineTask) -> LineOutcome:
    return make_video(task, lambda event: None)


class RayEngine(TasksEngine):
    name = "ray"

    def __init__(self, address: str | None = None) -> None:
        super().__init__()
        self.ray = _import_ray()
        self.address = address
        self._refs: dict[Any, None] = {}
        self._lock = threading.Lock()
        self._remotes: dict[Callable[..., Any], Any] = {}
        if not self.ray.is_initialized():
            self.ray.init(address=address, log_to_driver=False, logging_level="ERROR", configure_logging=False)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        remote = self._remotes.get(fn)
        if remote is None:
            remote = self._remotes[fn] = self.ray.remote(fn).options(num_cpus=1, max_retries=RETRIES)
        ref = remote.remote(*args)
        with self._lock:
            self._refs[ref] = None
        future: Future[Any] = ref.future()
        future.add_done_callback(lambda _: self._forget(ref))
        return future

    def _forget(self, ref: Any) -> None:
        with self._lock:
            self._refs.pop(ref, None)

    def prepare(self, task: LineTask) -> Future[LineOutcome]:
        return self.submit(_prepare, task)

    def cancel_all(self) -> None:
        with self._lock:
            refs = list(self._refs)
        for ref in refs:
            try:
                self.ray.cancel(ref, force=True)
            except Exception:  # a task that already finished cannot be cancelled; nothing to do
                pass

    def describe_failure(self, exc: BaseException) -> str:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
