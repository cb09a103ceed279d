"""Load on the studio: N concurrent clients browsing while one re-render runs (issue 16).

    /work/main/.venv/bin/python bench/studio_load.py [--clients 20] [--copies 12] [--min-seconds 20]

Makes a scratch workspace with one real key-free run (`video generate` from a brief) plus copies of it
under other run ids (a list worth paging through), starts `reelforge studio --port 0` as its own process,
logs every client in with the printed link, starts one re-render through the page's POST, and lets the
clients loop over what a reviewer's browser fetches (the Runs page, a Run page, a thumbnail, the
stylesheet, a 256 KB byte range of the video) until the re-render has finished and at least --min-seconds
have passed. Reports requests, errors (any status other than 200/206, any exception), and page times
(p50/p95/max) for HTML pages and for everything; exits 1 on any error or if the re-render is not identical.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

BRIEF = "Sleep is a skill. Dim your screens an hour before bed. Keep the room cool and dark. Wake at the same time."


def make_workspace(root: Path, copies: int) -> tuple[Path, list[str]]:
    env = {**os.environ, "REELFORGE_CHECK": "false", "REELFORGE_CREDENTIALS": "off"}
    out = subprocess.run([sys.executable, "-m", "reelforge", "--workspace", str(root), "video", "generate", BRIEF,
                          "--seed", "2", "--format", "json"], capture_output=True, text=True, env=env, check=False)
    result = json.loads(out.stdout)
    if result.get("exitCode") != 0:
        raise SystemExit(f"generate failed: {result}")
    run_dir = Path(result["runDir"])
    ids = [run_dir.name]
    for i in range(copies):
        copy_id = f"20261101-{i:06d}-copy{i:02d}-shorts-9x16"
        shutil.copytree(run_dir, run_dir.parent / copy_id)
        ids.append(copy_id)
    return run_dir, ids


def start_server(root: Path) -> tuple[subprocess.Popen[str], str, str]:
    proc = subprocess.Popen([sys.executable, "-m", "reelforge", "studio", "--workspace", str(root), "--port", "0"],
                            stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)/\?token=(\S+)", line)
        if match:
            time.sleep(0.3)
            return proc, match.group(1), match.group(2)
    proc.kill()
    raise SystemExit("the studio did not print its login link")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def client_loop(base: str, token: str, ids: list[str], video_rel: str, stop: asyncio.Event,
                      samples: list[tuple[str, float]], errors: list[str], index: int) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await client.get(f"/?token={token}")
        i = index
        while not stop.is_set():
            run_id = ids[i % len(ids)]
            fetches = [("page", "/runs", {}), ("page", f"/runs/{run_id}", {}),
                       ("asset", f"/thumbs/videos/{run_id}/{video_rel}?w=120", {}),
                       ("asset", "/static/studio.css", {}),
                       ("asset", f"/files/videos/{run_id}/{video_rel}", {"Range": "bytes=0-262143"})]
            for kind, url, headers in fetches:
                start = time.perf_counter()
                try:
                    answer = await client.get(url, headers=headers)
                    if answer.status_code not in (200, 206):
                        errors.append(f"{url}: {answer.status_code}")
                except httpx.HTTPError as exc:
                    errors.append(f"{url}: {type(exc).__name__}")
                samples.append((kind, time.perf_counter() - start))
            i += 1


async def rerender(base: str, token: str, run_id: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base, timeout=600) as client:
        await client.get(f"/?token={token}")
        page = (await client.get("/runs")).text
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', page)
        assert csrf is not None
        started = await client.post(f"/runs/{run_id}/rerender", headers={"X-CSRF-Token": csrf.group(1)})
        task_id = started.json()["taskId"]
        async with client.stream("GET", f"/tasks/{task_id}/events") as events:
            last: dict[str, Any] = {}
            name = ""
            async for line in events.aiter_lines():
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    last = {"event": name, "data": json.loads(line[6:])}
        return last


async def run_load(base: str, token: str, ids: list[str], video_rel: str, clients: int,
                   min_seconds: float) -> dict[str, Any]:
    samples: list[tuple[str, float]] = []
    errors: list[str] = []
    stop = asyncio.Event()
    loops = [asyncio.create_task(client_loop(base, token, ids, video_rel, stop, samples, errors, n))
             for n in range(clients)]
    started = time.monotonic()
    await asyncio.sleep(1.0)
    render_started = time.monotonic()
    outcome = await rerender(base, token, ids[0])
    render_seconds = time.monotonic() - render_started
    during = len(samples)
    while time.monotonic() - started < min_seconds:
        await asyncio.sleep(0.2)
    stop.set()
    await asyncio.gather(*loops)
    pages = [t for kind, t in samples if kind == "page"]
    every = [t for _, t in samples]
    return {"clients": clients, "seconds": round(time.monotonic() - started, 1), "requests": len(samples),
            "requestsDuringRerender": during, "errors": len(errors), "errorSamples": errors[:5],
            "pageRequests": len(pages), "pageP50Ms": round(statistics.median(pages) * 1000, 1),
            "pageP95Ms": round(percentile(pages, .95) * 1000, 1),
            "pageMaxMs": round(max(pages) * 1000, 1), "allP95Ms": round(percentile(every, .95) * 1000, 1),
            "rerenderSeconds": round(render_seconds, 1), "rerender": outcome}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--copies", type=int, default=12, help="extra run folders (copies) in the list")
    parser.add_argument("--min-seconds", type=float, default=20.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rf-studio-load-") as tmp:
        root = Path(tmp)
        t0 = time.monotonic()
        run_dir, ids = make_workspace(root, args.copies)
        print(f"workspace ready in {time.monotonic() - t0:.1f}s: {len(ids)} runs", file=sys.stderr)
        video_rel = json.loads((run_dir / "manifest.json").read_text())["outputs"]["video"]
        proc, base, token = start_server(root)
        try:
            report = asyncio.run(run_load(base, token, ids, video_rel, args.clients, args.min_seconds))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    report["loadAverage"] = os.getloadavg()
    print(json.dumps(report, indent=2))
    identical = report["rerender"].get("event") == "done" and report["rerender"]["data"].get("identical") is True
    return 0 if report["errors"] == 0 and identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
