"""One browser recording session: open the URL, wait until ready, record every page until the stop.

Nothing here types into a page: no fill, no type, no key presses. A human logs in (headed mode).
The raw URL reaches Chromium only through ``page.goto`` in-process.
"""

from __future__ import annotations

import logging
import math
import select
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from reelforge.capture.cursor import CURSOR_SCRIPT
from reelforge.capture.mask import SecretUrl
from reelforge.capture.options import WebCaptureOptions
from reelforge.capture.timeline import FrontTracker
from reelforge.errors import NotFoundError, StageTimeoutError

log = logging.getLogger("reelforge.capture")
POLL_SEC = 0.03
SLOW_POLL_SEC = 0.4
# Playwright records a page from CDP screencast frames, and Chromium sends one only when the page repaints.
# A popup can paint its (static) document before its screencast is running; it then never repaints and
# its recording stays white (measured under 2-core load: 3 of 26 runs white). So after every load we make
# the page repaint twice: one 1-px, 2 %-grey dot for two animation frames, then gone.
REPAINT_AFTER_LOAD_SEC = (0.0, 0.6)
REPAINT_JS = """() => new Promise(done => {
  const dot = document.createElement('div');
  dot.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;'
    + 'z-index:2147483647;background:rgba(127,127,127,0.02)';
  document.documentElement.appendChild(dot);
  requestAnimationFrame(() => requestAnimationFrame(() => { dot.remove(); done(); }));
})"""


@dataclass
class Recording:
    videos: list[Path]
    video_starts: list[float]
    changes: list[tuple[float, int]]
    t0: float
    t_stop: float
    stopped_by: str
    browser_version: str
    warnings: list[str] = field(default_factory=list)


def _enter_pressed(stdin: TextIO | None) -> bool:
    if stdin is None:
        return False
    try:
        readable, _, _ = select.select([stdin], [], [], 0)
    except (OSError, ValueError):
        return False
    if readable:
        stdin.readline()
        return True
    return False


def _video_start(path: Path, fallback: float) -> float:
    """Wall time of second 0 of a Playwright page video (its creation_time tag, millisecond precision)."""
    import av

    try:
        with av.open(str(path)) as container:
            stamp = container.metadata.get("creation_time") or container.metadata.get("CREATION_TIME")
        return datetime.fromisoformat(stamp).timestamp() if stamp else fallback
    except (av.FFmpegError, ValueError, TypeError):
        return fallback


