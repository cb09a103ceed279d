"""Run a segment's ffmpeg with its Ken Burns frames fed through pipes.

Each Ken Burns still is decoded and scaled once per render by ffmpeg (the same lanczos/BT.709 chain as
every still), kept as planes, and each feed (stretches of moves, and transitions between two) is drawn by
a writer thread straight into its pipe. The drawing releases the GIL (OpenCV), so two segments draw on
two cores; ffmpeg's demuxer threads pull the frames as its graph needs them.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from reelforge.compose.kenburns_frames import DRAWING_VERSION, StillPlanes, frames
from reelforge.compose.processes import FrameProgress, ProcessGroup, wide_pipe
from reelforge.compose.segment_graph import FEED_FD, FrameFeed, Stretch, segment_graph, still_cover_filter
from reelforge.compose.timeline import Segment, scene_clips
from reelforge.compose.transition_frames import TRANSITION_VERSION, mixed
from reelforge.errors import RenderError
from reelforge.models.render_spec import RenderSpec


class StillCache:
    """The planes of each Ken Burns still of one render, prepared on first use (once, whichever segment
    asks first; the others wait for it)."""

    def __init__(self, spec: RenderSpec, run_dir: Path, work: Path, ffmpeg: str) -> None:
        self.spec, self.run_dir, self.work, self.ffmpeg = spec, run_dir, work, ffmpeg
        self._lock = threading.Lock()
        self._scene_locks: dict[int, threading.Lock] = {}
        self._planes: dict[int, StillPlanes] = {}

    def planes(self, scene: int, group: ProcessGroup) -> StillPlanes:
        with self._lock:
            lock = self._scene_locks.setdefault(scene, threading.Lock())
        with lock:
            if scene not in self._planes:
                self._planes[scene] = self._prepare(scene, group)
            return self._planes[scene]

    def _prepare(self, scene: int, group: ProcessGroup) -> StillPlanes:
        w, h = self.spec.dimensions.width, self.spec.dimensions.height
        raw = self.work / f"still-{scene:03d}.yuv"
        src = self.run_dir / self.spec.scenes[scene].visual.src
        group.run([self.ffmpeg, "-hide_banner", "-nostdin", "-y", "-f", "image2", "-pattern_type", "none",
                   "-i", str(src), "-vf", still_cover_filter(w, h), "-frames:v", "1", "-f", "rawvideo",
                   "-pix_fmt", "yuv420p", str(raw)], what=f"scene {scene + 1}'s still")
        try:
            return StillPlanes.from_yuv420p(raw.read_bytes(), w, h)
        finally:
            raw.unlink(missing_ok=True)


def feeds_key(spec: RenderSpec, segment: Segment, run_dir: Path) -> str:
    """What a segment's Ken Burns feeds draw, as text (the argv names only pipes): for a cache key beside
    the argv. Changes with either still's bytes, either move, the stretches, the transitions, the frame
    size and the drawing and mixing code."""
    clips = scene_clips(spec)

    def move(scene: int) -> dict[str, object]:
        visual = spec.scenes[scene].visual
        kb = visual.ken_burns
        return {"still": visual.sha256, "move": kb.to_json_dict() if kb else None, "moveFrames": clips[scene].frames}

    feeds = []
    for f in segment_graph(spec, segment, run_dir).feeds:
        parts = []
        for st in f.stretches:
            part = {**move(st.scene), "offset": st.offset, "count": st.count}
            if st.into is not None:
                part["into"] = move(st.into)
                part["transition"] = spec.scenes[st.scene].transition_out.to_json_dict()
            parts.append(part)
        feeds.append(parts)
    size = f"{spec.dimensions.width}x{spec.dimensions.height}"
    return json.dumps({"drawing": DRAWING_VERSION, "mixing": TRANSITION_VERSION, "size": size, "feeds": feeds},
                      sort_keys=True)


def with_feed_fds(argv: list[str], fds: Sequence[int]) -> list[str]:
    """argv with input ``pipe:FEED_FD+k`` renamed to the fd the child really gets for feed k."""
    names = {f"pipe:{FEED_FD + k}": f"pipe:{fd}" for k, fd in enumerate(fds)}
    return [names.get(a, a) if i and argv[i - 1] == "-i" else a for i, a in enumerate(argv)]


def _write_all(fd: int, data: memoryview) -> None:
    while data:
        data = data[os.write(fd, data):]


def feed_frames(spec: RenderSpec, feed: FrameFeed, stills: Mapping[int, StillPlanes]) -> Iterator[memoryview]:
    """Every raw yuv420p frame of ``feed``, in order (``stills``: the planes of each scene it draws). Each
    frame depends only on the timeline, never on where the segment starts or how the frames are read."""
    for st in feed.stretches:
        yield from _stretch_frames(spec, st, stills)


def _stretch_frames(spec: RenderSpec, st: Stretch, stills: Mapping[int, StillPlanes]) -> Iterator[memoryview]:
    w, h = spec.dimensions.width, spec.dimensions.height
    clips = scene_clips(spec)

    def move(scene: int, offset: int) -> Iterator[memoryview]:
        kb = spec.scenes[scene].visual.ken_burns
        assert kb is not None
        return frames(stills[scene], kb, clips[scene].frames, w, h, offset=offset, count=st.count)

    if st.into is None:
        return move(st.scene, st.offset)
    return mixed(spec.scenes[st.scene].transition_out, move(st.scene, st.offset), move(st.into, 0), st.count, w, h)


class _Feeder:
    """One writer thread per feed; errors other than ffmpeg going away are kept for the caller."""

    def __init__(self, spec: RenderSpec, feeds: Sequence[FrameFeed], stills: Mapping[int, StillPlanes]) -> None:
        self.spec, self.feeds, self.stills = spec, feeds, stills
        self.pipes = [wide_pipe() for _ in feeds]
        self.errors: list[BaseException] = []
        self.threads: list[threading.Thread] = []

    @property
    def read_fds(self) -> list[int]:
        return [r for r, _ in self.pipes]

    def start(self) -> None:
        """The child holds the read ends now: close ours (so a dead ffmpeg is a broken pipe, not a hang)."""
        for r, _ in self.pipes:
            os.close(r)
        for k in range(len(self.feeds)):
            t = threading.Thread(target=self._write, args=(k,), name=f"feed-{k}", daemon=True)
            t.start()
            self.threads.append(t)

    def _write(self, k: int) -> None:
        fd = self.pipes[k][1]
        try:
            for frame in feed_frames(self.spec, self.feeds[k], self.stills):
                _write_all(fd, frame)
        except BrokenPipeError:
            pass  # ffmpeg stopped reading (done, failed or stopped): its exit status says which
        except BaseException as exc:  # re-raised by finish()
            self.errors.append(exc)
        finally:
            os.close(fd)

    def finish(self, started: bool, *, raise_errors: bool = True) -> None:
        if not started:
            for r, w in self.pipes:
                os.close(r)
                os.close(w)
        for t in self.threads:
            t.join()
        if self.errors and raise_errors:
            raise RenderError(f"drawing Ken Burns frames failed: {self.errors[0]}") from self.errors[0]


def run_segment(group: ProcessGroup, spec: RenderSpec, segment: Segment, run_dir: Path, argv: list[str],
                stills: StillCache, *, what: str, on_frame: FrameProgress | None = None) -> None:
    """Run ``argv`` (build_segment_args, or any argv with that segment's inputs and graph), feeding its
    Ken Burns pipes."""
    feeds = segment_graph(spec, segment, run_dir).feeds
    if not feeds:
        group.run(argv, what=what, on_frame=on_frame)
        return
    feeder = _Feeder(spec, feeds, {s: stills.planes(s, group) for f in feeds for s in f.scenes()})
    started = False

    def start() -> None:
        nonlocal started
        started = True
        feeder.start()

    try:
        group.run(with_feed_fds(argv, feeder.read_fds), what=what, on_frame=on_frame, pass_fds=feeder.read_fds,
                  on_start=start)
    except BaseException:
        feeder.finish(started, raise_errors=False)  # ffmpeg's own error is the one to report
        raise
    feeder.finish(started)
