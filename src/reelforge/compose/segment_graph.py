"""One segment of the timeline -> its ffmpeg inputs and video filtergraph. Pure: nothing is read here.

Consecutive pieces the feeder can draw whole (a Ken Burns still's solo stretch; a fade, slide or wipe
between two Ken Burns stills: ``drawn``) come in as one raw feed, drawn and mixed in Python
(compose/frame_feeds.py); for the key-free default (cards, fades) that is the whole segment, one input
and no concat. Every other clip is one input, decoded (and for stills scaled) once, then split into the
stretches ("uses") its pieces need; its transitions mix two stretches with xfade. The pieces are
concatenated, stamped with their timeline position so libass draws the right captions, and tagged BT.709.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reelforge.compose.filter_text import escape_filter_path, seconds
from reelforge.compose.kenburns import zoompan_video_filter
from reelforge.compose.timeline import XFADE_TAIL, Piece, SceneClip, Segment, scene_clips
from reelforge.compose.transition_frames import DRAWN_KINDS
from reelforge.errors import InvalidInputError
from reelforge.models.render_spec import RenderSpec, SceneSpec, Transition

_XFADE = {"fade": "fade", "slide": "slide", "wipe": "wipe"}
_COLOUR = "out_color_matrix=bt709:out_range=tv"
CAPTURE_PROVIDER = "capture"


@dataclass(frozen=True)
class Use:
    """``count`` frames of one clip, starting ``offset`` frames into it."""

    offset: int
    count: int

    @property
    def end(self) -> int:
        return self.offset + self.count


@dataclass(frozen=True)
class Stretch:
    """``count`` frames of scene ``scene``'s Ken Burns move from ``offset`` frames into its clip. With
    ``into`` set, a whole transition (scene ``scene``'s transitionOut): mixed into scene ``into``'s move
    from its first frame, frame i at progress i/count (compose/transition_frames.py)."""

    scene: int
    offset: int
    count: int
    into: int | None = None


@dataclass(frozen=True)
class FrameFeed:
    """Raw frames this process reads from a pipe (input ``pipe:fd``): its stretches one after another,
    drawn by compose/kenburns_frames.py."""

    stretches: tuple[Stretch, ...]
    fd: int

    @property
    def count(self) -> int:
        return sum(s.count for s in self.stretches)

    def scenes(self) -> list[int]:
        """Every still this feed draws from."""
        return list(dict.fromkeys(s for st in self.stretches for s in (st.scene, st.into) if s is not None))


@dataclass(frozen=True)
class SegmentGraph:
    inputs: list[str]
    graph: str  # ends in [vout]
    feeds: tuple[FrameFeed, ...] = ()


def xfade_name(t: Transition) -> str:
    if t.kind == "fade":
        return "fade"
    return f"{_XFADE[t.kind]}{t.direction}"


def _ken_burns_still(scene: SceneSpec) -> bool:
    return scene.visual.type == "image" and scene.visual.ken_burns is not None


def drawn(spec: RenderSpec, p: Piece) -> bool:
    """Is piece ``p`` drawn whole by the feeder: a Ken Burns still alone, or a fade, slide or wipe between
    two of them?"""
    if not _ken_burns_still(spec.scenes[p.scene]):
        return False
    if p.into is None:
        return True
    return spec.scenes[p.scene].transition_out.kind in DRAWN_KINDS and _ken_burns_still(spec.scenes[p.into])


def _groups(spec: RenderSpec, segment: Segment) -> list[list[Piece]]:
    """The segment's pieces in order: consecutive drawn pieces grouped (one feed each), the others alone."""
    groups: list[list[Piece]] = []
    after_drawn = False
    for p in segment.pieces:
        now = drawn(spec, p)
        if now and after_drawn:
            groups[-1].append(p)
        else:
            groups.append([p])
        after_drawn = now
    return groups


def _uses(pieces: Sequence[Piece]) -> dict[int, list[Use]]:
    """Per clip, the stretches the (graph-mixed) pieces draw, in piece order."""
    uses: dict[int, list[Use]] = {}
    for p in pieces:
        if p.into is None:
            uses.setdefault(p.scene, []).append(Use(p.offset, p.frames))
        else:
            uses.setdefault(p.scene, []).append(Use(p.offset, p.frames + XFADE_TAIL))
            uses.setdefault(p.into, []).append(Use(0, p.frames + 1))
    return uses


def _split(n: int, names: list[str]) -> str:
    if n == 1:
        return f"null[{names[0]}]"
    return f"split={n}" + "".join(f"[{x}]" for x in names)


def still_cover_filter(w: int, h: int) -> str:
    """A still scaled once to cover w x h (lanczos), centre-cropped, BT.709 TV-range yuv420p."""
    return (f"scale={w}:{h}:force_original_aspect_ratio=increase:flags=lanczos:{_COLOUR},"
            f"crop={w}:{h},setsar=1,format=yuv420p")


def _still_chains(uses: list[Use], w: int, h: int, idx: int, inp: int) -> list[str]:
    """A still without Ken Burns (input ``inp``): scaled once; each use repeats the one frame (never
    re-decoded or re-scaled per frame)."""
    names = [f"c{idx}u{k}" for k in range(len(uses))]
    chains = [f"[{inp}:v]{still_cover_filter(w, h)},{_split(len(uses), [n + 's' for n in names])}"]
    chains += [f"[{n}s]loop=loop={u.count - 1}:size=1:start=0,settb=1/30,setpts=N,fps=30[{n}]"
               for n, u in zip(names, uses, strict=True)]
    return chains


def _feed_input(w: int, h: int, fd: int) -> list[str]:
    return ["-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{w}x{h}", "-framerate", "30", "-i", f"pipe:{fd}"]


def _video_chains(scene: SceneSpec, clip: SceneClip, uses: list[Use], w: int, h: int, idx: int, inp: int,
                  background: str) -> list[str]:
    if scene.visual.provider == CAPTURE_PROVIDER:
        # footage (a screen recording) is shown whole: fit inside the frame and pad, never crop
        fit = (f"scale={w}:{h}:force_original_aspect_ratio=decrease:flags=bicubic:{_COLOUR},"
               f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color=0x{background.lstrip('#')}")
    else:
        fit = f"scale={w}:{h}:force_original_aspect_ratio=increase:flags=bicubic:{_COLOUR},crop={w}:{h}"
    names = [f"c{idx}u{k}" for k in range(len(uses))]
    end = max(u.end for u in uses)
    chains = [f"[{inp}:v]fps=30,tpad=stop=-1:stop_mode=clone,trim=end_frame={end},setpts=PTS-STARTPTS,"
              f"{fit},setsar=1,format=yuv420p,{_split(len(uses), [n + 's' for n in names])}"]
    kb = scene.visual.ken_burns
    for n, u in zip(names, uses, strict=True):
        chain = f"[{n}s]trim=start_frame={u.offset}:end_frame={u.end},setpts=PTS-STARTPTS"
        if kb is not None:
            chain += f",{zoompan_video_filter(kb, clip.frames, w, h, offset=u.offset)},setsar=1"
        chains.append(f"{chain}[{n}]")
    return chains


def _input_args(scene: SceneSpec, clip: SceneClip, uses: list[Use], run_dir: Path) -> list[str]:
    path = str(run_dir / scene.visual.src)
    if scene.visual.type == "image":
        return ["-f", "image2", "-pattern_type", "none", "-framerate", "30", "-i", path]
    # loop short clips; -t bounds how much is read (a second of slack for the fps conversion).
    # clipStartSec picks the stretch of a longer clip (demo footage) this scene shows.
    start_frames = max(0, round(scene.visual.clip_start_sec * 30) - clip.lead_in)
    seek = ["-ss", seconds(start_frames)] if start_frames else []
    footage = seek or scene.visual.provider == CAPTURE_PROVIDER  # footage holds its last frame
    loop = [] if footage else ["-stream_loop", "-1"]
    return [*loop, *seek, "-t", seconds(max(u.end for u in uses) + 30), "-i", path]


def _transition(p: Piece, t: Transition, a: str, b: str, out: str) -> str:
    """xfade has no 4:2:0 formats: the two stretches go to yuv444p for the transition frames only."""
    head = f"duration={seconds(p.frames)}:offset=0"
    back = f"trim=end_frame={p.frames},format=yuv420p[{out}]"
    if t.kind == "slide" and t.direction == "up":
        # ffmpeg's slideup reads one row out of bounds (garbage top row, different every run):
        # draw it as a vertically mirrored slidedown instead (vflip is zero-copy).
        return (f"[{a}]format=yuv444p,vflip[{out}a];[{b}]format=yuv444p,vflip[{out}b];"
                f"[{out}a][{out}b]xfade=transition=slidedown:{head},vflip,{back}")
    return (f"[{a}]format=yuv444p[{out}a];[{b}]format=yuv444p[{out}b];"
            f"[{out}a][{out}b]xfade=transition={xfade_name(t)}:{head},{back}")


def _fonts_dir(spec: RenderSpec, run_dir: Path) -> Path | None:
    dirs = sorted({str(Path(f.src).parent) for f in spec.captions.fonts})
    if not dirs:
        return None
    if len(dirs) > 1:
        raise InvalidInputError(f"captions.fonts live in {len(dirs)} directories ({', '.join(dirs)})",
                                hint="put every caption font file in one run-relative directory (fonts/)")
    return run_dir / dirs[0]


def captions_filter(spec: RenderSpec, run_dir: Path) -> str | None:
    cap = spec.captions.file
    if cap is None or spec.captions.style == "none":
        return None
    sub = f"subtitles=filename={escape_filter_path(str(run_dir / cap.src))}"
    fonts_dir = _fonts_dir(spec, run_dir)
    if fonts_dir is not None:
        sub += f":fontsdir={escape_filter_path(str(fonts_dir))}"
    return sub


FEED_FD = 3  # the pipe fd feed k is named by when the caller gives none (argv stays the same run to run)


def _drawn_stretches(spec: RenderSpec, group: list[Piece]) -> tuple[Stretch, ...]:
    for p in group:  # a transition is drawn whole (plan_segments never cuts one): progress i/count
        if p.into is not None and p.frames != spec.scenes[p.scene].transition_out.duration_frames:
            raise AssertionError(f"transition piece at {p.start} is not whole")
    return tuple(Stretch(p.scene, p.offset, p.frames, p.into) for p in group)


def segment_graph(spec: RenderSpec, segment: Segment, run_dir: Path,
                  feed_fds: Sequence[int] | None = None) -> SegmentGraph:
    """The segment's inputs and graph. Ken Burns stills come in as raw frames on pipes (``feeds``): one per
    group of drawn pieces, one per use of a still an xfade mixes; ``feed_fds`` names their fds (default
    FEED_FD, FEED_FD + 1, ...)."""
    w, h = spec.dimensions.width, spec.dimensions.height
    clips = scene_clips(spec)
    groups = _groups(spec, segment)
    uses = _uses([g[0] for g in groups if not drawn(spec, g[0])])
    inputs: list[str] = []
    chains: list[str] = []
    feeds: list[FrameFeed] = []
    inputs_of: list[int | str] = []  # per ffmpeg input, in order: its feed's fd or its file

    def feed(stretches: tuple[Stretch, ...], label: str) -> None:
        fd = feed_fds[len(feeds)] if feed_fds is not None else FEED_FD + len(feeds)
        # tagged as the scaled stills are, so concat/xfade never convert between the two
        chains.append(f"[{len(inputs_of)}:v]setparams=colorspace=bt709:range=tv,setsar=1[{label}]")
        inputs_of.append(fd)
        feeds.append(FrameFeed(stretches, fd))
        inputs.extend(_feed_input(w, h, fd))

    for idx, scene_index in enumerate(uses):
        scene, clip = spec.scenes[scene_index], clips[scene_index]
        if _ken_burns_still(scene):
            for k, u in enumerate(uses[scene_index]):
                feed((Stretch(scene_index, u.offset, u.count),), f"c{idx}u{k}")
            continue
        inputs += _input_args(scene, clip, uses[scene_index], run_dir)
        if scene.visual.type == "image":
            chains += _still_chains(uses[scene_index], w, h, idx, len(inputs_of))
        else:
            chains += _video_chains(scene, clip, uses[scene_index], w, h, idx, len(inputs_of), spec.background)
        inputs_of.append(scene.visual.src)
    # hand the use labels out to the pieces in order
    slot = {s: 0 for s in uses}
    index_of = {s: i for i, s in enumerate(uses)}

    def take(scene_index: int) -> str:
        k = slot[scene_index]
        slot[scene_index] += 1
        return f"c{index_of[scene_index]}u{k}"

    piece_labels: list[str] = []
    for k, group in enumerate(groups):
        p = group[0]
        if drawn(spec, p):
            feed(_drawn_stretches(spec, group), f"d{k}")
            piece_labels.append(f"d{k}")
        elif p.into is None:
            piece_labels.append(take(p.scene))
        else:
            a, b = take(p.scene), take(p.into)
            chains.append(_transition(p, spec.scenes[p.scene].transition_out, a, b, f"p{k}"))
            piece_labels.append(f"p{k}")
    joined = "".join(f"[{x}]" for x in piece_labels)
    body = f"{joined}concat=n={len(piece_labels)}:v=1:a=0," if len(piece_labels) > 1 else f"{joined}"
    # pts = timeline frame while libass draws (captions are timed on the whole video), then from 0 again
    tail = f"{body}settb=1/30,setpts=N+{segment.start}"
    sub = captions_filter(spec, run_dir)
    if sub is not None:
        tail += f",{sub}"
    tail += (",setpts=N,setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709:range=tv,"
             "format=yuv420p[vout]")
    chains.append(tail)
    return SegmentGraph(inputs, ";".join(chains), tuple(feeds))