class Session:
    """Drives one Playwright browser; ``run`` returns the recorded pages and the front-page timeline."""

    def __init__(self, browser: Any, url: SecretUrl, options: WebCaptureOptions, *, headless: bool,
                 work_dir: Path, stdin: TextIO | None, prompt: TextIO | None) -> None:
        self.browser = browser
        self.url = url
        self.options = options
        self.headless = headless
        self.work_dir = work_dir
        self.stdin = stdin
        self.prompt = prompt
        self.tracker = FrontTracker()
        self.pages: list[Any] = []
        self.opened_at: list[float] = []
        self.warnings: list[str] = []
        self._disconnected = False
        self._repaints: list[tuple[float, int]] = []  # (when, page index), see REPAINT_JS

    def run(self) -> Recording:
        width, height = self.options.viewport
        browser_version = str(self.browser.version)
        self.browser.on("disconnected", lambda _b: setattr(self, "_disconnected", True))
        context = self.browser.new_context(
            viewport={"width": width, "height": height}, screen={"width": width, "height": height},
            record_video_dir=str(self.work_dir / "pages"), record_video_size={"width": width, "height": height},
            accept_downloads=False)
        context.on("page", self._on_page)
        if self.options.show_cursor:
            context.add_init_script(CURSOR_SCRIPT)
        try:
            first = context.new_page()
            self._open(first)
            t0 = time.time()
            stopped_by = self._wait_for_stop(t0)
            t_stop = time.time()
            videos = [Path(page.video.path()) for page in self.pages if page.video is not None]
        finally:
            try:
                context.close()  # flushes every page's video
            except Exception as exc:  # the browser may already be gone (the user closed it)
                log.debug("closing the capture context failed: %s", type(exc).__name__)
        if len(videos) != len(self.pages):
            raise NotFoundError("a recorded page has no video", hint="record again")
        starts = [_video_start(v, self.opened_at[i]) for i, v in enumerate(videos)]
        return Recording(videos=videos, video_starts=starts, changes=list(self.tracker.changes), t0=t0,
                         t_stop=t_stop, stopped_by=stopped_by, browser_version=browser_version,
                         warnings=self.warnings)

    def _on_page(self, page: Any) -> None:
        index = len(self.pages)
        now = time.time()
        self.pages.append(page)
        self.opened_at.append(now)
        self.tracker.opened(index, now)
        page.on("close", lambda _p: self.tracker.closed(index, time.time()))
        page.on("load", lambda _p: self._repaints.extend((time.time() + d, index) for d in REPAINT_AFTER_LOAD_SEC))
        if self.headless and index:
            try:  # a headed browser focuses a popup itself; headless needs asking, or it may never paint
                page.bring_to_front()
            except Exception as exc:
                log.debug("bring_to_front failed: %s", type(exc).__name__)
        log.info("capture: page %d opened", index + 1)

    def _open(self, page: Any) -> None:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        load_ms = self.options.load_timeout_sec * 1000
        try:
            page.goto(self.url.reveal(), wait_until="load", timeout=load_ms)
        except PlaywrightTimeout:
            self._warn(f"{self.url.masked} did not finish loading in {self.options.load_timeout_sec:g} s; "
                       "recording anyway")
        except PlaywrightError as exc:
            reason = self.url.scrub(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            if self.headless:
                raise NotFoundError(f"could not open {self.url.masked}: {reason}",
                                    hint="check that the URL is reachable from this machine") from None
            self._warn(f"could not open {self.url.masked} ({reason}); the human can navigate by hand")
        if self.options.ready_selector:
            try:
                page.wait_for_selector(self.options.ready_selector, state="visible",
                                       timeout=self.options.ready_timeout_sec * 1000)
            except PlaywrightTimeout:
                raise StageTimeoutError(
                    f"--ready-selector {self.options.ready_selector!r} did not appear on {self.url.masked} "
                    f"within {self.options.ready_timeout_sec:g} s",
                    hint="check the selector against the page, or drop --ready-selector") from None

    def _wait_for_stop(self, t0: float) -> str:
        stop = self.options.stop
        limit = self.options.max_seconds if stop is None or stop.kind != "duration" else stop.seconds
        if stop is None and self.prompt is not None:
            self.prompt.write(f"[reelforge] recording {self.url.masked}: perform the flow in the browser window "
                              f"(log in by hand if needed), then press ENTER here to stop.\n")
            self.prompt.flush()
        next_slow = t0
        while True:
            now = time.time()
            if now - t0 >= limit:
                if stop is None or stop.kind != "duration":
                    self._warn(f"capture stopped at the {limit:g} s limit")
                return "limit" if stop is None or stop.kind != "duration" else "duration"
            if self._disconnected or not self.tracker.open_pages:
                self._warn("the browser was closed before the stop; the capture ends there")
                return "browser-closed"
            if stop is None and _enter_pressed(self.stdin):
                return "enter"
            self._repaint_due(now)
            if now >= next_slow:
                next_slow = now + SLOW_POLL_SEC
                if stop is not None and stop.kind == "selector" and self._selector_seen(stop.selector):
                    return "selector"
                if not self.headless:
                    self._follow_visible_tab(now)
            self._pump(min(POLL_SEC, max(0.001, limit - (time.time() - t0))))

    def _repaint_due(self, now: float) -> None:
        due = [r for r in self._repaints if r[0] <= now]
        if not due:
            return
        self._repaints = [r for r in self._repaints if r[0] > now]
        for index in sorted({i for _, i in due}):
            try:
                self.pages[index].evaluate(REPAINT_JS)
            except Exception:  # navigating or closed: its next load schedules another
                continue

    def _pump(self, seconds: float) -> None:
        """Sleep while letting Playwright deliver events (page opened/closed) to this thread."""
        for index in reversed(self.tracker.open_pages):
            try:
                self.pages[index].wait_for_timeout(math.ceil(seconds * 1000))
                return
            except Exception:  # that page closed meanwhile: try another
                continue
        time.sleep(seconds)

    def _selector_seen(self, selector: str) -> bool:
        for index in self.tracker.open_pages:
            try:
                if self.pages[index].query_selector(selector) is not None:
                    return True
            except Exception:  # navigating or closed: look again next round
                continue
        return False

    def _follow_visible_tab(self, now: float) -> None:
        front = self.tracker.front
        if front is None:
            return
        try:
            if self.pages[front].evaluate("document.visibilityState") != "hidden":
                return
            for index in reversed(self.tracker.open_pages):
                if index != front and self.pages[index].evaluate("document.visibilityState") == "visible":
                    self.tracker.shown(index, now)
                    return
        except Exception:
            return

    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        log.warning("capture: %s", message)
