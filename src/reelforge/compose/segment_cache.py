"""Keys for the render's partial-file cache (like manim's partial movies): one encoded segment, or the audio mix.

A segment's key is sha256 of its ffmpeg argv with the run dir and the output path taken out, the ffmpeg
binary, and the sha256 of every file the argv reads. The captions file is the one exception: a segment
process starts at the segment's first frame and ends at its last, so libass only ever draws the events
shown in that window. The key takes the ASS header and styles plus those events (in file order, with a
few ms of slack either side) instead of the whole file, so changing one scene's words leaves the other
segments' keys alone. Everything else in the argv (the filter graph, x264 options, the timeline position
``setpts=N+start``) is in the key as text.

A segment's entry also holds the contact sheet's thumbnails of the scenes whose middle frame it shows
(compose/thumbnails.py): which frames and at what width are in the key, so an entry always holds every file
its key names, and an entry from before thumbnails (another key) is a plain miss.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from reelforge.compose.filter_text import escape_filter_path
from reelforge.compose.frame_feeds import feeds_key
from reelforge.compose.timeline import Segment
from reelforge.models.render_spec import RenderSpec
from reelforge.workspace.cache_store import StageCache, Warn
from reelforge.workspace.hashing import sha256_bytes, sha256_json

KEY_VERSION = "segment-1"
_DIALOGUE = re.compile(r"^(Dialogue|Comment):\s*[^,]*,(\d+):(\d\d):(\d\d)[.:](\d\d),(\d+):(\d\d):(\d\d)[.:](\d\d),")
# ASS times are centiseconds and the subtitles filter sees each frame's time in whole milliseconds: 20 ms of
# slack either side covers both roundings and is still less than a frame, so an event that starts on the next
# segment's first frame is not in this segment's window
_SLACK_SEC = 0.02


def _centis(h: str, m: str, s: str, cs: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(cs) / 100


def captions_window_digest(ass_text: str, first_sec: float, last_sec: float) -> str:
    """sha256 of every line that is not an event, plus the events shown at any time from ``first_sec`` to
    ``last_sec`` (the segment's first and last frame), with slack."""
    kept: list[str] = []
    for line in ass_text.splitlines():
        match = _DIALOGUE.match(line)
        if match is None:
            kept.append(line)
            continue
        begin = _centis(*match.group(2, 3, 4, 5))
        end = _centis(*match.group(6, 7, 8, 9))
        if end >= first_sec - _SLACK_SEC and begin <= last_sec + _SLACK_SEC:
            kept.append(line)
    return sha256_bytes("\n".join(kept).encode("utf-8"))


@lru_cache(maxsize=8)
def ffmpeg_identity(exe: str) -> str:
    """The binary by resolved path, size and mtime (hashing ~80 MB per render would cost more than it saves)."""
    real = os.path.realpath(exe)
    try:
        st = os.stat(real)
    except OSError:
        return real
    return f"{real}:{st.st_size}:{st.st_mtime_ns}"


def _normalise(argv: Sequence[str], run_dir: Path, out: Path) -> list[str]:
    raw, escaped = str(run_dir), escape_filter_path(str(run_dir))
    norm = []
    for arg in argv[1:]:  # argv[0] is the binary: ffmpeg_identity stands for it
        if arg == str(out):
            norm.append("<out>")
            continue
        norm.append(arg.replace(escaped, "<run>").replace(raw, "<run>"))
    return norm


@lru_cache(maxsize=1)
def _feed_code() -> str:
    """Frames may be drawn in Python and piped to ffmpeg (frame_feeds.py, kenburns_frames.py): that code's
    source is part of a segment's key, since the argv does not show what it draws."""
    here = Path(__file__).resolve().parent
    return sha256_json([[f.name, sha256_bytes(f.read_bytes())] for f in sorted(here.glob("*.py"))])


def render_key(argv: Sequence[str], *, spec: RenderSpec, run_dir: Path, out: Path, kind: str,
               window: tuple[float, float] | None = None, segment: Segment | None = None,
               thumbnails: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    """The cache key of one render process and the parts it is made of (for the manifest and `status`)."""
    text = "\n".join(argv)
    escaped_text = text
    files: dict[str, str] = {}
    captions = spec.captions.file.src if spec.captions.file else None
    for ref in spec.files():
        path = run_dir / ref.src
        if str(path) not in text and escape_filter_path(str(path)) not in escaped_text:
            continue
        if ref.src == captions and window is not None:
            ass = path.read_text(encoding="utf-8", errors="replace")
            files[ref.src] = "window:" + captions_window_digest(ass, *window)
        else:
            files[ref.src] = ref.sha256
    if "fontsdir=" in text:  # libass reads the fonts folder as a whole
        files.update({f.src: f.sha256 for f in spec.captions.fonts})
    if segment is not None:  # every visual the segment draws, whether or not the argv names its file
        files.update({spec.scenes[i].visual.src: spec.scenes[i].visual.sha256 for i in segment.scenes()})
    parts = {"version": KEY_VERSION, "kind": kind, "ffmpeg": ffmpeg_identity(argv[0]), "compose code": _feed_code(),
             "argv": _normalise(argv, run_dir, out), "files": dict(sorted(files.items()))}
    if segment is not None:  # the Ken Burns moves drawn into pipes are not in the argv
        parts["feeds"] = feeds_key(spec, segment, run_dir)
    if thumbnails is not None:  # decoded from the segment's own bytes: what is kept, not how it is made
        parts["thumbnails"] = thumbnails
    return sha256_json(parts), parts


@dataclass
class RenderCache:
    """What the runner asks: a verified cached segment (or audio mix) for a key, and where to keep new ones.
    It also keeps the record of which were reused and which were made."""

    segments: StageCache
    audio: StageCache
    disabled: bool = False  # `rerun --from render`: make every segment again (and refresh the cache)
    hits: list[str] = field(default_factory=list)
    made: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)
    thumbnails_hit: list[str] = field(default_factory=list)  # scene ids whose thumbnail came with a segment
    thumbnails_made: list[str] = field(default_factory=list)

    @classmethod
    def at(cls, root: Path, *, warn: Warn | None = None, disabled: bool = False) -> RenderCache:
        return cls(StageCache(root, "segment", warn=warn), StageCache(root, "audio", warn=warn), disabled)

    def fetch(self, name: str, key: str, targets: dict[str, Path]) -> dict[str, Any] | None:
        self.keys[name] = key
        store = self.audio if name == "audio" else self.segments
        hit = None if self.disabled else store.fetch(key, targets)
        if hit is None:
            return None
        self.hits.append(name)
        return hit.meta

    def keep(self, name: str, key: str, files: dict[str, Path], meta: dict[str, Any] | None = None) -> None:
        self.made.append(name)
        (self.audio if name == "audio" else self.segments).put(key, files, meta)

    def to_json(self) -> dict[str, Any]:
        return {"hit": sorted(self.hits), "made": sorted(self.made), "keys": dict(sorted(self.keys.items())),
                "thumbnails": {"hit": sorted(self.thumbnails_hit), "made": sorted(self.thumbnails_made)}}
