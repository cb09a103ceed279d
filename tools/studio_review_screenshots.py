"""Screenshots of the studio's review pages for the README: docs/studio/{assets,render-qa,trace,new-video,
new-video-confirm}.png (1000 px wide, palette-quantized).

    .venv/bin/python tools/studio_review_screenshots.py [--out docs/studio]

Makes a scratch workspace with the key-free providers (docs/runners.md: designed-still candidates, a voice
take, a local animatic render), starts the studio on a free loopback port and drives Debian's chromium
through the Assets, Renders and QA, Trace and New video pages with Playwright. The paid-plan shot sets a
made-up OpenAI key in this process only so the estimate has a price; Start is never pressed there.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/studio_workspace.py builds the workspace

from studio_screenshots import logged_in_page, save  # the sibling tool (tools/ is on the path)
from tests.studio_workspace import JOB, PERSONA, TAKE, image_request, make_review_workspace

from reelforge.batch import api as batch_api
from reelforge.qa import record_qa
from reelforge.studio import StudioConfig
from reelforge.studio.server import StudioThread


def make_workspace(root: Path) -> None:
    os.chdir(root)
    make_review_workspace(root, render=True)
    batch_api.generate(image_request("image-run-003", "the creator outdoors, overcast daylight, phone in hand", 43),
                       workspace=root)
    record_qa(JOB, verdict="revise", failed=["the still does not move enough"], rerun_stage="render",
              issues=["render_realism"], reviewer="lead", notes="try the hosted talking head", workspace=root)


def images_loaded(page: Any) -> None:
    page.evaluate("() => document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
    page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")


def shoot(base_url: str, token: str, root: Path, out: Path) -> None:
    with logged_in_page(base_url, token) as page:
        page.goto(f"{base_url}/assets/{PERSONA}")
        card = page.locator("article[data-file='images/candidates/image-run-003-attempt-001-img-001.png']")
        card.locator("input[name=note]").fill("natural light, reads as UGC")
        images_loaded(page)
        save(page, out / "assets.png", height=1480)

        page.goto(f"{base_url}/renders/{JOB}")
        page.wait_for_function("() => document.querySelector('video.player').readyState >= 2")
        page.evaluate("() => { document.querySelector('video.player').currentTime = 1.0; }")
        page.wait_for_timeout(500)
        page.check("input[name=verdict][value=approved]")
        page.fill("#worked", "voice and still match\ncaptions land on the beat")
        page.fill("#reviewer", "lead")
        save(page, out / "render-qa.png", height=1900)

        take = root / f"assets/{TAKE}/audio/approved/take.wav"
        take.write_bytes(take.read_bytes() + b"\0")  # edited after the render: the trace flags it
        page.goto(f"{base_url}/trace/{JOB}")
        save(page, out / "trace.png", height=1700)

        page.goto(f"{base_url}/new")
        page.fill("#brief", "Three ways to fall asleep faster: dim the screens, cool the room, same time daily.")
        page.select_option("#captions", "karaoke")
        page.check("input[name=dry_run]")
        page.click("button:has-text('Plan')")
        page.wait_for_selector("#plan")
        page.click("#start")
        page.wait_for_selector("#generate-log[data-state=done]", timeout=300_000)
        save(page, out / "new-video.png")

        os.environ["OPENAI_API_KEY"] = "sk-screenshot-made-up"  # a price for the estimate; never called
        page.goto(f"{base_url}/new")
        page.fill("#brief", "Three ways to fall asleep faster: dim the screens, cool the room, same time daily.")
        page.select_option("#visual", "generate")
        page.click("button:has-text('Plan')")
        page.wait_for_selector("#plan")
        save(page, out / "new-video-confirm.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/studio"))
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    for name in list(os.environ):
        if name.startswith("REELFORGE_") or name.endswith("_API_KEY"):
            del os.environ[name]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        root.mkdir()
        (root / "reelforge.toml").write_text("max_usd = 0.05\n", encoding="utf-8")
        make_workspace(root)
        with StudioThread(StudioConfig(workspace=root, port=0)) as server:
            shoot(server.base_url, server.config.token, root, out)


if __name__ == "__main__":
    main()
