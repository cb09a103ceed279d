"""Screenshots of the studio's pages for the README: docs/studio/*.png (1000 px wide, palette-quantized).

    .venv/bin/python tools/studio_screenshots.py [--out docs/studio]

Makes a scratch workspace with real runs (a key-free `video generate` from a brief, a dry run, and a copy
marked failed to show the error and fix line), starts the studio on a free loopback port and drives
Debian's chromium through the pages with Playwright.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PIL import Image

from reelforge.capture.browser import find_chromium, launch_chromium, start_playwright
from reelforge.config import resolve_settings
from reelforge.pipeline.decisions import FlagDecider
from reelforge.pipeline.generate import GenerateRequest, generate
from reelforge.studio import StudioConfig
from reelforge.studio.server import StudioThread
from reelforge.workspace.paths import Workspace

BRIEF = "Sleep is a skill. Dim your screens an hour before bed. Keep the room cool and dark."
WIDTH = 1000


def make_runs(root: Path) -> Path:
    def run(brief: str, **flags: Any) -> Path:
        settings = resolve_settings(workspace_root=root, flags={"check": False, "credentials": "off", **flags})
        dry = bool(flags.pop("dry_run", False))
        result = generate(GenerateRequest(brief=brief, settings=settings, workspace=Workspace.at(root),
                                          decider=FlagDecider(yes=False), dry_run=dry))
        return result.run_dir

    run("Three quick ways to focus: close the tabs, set a timer, write the next step.", dry_run=True,
        aspect="16:9")
    failed = run("Water your plants in the morning so leaves dry by night.", music="calm", seed=4)
    manifest = json.loads((failed / "manifest.json").read_text())
    manifest.update(status="failed", exitCode=5, error={
        "kind": "provider-unavailable", "message": "Pexels answered 401 for the stock search of scene 2",
        "hint": "check PEXELS_API_KEY (reelforge video doctor), or pass --visual card"})
    manifest["warnings"] = ["scene-02: stock photo not found; fell back to a designed card (pathTaken: fallback)"]
    (failed / "manifest.json").write_text(json.dumps(manifest))
    return run(BRIEF, music="calm", seed=2)


def save(page: Any, path: Path, *, full: bool = True, height: int | None = None) -> None:
    raw = path.with_suffix(".raw.png")
    page.screenshot(path=str(raw), full_page=full)
    image = Image.open(raw).convert("RGB")
    if height is not None and image.height > height:
        image = image.crop((0, 0, image.width, height))
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)
    raw.unlink()
    print(f"{path} {path.stat().st_size // 1024} KB", file=sys.stderr)


@contextlib.contextmanager
def logged_in_page(base_url: str, token: str) -> Iterator[Any]:
    """A headless chromium page, WIDTH wide, logged in to the studio at ``base_url``."""
    executable = find_chromium()
    if executable is None:
        raise SystemExit("needs chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as scratch:
        playwright = start_playwright(Path(scratch))
        browser = launch_chromium(playwright, executable, headless=True)
        try:
            page = browser.new_context(viewport={"width": WIDTH, "height": 760}).new_page()
            page.goto(f"{base_url}/?token={token}")
            yield page
        finally:
            browser.close()
            playwright.stop()


def shoot(base_url: str, token: str, best: Path, out: Path, extra: list[Callable[[Any, str, Path], None]]) -> None:
    with logged_in_page(base_url, token) as page:
        page.goto(f"{base_url}/runs")
        page.wait_for_function("() => [...document.images].every(i => i.complete)")
        save(page, out / "runs.png")
        page.goto(f"{base_url}/runs/{best.name}")
        page.wait_for_function("() => document.querySelector('#player').readyState >= 3")
        page.evaluate("() => { const v = document.querySelector('#player'); v.currentTime = 2.2; }")
        page.wait_for_function("() => [...document.images].every(i => i.complete)")
        page.click("#rerender-btn")
        page.wait_for_function("() => document.querySelector('#rerender-log').dataset.state === 'done'",
                               timeout=300_000)
        save(page, out / "run.png", height=2200)
        for step in extra:
            step(page, base_url, out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/studio"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        root.mkdir()
        best = make_runs(root)
        with StudioThread(StudioConfig(workspace=root, port=0)) as server:
            shoot(server.base_url, server.config.token, best, args.out, [])
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
