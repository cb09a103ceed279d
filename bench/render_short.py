"""Benchmark: one fixed 1080x1920 30 fps short (60 s: 10 designed stills with Ken Burns, 9 transitions,
tiktok word captions from the production caption writer, narration + ducked music), timed side by side in
one run, alternating A B C A B C ...:

  A  reelforge rendering its render-spec (reelforge.compose.runner.render, everything it does);
  B  the same composition in MoviePy 2, MoneyPrinterTurbo-style (bench/moviepy_baseline.py);
  C  the encoder limit: A's own output decoded ONCE (outside the timing) to lossless intermediates cut at
     A's segment bounds (raw yuv420p in NUT, or FFV1; PCM audio), then encoded exactly as A encodes: the
     same ffmpeg, x264 options, segments, parallel jobs and stream-copy join. A/C is the compositing cost.
  CX (--exact-c) C on A's exact composited frames instead of its decoded output (prepare_exact_c): the
     decoded output has been through x264 once and costs x264 less to encode again, which C counted as
     compositing.

Each variant runs in its own worker process; the parent samples the worker's process tree with psutil every
50 ms and reports the peak RSS of the largest single process (and of the whole tree). Medians are printed as
x realtime, A/B and A/C time ratios. Inputs are generated here (no downloads).

    /work/venv/bin/python bench/render_short.py [--seconds 60] [--runs 3] [--b-runs N] [--skip-b]
        [--json out.json] [--no-profile] [--pyspy-b SEC] [--baseline-src DIR] [--exact-c]

B takes ~13 min per 60 s render on 2 cores; --b-runs N keeps it to the first N rounds. Results and how to
read them: bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from reelforge.compose.captions import write_captions
from reelforge.compose.kenburns import plan_ken_burns
from reelforge.compose.runner import ffmpeg_exe
from reelforge.compose.timeline import plan_segments
from reelforge.models.render_spec import RenderSpec
from reelforge.models.timing import Timing
from reelforge.providers.visual.designed import make_card
from reelforge.workspace.hashing import sha256_file

W, H, FPS, SCENE_SEC, SEED = 1080, 1920, 30, 6, 11
WORDS = ("cities trap heat in asphalt and concrete so summer nights stay warm while trees shade streets "
         "and cool the air around them by several degrees which saves energy and lives").split()
KINDS = [("fade", "left"), ("slide", "left"), ("wipe", "up"), ("fade", "left"), ("slide", "up"),
         ("wipe", "left"), ("fade", "left"), ("slide", "right"), ("wipe", "down")]
HERE = Path(__file__).resolve()


# ---------------------------------------------------------------- inputs

def _timing(seconds: int, scenes: int) -> Timing:
    """Synthetic word timing, ~160 words/min: 0.28-0.40 s words with short gaps, a breath per scene."""
    per = seconds / scenes
    segments, k = [], 0
    for i in range(scenes):
        s0, s1 = i * per, (i + 1) * per
        t, words = s0 + 0.2, []
        while True:
            dur = 0.28 + 0.04 * (k % 4)
            if t + dur > s1 - 0.4:
                break
            words.append({"t": WORDS[k % len(WORDS)], "startSec": round(t, 3), "endSec": round(t + dur, 3)})
            t += dur + 0.05
            k += 1
        segments.append({"sceneId": f"s{i + 1:02d}", "startSec": s0, "endSec": s1, "words": words})
    return Timing.model_validate({"schemaVersion": "1.0", "source": "estimated", "audio": "audio/narration.wav",
                                  "totalSec": seconds, "segments": segments})


def make_inputs(run: Path, seconds: int = 60, seed: int = SEED, captions: str = "tiktok") -> RenderSpec:
    """Cards, narration, music, timing.json, production captions (preset ``captions``), render-spec.json
    in ``run``."""
    ff = ffmpeg_exe()
    scenes = max(2, round(seconds / SCENE_SEC))
    (run / "visuals").mkdir(parents=True, exist_ok=True)
    (run / "audio").mkdir(exist_ok=True)
    for i in range(scenes):
        make_card([f"Point {i + 1}: " + " ".join(WORDS[(i * 3) % 24:(i * 3) % 24 + 5])],
                  run / f"visuals/scene-{i + 1:02d}.png", width=W, height=H, seed=seed, index=i,
                  title="Urban heat islands")
    # speech-like narration: pink noise gated into ~0.3 s syllables with pauses, 22.05 kHz mono like Piper
    subprocess.run([ff, "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"anoisesrc=color=pink:sample_rate=22050:duration={seconds}:seed=7",
                    "-af", "volume='if(lt(mod(t,0.37),0.24),if(lt(mod(t,4.1),3.5),0.6,0),0)':eval=frame,"
                    "lowpass=f=3500", "-ac", "1", str(run / "audio/narration.wav")], check=True)
    # a 17 s music bed (shorter than the video: exercises looping)
    subprocess.run([ff, "-v", "error", "-y", "-f", "lavfi", "-i",
                    "sine=f=220:sample_rate=44100:duration=17", "-f", "lavfi", "-i",
                    "sine=f=277.18:sample_rate=44100:duration=17", "-f", "lavfi", "-i",
                    "sine=f=329.63:sample_rate=44100:duration=17", "-filter_complex",
                    "amix=inputs=3,volume=0.8,tremolo=f=2:d=0.3", "-ac", "2", str(run / "audio/music.wav")],
                   check=True)
    timing = _timing(seconds, scenes)
    (run / "timing.json").write_text(timing.model_dump_json(by_alias=True, indent=2), encoding="utf-8")
    captions = write_captions(timing, run, style=captions, platform="tiktok", width=W, height=H)

    def ref(rel: str) -> dict[str, str]:
        return {"src": rel, "sha256": sha256_file(run / rel)}

    total = seconds * FPS
    bounds = [total * i // scenes for i in range(scenes + 1)]
    out_scenes = []
    for i in range(scenes):
        kb = plan_ken_burns(seed, i, style="full")
        visual = {**ref(f"visuals/scene-{i + 1:02d}.png"), "type": "image", "provider": "designed-card",
                  "kenBurns": kb.to_json_dict() if kb else None}
        kind, direction = KINDS[i % len(KINDS)]
        trans = ({"kind": kind, "durationFrames": 15, "direction": direction} if i < scenes - 1
                 else {"kind": "cut"})
        out_scenes.append({"id": f"s{i + 1:02d}", "fromFrame": bounds[i], "durationInFrames": bounds[i + 1] - bounds[i],
                           "visual": {k: v for k, v in visual.items() if v is not None}, "transitionOut": trans})
    spec = {"schemaVersion": "1.0", "composition": "Shorts", "slug": "bench", "output": "shorts-bench.mp4",
            "dimensions": {"width": W, "height": H}, "durationInFrames": total, "scenes": out_scenes,
            "audio": {"narration": ref("audio/narration.wav"),
                      "music": {**ref("audio/music.wav"), "gainDb": -16, "duck": True, "fadeOutSec": 2}},
            "captions": captions.caption_spec().model_dump(by_alias=True, mode="json"),
            "seed": seed}
    (run / "render-spec.json").write_text(json.dumps(spec, indent=2), encoding="utf-8")
    return RenderSpec.model_validate(spec)


def load_spec(run: Path) -> RenderSpec:
    return RenderSpec.model_validate_json((run / "render-spec.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- memory sampling

class TreeSampler:
    """Polls a process and its descendants every ``interval`` s: peak RSS of the largest single process
    (and its name), and peak RSS summed over the tree."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.root = psutil.Process(pid)
        self.interval = interval
        self.largest_mb = 0.0
        self.largest_name = ""
        self.tree_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                return
            total = 0.0
            for p in procs:
                try:
                    rss = p.memory_info().rss / 2**20
                    name = p.name()
                except psutil.Error:
                    continue
                total += rss
                if rss > self.largest_mb:
                    self.largest_mb, self.largest_name = rss, name
            self.tree_mb = max(self.tree_mb, total)
            self._stop.wait(self.interval)


