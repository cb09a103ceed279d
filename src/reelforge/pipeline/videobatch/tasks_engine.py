"""What the local and the Ray engines share: a line is prepared as one task (every stage up to
render-spec.json), its segments and audio mix are further tasks, and the driver joins them (parts.py) and
closes the manifest (finish.py). The tasks of every video go to one pool, so the workers stay busy until the
last segment of the last video. Subclasses only say how a task is submitted and cancelled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import replace
from pathlib import Path
from typing import Any

from reelforge.compose.runner import Progress, RenderResult
from reelforge.models.render_spec import RenderSpec
from reelforge.pipeline.videobatch.line import EventSink, LineOutcome, LineTask, SinkReporter
from reelforge.pipeline.videobatch.parts import Part, audio_part, render_with, segment_part

POLL_SEC = 0.25


class TasksEngine:
    name = "tasks"

    def __init__(self) -> None:
        self._stopped = threading.Event()
        self.timings: list[tuple[str, float]] = []  # (part, seconds) of every part rendered (bench/)

    # --- what a subclass provides ---
    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        raise NotImplementedError

    def cancel_all(self) -> None:
        raise NotImplementedError

    def describe_failure(self, exc: BaseException) -> str:
        return f"{type(exc).__name__}: {exc}"

    # --- shared ---
    def _wait(self, pending: set[Future[Any]]) -> tuple[set[Future[Any]], set[Future[Any]]]:
        if self._stopped.is_set():
            raise KeyboardInterrupt
        done, rest = wait(pending, timeout=POLL_SEC, return_when=FIRST_COMPLETED)
        return done, rest

    def _dispatch(self, spec: RenderSpec, run_dir: Path, order: list[int]) -> Iterable[tuple[int, Part]]:
        spec_json = spec.to_json_dict()
        futures = {self.submit(audio_part, spec_json, str(run_dir)): -1}
        for k in order:
            futures[self.submit(segment_part, spec_json, str(run_dir), k)] = k
        pending = set(futures)
        try:
            while pending:
                done, pending = self._wait(pending)
                for future in done:
                    yield futures[future], future.result()
        finally:
            for future in pending:
                future.cancel()

    def render(self, spec: RenderSpec, run_dir: Path, progress: Progress) -> RenderResult:
        return render_with(self._dispatch, spec, run_dir, progress, self.timings)

    def prepare(self, task: LineTask) -> Future[LineOutcome]:
        raise NotImplementedError

    def _line(self, task: LineTask, events: EventSink) -> LineOutcome:
        try:
            return self._line_steps(task, events)
        except Exception as exc:  # a lost worker pool, or a bug: this line failed, the others go on
            if self._stopped.is_set():
                raise KeyboardInterrupt from exc
            return LineOutcome(task.number, "failed", exit_code=1, error={
                "kind": "error", "message": f"the line's tasks failed: {self.describe_failure(exc)}"[:2000],
                "hint": "run the batch again to retry this line"})

    def _line_steps(self, task: LineTask, events: EventSink) -> LineOutcome:
        from reelforge.pipeline.videobatch.finish import finish_prepared

        events(("stage", task.number, "prepare"))
        pending = {self.prepare(replace(task, render=False))}
        while pending:
            done, pending = self._wait(pending)
        future = done.pop()
        try:
            prepared = future.result()
        except Exception as exc:  # a worker that died for good (Ray's retries spent, a killed pool process)
            return LineOutcome(task.number, "failed", exit_code=1, error={
                "kind": "error", "message": f"the worker failed: {self.describe_failure(exc)}"[:2000],
                "hint": "run the batch again to retry this line"})
        if prepared.run_dir is not None:
            events(("run_dir", task.number, str(prepared.run_dir)))
        if prepared.status != "prepared":
            return prepared
        return finish_prepared(task, prepared, self.render, SinkReporter(task.number, events))

    def run(self, tasks: list[LineTask], events: EventSink) -> Iterator[LineOutcome]:
        if not tasks:
            return
        self._stopped.clear()
        # one driver thread per line waits on its tasks; the engine's pool runs every line's tasks together
        threads = ThreadPoolExecutor(max_workers=len(tasks), thread_name_prefix="batch-line")
        try:
            pending: set[Future[LineOutcome]] = {threads.submit(self._line, t, events) for t in tasks}
            while pending:  # a timeout keeps the main thread responsive to Ctrl-C
                finished, pending = wait(pending, timeout=POLL_SEC, return_when=FIRST_COMPLETED)
                yield from (f.result() for f in finished)
        except BaseException:
            self.stop()
            raise
        finally:
            threads.shutdown(wait=True, cancel_futures=True)

    def stop(self) -> None:
        self._stopped.set()
        self.cancel_all()

    def close(self) -> None:
        pass
