"""Progress reporting for long runs: text lines and a bar on stderr, or nothing (json mode)."""

from __future__ import annotations

import sys
from typing import Protocol, TextIO


class Reporter(Protocol):
    def stage_started(self, name: str) -> None: ...
    def stage_finished(self, name: str, seconds: float, detail: str) -> None: ...
    def progress(self, name: str, fraction: float) -> None: ...
    def warning(self, message: str) -> None: ...


class SilentReporter:
    def stage_started(self, name: str) -> None:
        pass

    def stage_finished(self, name: str, seconds: float, detail: str) -> None:
        pass

    def progress(self, name: str, fraction: float) -> None:
        pass

    def warning(self, message: str) -> None:
        pass


class StderrReporter:
    """``[reelforge] voice piper ok (1.2s)`` lines; a redrawn bar on a terminal, 25 % steps otherwise."""

    BAR = 30

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._last_step: dict[str, int] = {}

    def stage_started(self, name: str) -> None:
        self._write(f"[reelforge] {name} ...\n")

    def stage_finished(self, name: str, seconds: float, detail: str) -> None:
        if self.tty and name in self._last_step:
            self._write("\n")
        self._write(f"[reelforge] {name} {detail} ({seconds:.1f}s)\n")

    def progress(self, name: str, fraction: float) -> None:
        fraction = min(1.0, max(0.0, fraction))
        if self.tty:
            filled = int(fraction * self.BAR)
            self._write(f"\r[reelforge] {name} [{'#' * filled}{'-' * (self.BAR - filled)}] {fraction:4.0%}")
            self._last_step[name] = 1
            return
        step = int(fraction * 4)
        if step > self._last_step.get(name, -1):
            self._last_step[name] = step
            self._write(f"[reelforge] {name} {step * 25}%\n")

    def warning(self, message: str) -> None:
        self._write(f"[reelforge] warning: {message}\n")

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