def cpu_seconds() -> float:
    """user + system CPU of this process and of its waited-for children."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def cpu_ticks() -> tuple[int, int]:
    """(all, steal) jiffies of /proc/stat: on a VM, steal is CPU time the host gave to someone else."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(fields[:8]), fields[7]


def run_worker(kind: str, run: Path, extra: list[str] | None = None, src: Path | None = None) -> dict[str, Any]:
    """Run ``--worker kind`` in a child process, sampling its tree; return its JSON line plus memory and
    the share of CPU time the hypervisor stole meanwhile. ``src``: import reelforge from there instead
    (A0, the baseline A)."""
    argv = [sys.executable, str(HERE), "--worker", kind[0], "--workdir", str(run), *(extra or [])]
    env = {**os.environ, "PYTHONPATH": str(src)} if src is not None else None
    load = round(os.getloadavg()[0], 2)
    started = time.monotonic()
    all0, steal0 = cpu_ticks()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    with TreeSampler(proc.pid) as sampler:
        out, err = proc.communicate()
    wall = time.monotonic() - started
    all1, steal1 = cpu_ticks()
    if proc.returncode != 0:
        raise SystemExit(f"worker {kind} failed ({proc.returncode}):\n{err[-3000:]}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result.update(kind=kind, load1AtStart=load, processWallSec=round(wall, 2),
                  stealPct=round(100 * (steal1 - steal0) / max(all1 - all0, 1), 1),
                  peakLargestMB=round(sampler.largest_mb),
                  largestProcess=sampler.largest_name, peakTreeMB=round(sampler.tree_mb))
    return result


