"""`--source web --url URL`: record a browser session into run_dir/capture.mp4.

Headed (a human drives, ENTER stops) when there is a display and an interactive terminal; headless
with ``--capture-stop``. Without either, or without a browser, the guided protocol is raised at once
(exit 3): the decision is made before anything is launched, so it never hangs.
"""

from __future__ import annotations

import logging
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from reelforge.capture.browser import find_chromium, launch_chromium, playwright_missing_reason, start_playwright
from reelforge.capture.ffmpeg import FPS
from reelforge.capture.guide import capture_required
from reelforge.capture.join import join_pages
from reelforge.capture.mask import SecretUrl
from reelforge.capture.options import WebCaptureOptions
from reelforge.capture.probe import probe_video
from reelforge.capture.result import CAPTURE_FILE, CaptureAsset
from reelforge.capture.session import Recording, Session
from reelforge.capture.timeline import cut_segments
from reelforge.config import environ_value
from reelforge.errors import InvalidInputError, ReelforgeError
from reelforge.workspace.hashing import sha256_file

log = logging.getLogger("reelforge.capture")
Guided = Callable[[str], ReelforgeError]
WORK_DIR = ".capture-work"


def interactive_reason(stdin: TextIO | None, env: Mapping[str, str]) -> str | None:
    """None when a human can drive a headed browser and press ENTER; otherwise why not."""
    try:
        tty = stdin is not None and stdin.isatty()
    except (ValueError, OSError):
        tty = False
    if not tty:
        return ("standard input is not an interactive terminal (nobody can press ENTER to stop) "
                "and no --capture-stop was given")
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return "there is no display ($DISPLAY is unset) for a headed browser and no --capture-stop was given"
    return None


def check_url(url: SecretUrl) -> None:
    try:
        scheme = urlsplit(url.reveal()).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in ("http", "https"):
        raise InvalidInputError(f"--url {url.masked} is not an http(s) URL",
                                hint="pass the page's address, e.g. --url https://app.example.com/start")


def capture_web(options: WebCaptureOptions, run_dir: Path, *, brief: str = "", stdin: TextIO | None = None,
                prompt: TextIO | None = None, env: Mapping[str, str] | None = None) -> CaptureAsset:
    """Record ``options.url`` into ``run_dir/capture.mp4``. Raises CaptureRequiredError (3) when it cannot."""
    url = SecretUrl(options.url)
    check_url(url)
    stdin = sys.stdin if stdin is None else stdin
    environ = env if env is not None else {k: environ_value(k) or "" for k in ("DISPLAY", "WAYLAND_DISPLAY")}
    headless = options.stop is not None

    def guided(reason: str) -> ReelforgeError:
        log.warning("capture: %s; falling back to the guided protocol", reason)
        return capture_required(reason, brief=brief, source="web", url_masked=url.masked)

    if not headless and (reason := interactive_reason(stdin, environ)):
        raise guided(reason)
    if reason := playwright_missing_reason():
        raise guided(f"{reason}; install it with: pip install 'reelforge[demo]'")
    executable = find_chromium(options.browser_path)
    if executable is None:
        raise guided("no Chromium browser was found; install it with: apt-get install chromium")

    work = run_dir / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    try:
        recording = _record(url, options, executable, headless=headless, work=work, stdin=stdin,
                            prompt=prompt if prompt is not None else sys.stderr, guided=guided)
        return _assemble(recording, url, options, run_dir, headless=headless, work=work, guided=guided)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _record(url: SecretUrl, options: WebCaptureOptions, executable: str, *, headless: bool, work: Path,
            stdin: TextIO, prompt: TextIO, guided: Guided) -> Recording:
    playwright = None
    try:
        try:
            playwright = start_playwright(work)
            browser = launch_chromium(playwright, executable, headless=headless)
        except Exception as exc:
            raise guided(f"Chromium could not start ({url.scrub(_first_line(exc))})") from None
        try:
            session = Session(browser, url, options, headless=headless, work_dir=work,
                              stdin=None if headless else stdin, prompt=None if headless else prompt)
            return session.run()
        finally:
            try:
                browser.close()
            except Exception as exc:
                log.debug("closing Chromium failed: %s", type(exc).__name__)
    except (ReelforgeError, KeyboardInterrupt):
        raise
    except Exception as exc:  # a Playwright error mid-session; its text may quote the URL
        raise guided(f"the browser session failed ({url.scrub(_first_line(exc))})") from None
    finally:
        if playwright is not None:
            try:
                playwright.stop()
            except Exception as exc:
                log.debug("stopping Playwright failed: %s", type(exc).__name__)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


def _assemble(rec: Recording, url: SecretUrl, options: WebCaptureOptions, run_dir: Path, *, headless: bool,
              work: Path, guided: Guided) -> CaptureAsset:
    total = rec.t_stop - rec.t0
    segments = cut_segments(rec.changes, rec.video_starts, rec.t0, rec.t_stop)
    if not segments or total <= 0:
        raise guided("the recording is empty (it was stopped before anything was shown)")
    partial = work / CAPTURE_FILE
    join_pages(rec.videos, segments, options.viewport, total, partial)
    target = run_dir / CAPTURE_FILE
    partial.replace(target)
    info = probe_video(target, what="capture.mp4")
    pages_in_front = []
    for seg in segments:
        if seg.page + 1 not in pages_in_front:
            pages_in_front.append(seg.page + 1)
    params = {
        "url": url.masked, "viewport": f"{options.viewport[0]}x{options.viewport[1]}", "headless": headless,
        "stop": options.stop.describe() if options.stop else "enter", "stoppedBy": rec.stopped_by,
        "readySelector": options.ready_selector, "browser": f"chromium {rec.browser_version}",
        "pagesRecorded": len(rec.videos), "pagesShown": pages_in_front,
        "timeline": [{"page": s.page + 1, "sec": round(s.seconds, 3)} for s in segments],
        "sessionSec": round(total, 3), "durationSec": round(info.duration_sec, 3),
    }
    return CaptureAsset(path=target, sha256=sha256_file(target), bytes=target.stat().st_size,
                        duration_sec=info.duration_sec, width=info.width, height=info.height,
                        frames=round(info.duration_sec * FPS), provider="playwright-web", nondeterministic=True,
                        url_masked=url.masked, params={k: v for k, v in params.items() if v is not None},
                        warnings=list(rec.warnings))
