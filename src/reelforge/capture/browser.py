"""Find the system Chromium and start Playwright against it, without any browser download.

Playwright's own ``record_video`` encodes with an ffmpeg it expects at
``$PLAYWRIGHT_BROWSERS_PATH/ffmpeg-<rev>/ffmpeg-linux`` (normally fetched by ``playwright install``,
which cannot work offline). We point that variable at a private folder whose ffmpeg is a link to
imageio-ffmpeg's static binary (it has libvpx-vp9, which the recorder uses). Chromium itself is
Debian's, via ``executable_path``.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from reelforge.config import child_environ, environ_value

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               # A popup opened in headless mode counts as a background/occluded window; without these its
               # renderer was throttled and its recording stayed white (measured, about 1 run in 3).
               "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
               "--disable-backgrounding-occluded-windows"]
_ENV = "PLAYWRIGHT_BROWSERS_PATH"


def find_chromium(explicit: str | None = None) -> str | None:
    """An executable Chromium: ``explicit``, $REELFORGE_CHROMIUM, or the first known name on PATH."""
    for candidate in (explicit, environ_value("REELFORGE_CHROMIUM")):
        if candidate:
            return candidate if os.access(candidate, os.X_OK) and Path(candidate).is_file() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def playwright_missing_reason() -> str | None:
    """None when the Playwright Python package imports; otherwise why not."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"the Playwright Python package is not installed ({exc.name or 'playwright'})"
    return None


def _ffmpeg_revision() -> str:
    import playwright

    browsers = Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
    for entry in json.loads(browsers.read_text(encoding="utf-8"))["browsers"]:
        if entry.get("name") == "ffmpeg":
            return str(entry["revision"])
    raise RuntimeError("Playwright's browsers.json names no ffmpeg revision")


def prepare_browsers_dir(folder: Path) -> Path:
    """A PLAYWRIGHT_BROWSERS_PATH whose ffmpeg is imageio-ffmpeg's binary."""
    from reelforge.capture.ffmpeg import ffmpeg_exe

    target = folder / f"ffmpeg-{_ffmpeg_revision()}"
    target.mkdir(parents=True, exist_ok=True)
    for name in ("ffmpeg-linux", "ffmpeg-mac"):
        link = target / name
        if not link.exists():
            link.symlink_to(ffmpeg_exe())
    return folder


def start_playwright(work_dir: Path) -> Any:
    """Start the Playwright driver (a Node subprocess; it never sees the URL on its argv)."""
    from playwright.sync_api import sync_playwright

    folder = prepare_browsers_dir(work_dir / "pw-browsers")
    # The driver subprocess copies os.environ when it starts.
    with child_environ(_ENV, str(folder)):
        return sync_playwright().start()


def launch_chromium(playwright: Any, executable: str, *, headless: bool) -> Any:
    # Playwright launches with a fresh temporary profile and removes it on close; contexts made by
    # new_context() are off-the-record, so history and cache stay in memory, never on disk.
    return playwright.chromium.launch(executable_path=executable, headless=headless, args=list(LAUNCH_ARGS),
                                      handle_sigint=False, timeout=30_000)