# ---------------------------------------------------------------- workers (run in the child process)

def worker_a(run: Path) -> dict[str, Any]:
    """A: the production render, with its stages timed by wrapping the runner's helpers."""
    import reelforge.compose.runner as runner

    stages: dict[str, float] = {}

    def timed(name: str) -> None:
        fn = getattr(runner, name)

        def wrapper(*a: Any, **k: Any) -> Any:
            t0 = time.monotonic()
            try:
                return fn(*a, **k)
            finally:
                stages[name] = stages.get(name, 0.0) + time.monotonic() - t0

        setattr(runner, name, wrapper)

    for name in ("verify_files", "measure_loudness", "run_all", "count_video_packets", "measure_output"):
        if hasattr(runner, name):
            timed(name)
    spec = load_spec(run)
    t0 = time.monotonic()
    result = runner.render(spec, run)
    seconds = time.monotonic() - t0
    return {"seconds": round(seconds, 3), "stages": {k: round(v, 3) for k, v in stages.items()},
            "sha256": result.sha256, "frames": result.frames, "segments": result.segments,
            "lufs": result.integrated_lufs}


def prepare_c(run: Path, fmt: str = "raw") -> Path:
    """Decode A's output once (not timed) into lossless per-segment intermediates, cut at A's own segment
    bounds, and its audio into PCM. C then encodes them exactly as A encodes its segments."""
    spec = load_spec(run)
    cdir = run / "c-input"
    shutil.rmtree(cdir, ignore_errors=True)
    cdir.mkdir()
    bounds = [s.start for s in plan_segments(spec)[1:]]
    vcodec = ["-c:v", "rawvideo"] if fmt == "raw" else ["-c:v", "ffv1", "-level", "3", "-slices", "16"]
    ext = "nut" if fmt == "raw" else "mkv"
    split = ["-f", "segment", "-segment_frames", ",".join(map(str, bounds)), "-reset_timestamps", "1"] if bounds \
        else ["-f", ext]
    target = str(cdir / f"segment-%03d.{ext}") if bounds else str(cdir / f"segment-000.{ext}")
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-i", str(run / spec.output), "-map", "0:v", *vcodec,
                    *split, target], check=True)
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-i", str(run / spec.output), "-map", "0:a",
                    "-c:a", "pcm_s16le", str(cdir / "audio.wav")], check=True)
    return cdir


