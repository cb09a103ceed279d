"""Benchmark: `video batch` on the local engine vs Ray on the same machine, and a measured model of a
distributed render (per-segment time, join time, transfer cost) projected to a 10-minute 1080p video on N
workers, next to Remotion Lambda's published 56-61 s.

    sudo python bench/batch_engines.py [--shorts 8] [--model-seconds 60] [--json out.json]

Runs itself inside `unshare -n -p -f --mount-proc` (loopback only; Ray's processes visible only to it), starts
one Ray node with the machine's CPUs on 127.0.0.1, and stops it. CPU time is the sum of user+system over
every process of that namespace (the driver, the pool or Ray's workers, ffmpeg), so a loaded machine's
other work is not counted; wall time is what it is under that load (the load average is printed).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

INSIDE = "RF_BENCH_NETNS"
TICK = os.sysconf("SC_CLK_TCK")
FRAMES_10MIN = 10 * 60 * 30


def namespace_cpu() -> float:
    """user+system seconds of every live process here, children they reaped included."""
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total / TICK


class Meter:
    def __enter__(self) -> Meter:
        self.load = os.getloadavg()[0]
        self.wall0, self.cpu0 = time.monotonic(), namespace_cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.monotonic() - self.wall0
        self.cpu = namespace_cpu() - self.cpu0

    def row(self) -> dict[str, float]:
        return {"wall": round(self.wall, 2), "cpu": round(self.cpu, 2), "load1": round(self.load, 2)}


def _workspace(root: Path, jobs: list[dict[str, Any]]) -> Path:
    root.mkdir(parents=True)
    (root / "reelforge.toml").write_text('credentials = "off"\n', encoding="utf-8")
    (root / "jobs.jsonl").write_text("\n".join(json.dumps(j) for j in jobs) + "\n", encoding="utf-8")
    return root


def _batch(root: Path, engine: Any) -> list[dict[str, Any]]:
    from reelforge.config import resolve_settings
    from reelforge.pipeline.videobatch import BatchRequest, run_batch
    from reelforge.workspace.paths import Workspace

    settings = resolve_settings(workspace_root=root)
    result = run_batch(BatchRequest(root / "jobs.jsonl", Workspace.at(root), settings, engine=engine))
    return [s.to_json() for s in result.lines]


def bench_batch(work: Path, shorts: int, address: str, ray_first: bool = False) -> dict[str, Any]:
    from reelforge.pipeline.videobatch.engines import LocalEngine
    from reelforge.pipeline.videobatch.ray_engine import RayEngine

    topics = ["water", "sleep", "walking", "stretching", "reading", "breathing", "sunlight", "tea", "music", "notes"]
    jobs = [{"brief": f"Tip {i + 1}: {topics[i % len(topics)]} every day helps.", "seed": i, "check": False}
            for i in range(shorts)]
    out: dict[str, Any] = {"shorts": shorts, "order": "ray, local" if ray_first else "local, ray"}
    local, ray = Meter(), Meter()
    for which in (["ray", "local"] if ray_first else ["local", "ray"]):
        if which == "local":
            with local:
                local_rows = _batch(_workspace(work / "local", jobs), LocalEngine())
        else:
            with ray:
                ray_rows = _batch(_workspace(work / "ray", jobs), RayEngine(address))
    assert all(r["status"] == "succeeded" for r in local_rows + ray_rows)
    out["identical"] = [a["sha256"] for a in local_rows] == [b["sha256"] for b in ray_rows]
    out["local"], out["ray"] = local.row(), ray.row()
    out["wallRatio"] = round(ray.wall / local.wall, 3)
    out["cpuRatio"] = round(ray.cpu / local.cpu, 3)
    return out


def _explainer(work: Path, seconds: int) -> Path:
    from reelforge.config import resolve_settings
    from reelforge.pipeline.generate import GenerateRequest, generate
    from reelforge.workspace.paths import Workspace

    root = _workspace(work / "model", [])
    brief = " ".join([
        "How a render farm works.", "A long video is cut into independent segments.",
        "Each worker renders its segments from the same render spec.", "The driver joins them without re-encoding.",
        "The output bytes do not depend on how many workers took part.",
        "Costs are per segment, per join and per transfer.", "Stills are scaled once per segment.",
        "Transitions never straddle a cut.", "Footage stays in one process.", "Captions are burned in by libass.",
        "The audio is mixed once and measured twice for loudness.", "The join copies streams and writes the index.",
        "A lost worker's segment is rendered again.", "Every result is checked by its hash.",
        "The manifest records what ran where.", "Nothing is published until it is whole.",
    ] * max(1, seconds // 60))
    settings = resolve_settings(workspace_root=root, flags={"mode": "explainer", "duration": str(seconds),
                                                            "check": False})
    result = generate(GenerateRequest(brief=brief, settings=settings, workspace=Workspace.at(root), dry_run=True))
    return result.run_dir


def bench_model(work: Path, seconds: int, address: str) -> dict[str, Any]:
    """Render a real 1080p explainer's segments one at a time (each part's wall and CPU), join, and measure
    Ray's per-byte transfer; then project 10 minutes on N workers."""
    import ray

    from reelforge.models.common import load_document
    from reelforge.models.render_spec import RenderSpec
    from reelforge.pipeline.videobatch.parts import audio_part, render_with, segment_part

    run_dir = _explainer(work, seconds)
    spec = load_document(RenderSpec, run_dir / "render-spec.json", document="render-spec.json")
    spec_json = spec.to_json_dict()
    parts: list[dict[str, Any]] = []

    def sequential(spec: RenderSpec, run_dir: Path, order: list[int]) -> Any:
        for index in [-1, *order]:
            with Meter() as m:
                part = (audio_part(spec_json, str(run_dir)) if index < 0
                        else segment_part(spec_json, str(run_dir), index))
            parts.append({"index": index, "bytes": len(part.data), **m.row()})
            yield index, part

    timings: list[tuple[str, float]] = []
    result = render_with(sequential, spec, run_dir, None, timings)
    join = dict(timings)["join"]
    segs = [p for p in parts if p["index"] >= 0]
    audio = next(p for p in parts if p["index"] < 0)
    frames = spec.duration_in_frames

    @ray.remote(num_cpus=1)
    def payload(n: int) -> bytes:
        return os.urandom(n)

    size = int(statistics.mean(p["bytes"] for p in segs))
    ray.get(payload.remote(1))  # a warm worker
    t0 = time.monotonic()
    for _ in range(5):
        ray.get(payload.remote(size))
    transfer = (time.monotonic() - t0) / 5

    seg_wall = statistics.mean(p["wall"] for p in segs)
    seg_cpu = statistics.mean(p["cpu"] for p in segs)
    per_frame_join = join / frames
    per_frame_audio_cpu = audio["cpu"] / frames
    seg_frames = spec.encoder.segment_frames
    out: dict[str, Any] = {
        "video": {"seconds": frames / spec.fps, "size": f"{spec.dimensions.width}x{spec.dimensions.height}",
                  "segments": len(segs), "sha256": result.sha256},
        "segment": {"frames": seg_frames, "wallMean": round(seg_wall, 2), "cpuMean": round(seg_cpu, 2),
                    "bytesMean": size},
        "audio": audio, "join": round(join, 3), "transferPerSegmentLoopback": round(transfer, 4),
    }
    segments_10 = math.ceil(FRAMES_10MIN / seg_frames)
    bytes_10 = segments_10 * size
    projections = {}
    for n in (1, 2, 16, 64):
        rounds = math.ceil(segments_10 / n)
        for basis, t_seg in (("cpu", seg_cpu), ("wallHere", seg_wall)):
            audio_10 = per_frame_audio_cpu * FRAMES_10MIN  # one worker, alongside the segments
            net = bytes_10 / 1.25e9  # every segment to the driver over 10 Gb/s (an assumption, not measured)
            total = max(rounds * t_seg, audio_10) + per_frame_join * FRAMES_10MIN + net + transfer * segments_10 / n
            projections[f"{n}workers_{basis}"] = round(total, 1)
    out["tenMinute1080p"] = {"segments": segments_10, "bytes": bytes_10, "projectedSeconds": projections,
                             "remotionLambdaPublished": "56-61 s"}
    return out


