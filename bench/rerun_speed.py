"""`video rerun` vs a full `video generate` on a 10-scene ~60 s short (issue 21): wall and CPU time, the
manifest's hit/made record, and the mp4's sha256 against a fresh run of the edited script.

Run: PYTHONPATH=src .venv/bin/python bench/rerun_speed.py [--json out.json] [--no-check]

Edits, each against the first run: (1) one scene's narration, (2) one scene's on-screen text (its card),
(3) the caption preset (--captions karaoke; cards keep the caption band clear, so they are redrawn), (4) the
caption look only (REELFORGE_CAPTION_HIGHLIGHT). Every fresh run is `generate` of the edited script in an
empty workspace (nothing cached). CPU is the children's user+sys time (resource.getrusage). Not in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).parent / "fixtures" / "rerun_short.json"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def reelforge(workdir: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    cpu, started = _cpu(), time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "reelforge", *args, "--format", "json"], cwd=workdir,
                          capture_output=True, text=True, check=False, env={**os.environ, **(env or {})})
    wall, cpu = time.perf_counter() - started, _cpu() - cpu
    if proc.returncode != 0:
        raise SystemExit(f"{args[:2]} failed ({proc.returncode}): {proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    out = json.loads(proc.stdout)
    manifest = json.loads((Path(out["runDir"]) / "manifest.json").read_text())
    stages = {s["stage"]: s for s in manifest["stages"]}
    return {"runDir": out["runDir"], "wallSec": round(wall, 2), "cpuSec": round(cpu, 2),
            "sha256": manifest["outputs"]["sha256"], "videoSec": manifest["outputs"]["durationSec"],
            "checkSec": stages.get("check", {}).get("seconds", 0.0),
            "stageSec": {k: v["seconds"] for k, v in stages.items()},
            "reuse": {k: {"hit": v["params"]["reuse"]["hit"], "made": v["params"]["reuse"]["made"]}
                      for k, v in stages.items() if "reuse" in v["params"]}}


def edited(base: dict[str, Any], scene: str, **fields: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(base))
    for s in copy["scenes"]:
        if s["id"] == scene:
            s.update(fields)
    return copy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", type=Path)
    parser.add_argument("--no-check", action="store_true", help="pass --no-check to every run")
    parser.add_argument("--skip-fresh", action="store_true",
                        help="time the reruns only (no fresh run of each edited script, so no byte comparison)")
    args = parser.parse_args()
    extra = ["--no-check"] if args.no_check else []
    base = json.loads(FIXTURE.read_text())
    cases: list[tuple[str, dict[str, Any], list[str], dict[str, str]]] = [
        ("narration (s05)", edited(base, "s05", narration="Step outside for ten minutes each morning."), [], {}),
        ("visual (s07 on-screen text)", edited(base, "s07", onScreenText=["Coffee before noon"]), [], {}),
        ("caption preset (karaoke)", base, ["--captions", "karaoke"], {}),
        ("caption look (highlight colour)", base, [], {"REELFORGE_CAPTION_HIGHLIGHT": "#00FFAA"}),
    ]
    results: dict[str, Any] = {"extra": extra, "cases": []}
    with tempfile.TemporaryDirectory(prefix="rerun-bench-") as tmp:
        work = Path(tmp) / "ws"
        work.mkdir()
        (work / "script.json").write_text(json.dumps(base))
        full = reelforge(work, "video", "generate", "--script", "script.json", *extra)
        results["full"] = full
        print(json.dumps({"full": full}), flush=True)
        first = full["runDir"]
        before_status = subprocess.run([sys.executable, "-m", "reelforge", "video", "status", first], cwd=work,
                                       capture_output=True, text=True, check=True).stdout
        for n, (name, script, flags, env) in enumerate(cases, 1):
            (work / f"edit{n}.json").write_text(json.dumps(script))
            status = subprocess.run([sys.executable, "-m", "reelforge", "video", "status", first, "--script",
                                     f"edit{n}.json", *flags], cwd=work, capture_output=True, text=True,
                                    check=True, env={**os.environ, **env}).stdout
            rerun = reelforge(work, "video", "rerun", first, "--script", f"edit{n}.json", *flags, *extra, env=env)
            fresh: dict[str, Any] | None = None
            if not args.skip_fresh:
                clean = Path(tmp) / f"fresh{n}"
                clean.mkdir()
                (clean / "script.json").write_text(json.dumps(script))
                fresh = reelforge(clean, "video", "generate", "--script", "script.json", *flags, *extra, env=env)
            case = {"edit": name, "rerun": rerun, "fresh": fresh,
                    "speedupWall": round(full["wallSec"] / rerun["wallSec"], 2),
                    "speedupCpu": round(full["cpuSec"] / rerun["cpuSec"], 2),
                    "identical": None if fresh is None else rerun["sha256"] == fresh["sha256"],
                    "statusBefore": status}
            results["cases"].append(case)
            print(json.dumps({k: v for k, v in case.items() if k != "statusBefore"}), flush=True)
        results["statusUnedited"] = before_status
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print("\nedit | full wall/CPU | rerun wall/CPU | x wall | x CPU | identical to fresh")
    for c in results["cases"]:
        print(f"{c['edit']} | {full['wallSec']}/{full['cpuSec']} | {c['rerun']['wallSec']}/{c['rerun']['cpuSec']}"
              f" | {c['speedupWall']} | {c['speedupCpu']} | {c['identical']}")


if __name__ == "__main__":
    main()