def prepare_exact_c(run: Path) -> Path:
    """A's own frames, exactly: each segment's compositing graph run once more (not timed) by the production
    code with the encoder swapped for raw yuv420p in NUT, so C encodes the very frames A encodes. (The
    decoded output that prepare_c gives C has been through x264 once: smoother, and cheaper to encode again.)
    The audio is the mix A encodes, decoded from A's output to PCM as in prepare_c."""
    from reelforge.compose.ffmpeg_args import build_segment_args
    from reelforge.compose.frame_feeds import StillCache, run_segment
    from reelforge.compose.processes import default_jobs, run_all

    spec = load_spec(run)
    cdir = run / "c-exact-input"
    shutil.rmtree(cdir, ignore_errors=True)
    cdir.mkdir()
    exe = ffmpeg_exe()
    stills = StillCache(spec, run, cdir, exe)

    def task(seg: Any) -> Any:
        out = cdir / f"segment-{seg.index:03d}.nut"
        argv = build_segment_args(spec, seg, run, out, exe)
        argv = [*argv[:argv.index("-c:v")], "-c:v", "rawvideo", "-frames:v", str(seg.frames), "-an", "-f", "nut",
                str(out)]
        return lambda group: run_segment(group, spec, seg, run, argv, stills, what=f"exact C input {seg.index}")

    run_all([task(seg) for seg in plan_segments(spec)], default_jobs())
    for still in cdir.glob("still-*"):
        still.unlink()
    subprocess.run([exe, "-v", "error", "-y", "-i", str(run / spec.output), "-map", "0:a",
                    "-c:a", "pcm_s16le", str(cdir / "audio.wav")], check=True)
    return cdir


def worker_c(run: Path, cdir: Path) -> dict[str, Any]:
    """C: A's pipeline without compositing: the same segments encoded with the same x264 options, the same
    number at a time, the audio encoded alongside, the same stream-copy join."""
    from reelforge.compose.ffmpeg_args import BITEXACT, build_mux_args, concat_list, video_encode_options
    from reelforge.compose.processes import default_jobs, run_all

    spec = load_spec(run)
    segments = plan_segments(spec)
    exe = ffmpeg_exe()
    inputs = sorted(p for p in cdir.iterdir() if p.name.startswith("segment-"))
    assert len(inputs) == len(segments), f"{len(inputs)} intermediates for {len(segments)} segments"
    out_dir = run / "c-out"
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir()
    outs = [out_dir / f"segment-{k:03d}.mp4" for k in range(len(segments))]
    audio = out_dir / "audio.mp4"
    enc = spec.encoder
    audio_argv = [exe, "-hide_banner", "-nostdin", "-y", "-i", str(cdir / "audio.wav"), "-c:a", enc.audio_codec,
                  "-b:a", enc.audio_bitrate, "-ar", str(spec.audio.sample_rate), "-ac", "2", *BITEXACT, "-f", "mp4",
                  str(audio)]

    def seg_task(k: int) -> Any:
        argv = [exe, "-hide_banner", "-nostdin", "-y", "-i", str(inputs[k]), "-map", "0:v",
                *video_encode_options(spec), "-frames:v", str(segments[k].frames), "-an", *BITEXACT, "-f", "mp4",
                str(outs[k])]
        return lambda group: group.run(argv, what=f"C segment {k}")

    (out_dir / "segments.txt").write_text(concat_list(outs), encoding="utf-8")
    mux = build_mux_args(spec, out_dir / "segments.txt", audio, run / "c-encode.mp4", exe)
    order = sorted(range(len(segments)), key=lambda k: (-segments[k].frames, k))
    t0 = time.monotonic()
    run_all([lambda group: group.run(audio_argv, what="C audio"), *(seg_task(k) for k in order)], default_jobs())
    run_all([lambda group: group.run(mux, what="C join")], 1)
    return {"seconds": round(time.monotonic() - t0, 3),
            "options": " ".join(video_encode_options(spec)), "segments": len(segments)}