def _inside(args: argparse.Namespace) -> int:
    ray_bin = str(Path(sys.executable).with_name("ray"))
    temp = tempfile.mkdtemp(prefix="rfb", dir="/tmp")
    work = Path(tempfile.mkdtemp(prefix="rf-batch-bench-"))
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    cpus = len(os.sched_getaffinity(0))
    report: dict[str, Any] = {"cpus": cpus, "loadStart": os.getloadavg()}
    try:
        with Meter() as start:
            head = [ray_bin, "start", "--head", "--node-ip-address=127.0.0.1", "--port=6392", f"--num-cpus={cpus}",
                    "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={temp}"]
            if subprocess.run(head, env=env, stdout=sys.stderr, stderr=sys.stderr).returncode:
                # under heavy load a node can time out starting (seen twice at load ~30): stop it, try once more
                subprocess.run([ray_bin, "stop", "--force"], env=env, capture_output=True)
                subprocess.run(head, env=env, check=True, stdout=sys.stderr, stderr=sys.stderr)
            import ray

            ray.init(address="127.0.0.1:6392", log_to_driver=False, logging_level="ERROR")
        report["rayStart"] = start.row()
        if args.shorts:
            report["batch"] = bench_batch(work, args.shorts, "127.0.0.1:6392", args.ray_first)
            print(json.dumps(report["batch"]), flush=True)
        if args.model_seconds:
            report["model"] = bench_model(work, args.model_seconds, "127.0.0.1:6392")
            print(json.dumps(report["model"]), flush=True)
    finally:
        subprocess.run([ray_bin, "stop", "--force"], env=env, capture_output=True)
        shutil.rmtree(temp, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    report["loadEnd"] = os.getloadavg()
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shorts", type=int, default=8)
    parser.add_argument("--model-seconds", type=int, default=60)
    parser.add_argument("--ray-first", action="store_true", help="run the ray batch before the local one")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if os.environ.get(INSIDE) == "1":
        return _inside(args)
    if os.geteuid() != 0:
        print("needs root: Ray runs in a loopback-only network namespace (unshare -n)", file=sys.stderr)
        return 2
    argv = " ".join([sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]])
    env = {**os.environ, INSIDE: "1", "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.call(["unshare", "-n", "-p", "-f", "--mount-proc", "bash", "-c",
                            f"ip link set lo up && {argv}"], env=env)


if __name__ == "__main__":
    raise SystemExit(main())
