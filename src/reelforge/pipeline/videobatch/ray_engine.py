"""The Ray engine (extra ``[scale]``): each line's stages up to render-spec.json run as one Ray task, its
segments and audio mix as further Ray tasks (num_cpus=1 each) spread over the cluster, and the join and the
manifest happen on the driver. The workspace must be on a path every node shares (the inputs are checked by
sha256 there; the rendered bytes come back through the object store and are checked on arrival).

A task on a node that dies is retried by Ray (max_retries); its result is written once, by the driver, so a
retry never duplicates output. A retried prepare task starts a fresh run dir (the dead one stays, unfinished
and unpublished).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from reelforge.compose.runner import Progress, RenderResult
from reelforge.errors import ProviderUnavailableError, ReelforgeError
from reelforge.models.render_spec import RenderSpec
from reelforge.pipeline.videobatch.line import EventSink, LineOutcome, LineTask, make_video
from reelforge.pipeline.videobatch.parts import Part, audio_part, render_with, segment_part

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


class _Sink:
    def __init__(self, number: int, events: EventSink) -> None:
        self.number, self.events = number, events

    def stage_started(self, name: str) -> None:
        self.events(("stage", self.number, name))

    def stage_finished(self, name: str, seconds: float, detail: str) -> None:
        pass

    def progress(self, name: str, fraction: float) -> None:
        self.events(("progress", self.number, round(fraction, 2)))

    def warning(self, message: str) -> None:
        pass


class RayEngine:
    name = "ray"

    def __init__(self, address: str | None = None) -> None:
        self.ray = _import_ray()
        self.address = address
        self._refs: set[Any] = set()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self.timings: list[tuple[str, float]] = []  # (task, seconds) of every part rendered (bench/)
        if not self.ray.is_initialized():
            self.ray.init(address=address, log_to_driver=False, logging_level="ERROR", configure_logging=False)
        self._prepare = self.ray.remote(_prepare).options(num_cpus=1, max_retries=RETRIES)
        self._segment = self.ray.remote(segment_part).options(num_cpus=1, max_retries=RETRIES)
        self._audio = self.ray.remote(audio_part).options(num_cpus=1, max_retries=RETRIES)

    def _track(self, ref: Any) -> Any:
        with self._lock:
            self._refs.add(ref)
        return ref

    def _get(self, ref: Any) -> Any:
        try:
            while True:
                if self._stopped.is_set():
                    raise KeyboardInterrupt
                ready, _ = self.ray.wait([ref], timeout=0.25)
                if ready:
                    return self.ray.get(ref)
        finally:
            with self._lock:
                self._refs.discard(ref)

    # the parts of one render, as they finish
    def _dispatch(self, spec: RenderSpec, run_dir: Path, order: list[int]) -> Iterable[tuple[int, Part]]:
        spec_json = spec.to_json_dict()
        refs = {self._track(self._audio.remote(spec_json, str(run_dir))): -1}
        for k in order:
            refs[self._track(self._segment.remote(spec_json, str(run_dir), k))] = k
        pending = list(refs)
        try:
            while pending:
                if self._stopped.is_set():
                    raise KeyboardInterrupt
                ready, pending = self.ray.wait(pending, num_returns=1, timeout=0.25)
                for ref in ready:
                    yield refs[ref], self.ray.get(ref)
        except self.ray.exceptions.RayTaskError as exc:
            cause = exc.as_instanceof_cause()
            if isinstance(cause, ReelforgeError):
                raise cause from None
            raise
        finally:
            with self._lock:
                self._refs.difference_update(refs)

    def render(self, spec: RenderSpec, run_dir: Path, progress: Progress) -> RenderResult:
        return render_with(self._dispatch, spec, run_dir, progress, self.timings)

    def _line(self, task: LineTask, events: EventSink) -> LineOutcome:
        from reelforge.pipeline.videobatch.finish import finish_prepared

        events(("stage", task.number, "prepare"))
        try:
            prepared = self._get(self._track(self._prepare.remote(
                LineTask(**{**task.__dict__, "render": False}))))
        except self.ray.exceptions.RayError as exc:
            return LineOutcome(task.number, "failed", exit_code=1, error={
                "kind": "error", "message": f"the Ray task failed: {type(exc).__name__}: {exc}"[:2000],
                "hint": "run the batch again to retry this line"})
        if prepared.run_dir is not None:
            events(("run_dir", task.number, str(prepared.run_dir)))
        if prepared.status != "prepared":
            return prepared
        return finish_prepared(task, prepared, self.render, _Sink(task.number, events))

    def run(self, tasks: list[LineTask], events: EventSink) -> Iterator[LineOutcome]:
        if not tasks:
            return
        # one driver thread per line waits on its tasks; Ray schedules every line's tasks together
        pool = ThreadPoolExecutor(max_workers=len(tasks), thread_name_prefix="ray-line")
        try:
            pending: set[Future[LineOutcome]] = {pool.submit(self._line, t, events) for t in tasks}
            while pending:  # a timeout keeps the main thread responsive to Ctrl-C
                finished, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                yield from (f.result() for f in finished)
        finally:
            self.stop_tasks()
            pool.shutdown(wait=True, cancel_futures=True)

    def stop_tasks(self) -> None:
        self._stopped.set()
        with self._lock:
            refs = list(self._refs)
        for ref in refs:
            try:
                self.ray.cancel(ref, force=True)
            except Exception:  # a finished task cannot be cancelled; nothing to do
                pass

    def stop(self) -> None:
        self.stop_tasks()

    def close(self) -> None:
        pass