def worker_b(run: Path) -> dict[str, Any]:
    sys.path.insert(0, str(HERE.parent))
    from moviepy_baseline import render_moviepy

    spec = load_spec(run)
    font = run / spec.captions.fonts[0].src
    times = render_moviepy(spec, run, run / "moviepy.mp4", run / "captions.srt", font)
    return {k: round(v, 3) for k, v in times.items()}


# ---------------------------------------------------------------- orchestration

def median(rows: list[dict[str, Any]], key: str) -> float:
    return statistics.median(float(r[key]) for r in rows)


def summarize(results: list[dict[str, Any]], seconds: int) -> dict[str, Any]:
    by = {k: [r for r in results if r["kind"] == k] for k in ("A", "B", "C", "A0", "CX")}
    out: dict[str, Any] = {"videoSec": seconds}
    for k, rows in by.items():
        if rows:
            med = median(rows, "seconds")
            out[k] = {"runs": len(rows), "medianSec": round(med, 2), "xRealtime": round(seconds / med, 2),
                      "allSec": [r["seconds"] for r in rows],
                      "medianCpuSec": round(median(rows, "cpuSec"), 2), "allCpuSec": [r["cpuSec"] for r in rows],
                      "peakLargestMB": max(r["peakLargestMB"] for r in rows),
                      "largestProcess": by[k][0]["largestProcess"],
                      "peakTreeMB": max(r["peakTreeMB"] for r in rows)}
    if by["A"] and by["B"]:
        out["B_over_A"] = round(median(by["B"], "seconds") / median(by["A"], "seconds"), 2)
    if by["A"] and by["C"]:
        out["A_over_C"] = round(median(by["A"], "seconds") / median(by["C"], "seconds"), 2)
        out["A_over_C_cpu"] = round(median(by["A"], "cpuSec") / median(by["C"], "cpuSec"), 2)
    for a in ("A", "A0"):
        if by[a] and by["CX"]:
            out[f"{a}_over_CX"] = round(median(by[a], "seconds") / median(by["CX"], "seconds"), 2)
            out[f"{a}_over_CX_cpu"] = round(median(by[a], "cpuSec") / median(by["CX"], "cpuSec"), 2)
    if by["A0"] and by["C"]:
        out["A0_over_C"] = round(median(by["A0"], "seconds") / median(by["C"], "seconds"), 2)
        out["A0_over_C_cpu"] = round(median(by["A0"], "cpuSec") / median(by["C"], "cpuSec"), 2)
    if by["A"]:
        out["A_stagesMedian"] = {s: round(statistics.median(r["stages"].get(s, 0.0) for r in by["A"]), 2)
                                 for s in by["A"][0]["stages"]}
        out["A_identicalRuns"] = len({r["sha256"] for r in by["A"]}) == 1
    return out


