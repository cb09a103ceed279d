"""Two independent stages side by side (issue 21: narration and visuals).

The second stage runs in a worker thread against a DeferredRecorder: a private copy of the manifest that
is never saved, merged into the real recorder once both stages are over. The manifest is only ever
written from the calling thread, and its stages stay in the order of a sequential run (first, second)
whichever finishes first.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import TypeVar

from reelforge.pipeline.recorder import RunRecorder

A = TypeVar("A")
B = TypeVar("B")


class DeferredRecorder(RunRecorder):
    """A RunRecorder for a stage running beside another: it changes its own copy of the manifest only."""

    def __init__(self, real: RunRecorder) -> None:  # no super().__init__: no reserve file, no manifest file
        self.run_dir = real.run_dir
        self.manifest = real.manifest.model_copy(deep=True)
        self._stages_before = len(self.manifest.stages)

    def hold_reserve(self) -> None:
        pass

    def save(self) -> None:
        pass  # merge_into() saves through the real recorder

    def merge_into(self, real: RunRecorder) -> None:
        """Add what this stage recorded (stages, assets, providers, warnings) to ``real`` and save it."""
        mine = self.manifest
        real.manifest.stages.extend(mine.stages[self._stages_before:])
        known = {(a.path, a.sha256) for a in real.manifest.assets}
        for asset in mine.assets:
            if (asset.path, asset.sha256) not in known:
                real.manifest.assets = [a for a in real.manifest.assets if a.path != asset.path] + [asset]
        real.manifest.providers.update(mine.providers)
        for warning in mine.warnings:
            real.warn(warning)
        real.save()


def side_by_side(recorder: RunRecorder, first: Callable[[RunRecorder], A],
                 second: Callable[[RunRecorder], B]) -> tuple[A, B]:
    """Run ``first`` here (signals such as Ctrl-C still arrive here) and ``second`` in a thread, each given
    the recorder to use; return both results. The first failure is raised after both have stopped
    (``first``'s if both fail), with whatever the other recorded merged in."""
    deferred = DeferredRecorder(recorder)
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["result"] = second(deferred)
        except BaseException as exc:  # re-raised in the calling thread
            box["error"] = exc

    # under a copy of the caller's context: the workspace confinement (workspace/contain.py) comes along
    thread = threading.Thread(target=contextvars.copy_context().run, args=(work,), name="overlap", daemon=True)
    thread.start()
    try:
        a = first(recorder)
    finally:
        thread.join()
        deferred.merge_into(recorder)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return a, box["result"]  # type: ignore[return-value]