def machine() -> dict[str, Any]:
    info = Path("/proc/cpuinfo").read_text()
    model = next((ln.split(":", 1)[1].strip() for ln in info.splitlines() if ln.startswith("model name")), "?")
    mhz = next((ln.split(":", 1)[1].strip() for ln in info.splitlines() if ln.startswith("cpu MHz")), "?")
    simd = sorted({f for f in ("avx2", "avx512f") if f" {f} " in info})
    return {"nproc": os.cpu_count(), "cpu": model, "mhz": mhz, "simd": simd,
            "loadavg": [round(x, 2) for x in os.getloadavg()], "memGB": round(psutil.virtual_memory().total / 2**30, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--skip-b", action="store_true")
    parser.add_argument("--skip-c", action="store_true")
    parser.add_argument("--b-runs", type=int, help="run B only in the first N rounds (B is ~20x slower)")
    parser.add_argument("--intermediate", choices=["raw", "ffv1"], default="raw")
    parser.add_argument("--exact-c", action="store_true",
                        help="also run CX: C on A's exact composited frames (prepare_exact_c), each round")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--no-profile", action="store_true", help="skip the ffmpeg -benchmark breakdown")
    parser.add_argument("--pyspy-b", type=int, default=0, metavar="SEC",
                        help="also profile B with py-spy on a SEC-second short (0: skip)")
    parser.add_argument("--worker", choices=["A", "B", "C"], help=argparse.SUPPRESS)
    parser.add_argument("--baseline-src", type=Path, metavar="DIR",
                        help="also run A0: A with reelforge imported from DIR (e.g. main's src), before A")
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        fns = {"A": lambda: worker_a(args.workdir), "B": lambda: worker_b(args.workdir),
               "C": lambda: worker_c(args.workdir, args.input)}
        before = cpu_seconds()
        result = fns[args.worker]()
        result["cpuSec"] = round(cpu_seconds() - before, 2)  # this worker and every child it waited for
        print(json.dumps(result))
        return 0

    tmp = args.workdir or Path(tempfile.mkdtemp(prefix="rf-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    print("machine:", json.dumps(machine()), flush=True)
    t0 = time.monotonic()
    make_inputs(tmp, args.seconds)
    print(f"inputs: {time.monotonic() - t0:.1f} s in {tmp}", flush=True)
    results: list[dict[str, Any]] = []
    intermediate: Path | None = None
    exact: Path | None = None
    for k in range(args.runs):
        with_b = not args.skip_b and (args.b_runs is None or k < args.b_runs)
        # A0 first: C's intermediate is made from the output the last A wrote
        order = ((["A0"] if args.baseline_src else []) + ["A"] + (["B"] if with_b else [])
                 + ([] if args.skip_c else ["C"]) + (["CX"] if args.exact_c else []))
        for kind in order:
            if kind == "CX" and exact is None:
                t1 = time.monotonic()
                exact = prepare_exact_c(tmp)
                print(f"  CX intermediate (A's frames, untimed): {time.monotonic() - t1:.1f} s", flush=True)
            if kind == "C" and intermediate is None:
                t1 = time.monotonic()
                intermediate = prepare_c(tmp, args.intermediate)
                print(f"  C intermediate ({args.intermediate}, untimed): {time.monotonic() - t1:.1f} s, "
                      f"{sum(f.stat().st_size for f in intermediate.iterdir()) / 2**20:.0f} MB", flush=True)
            extra = {"C": ["--input", str(intermediate)], "CX": ["--input", str(exact)]}.get(kind)
            r = run_worker(kind, tmp, extra, args.baseline_src if kind == "A0" else None)
            r["round"] = k + 1
            results.append(r)
            print(f"round {k + 1} {kind}: {r['seconds']:.1f} s = {args.seconds / r['seconds']:.2f}x realtime, "
                  f"{r['cpuSec']:.1f} CPU-s, load {r['load1AtStart']}; "
                  f"peak RSS {r['peakLargestMB']} MB ({r['largestProcess']}), tree {r['peakTreeMB']} MB, "
                  f"steal {r['stealPct']} %"
                  + (f"; stages {r['stages']}" if kind == "A" else ""), flush=True)
    summary = summarize(results, args.seconds)
    print(json.dumps({"summary": summary}, indent=2), flush=True)
    from profile_render import profile_ffmpeg, pyspy_b

    if not args.no_profile:
        summary["profile"] = profile_ffmpeg(tmp, intermediate)
        print(json.dumps({"profile": summary["profile"]}, indent=2), flush=True)
    if args.pyspy_b:
        summary["pyspyB"] = pyspy_b(args.pyspy_b)
        print(json.dumps({"pyspyB": summary["pyspyB"]}, indent=2), flush=True)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "argv": sys.argv, "results": results,
                                         "summary": summary}, indent=2), encoding="utf-8")
    if not args.keep and args.workdir is None:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print("kept:", tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
