"""Transitions between two Ken Burns stills are drawn by the feeder (compose/transition_frames.py), not by
xfade: the fade's blend is exact and the same every run, a transition starts on the outgoing frame and ends
next to the incoming one, slides and wipes move as xfade's do, any segment plan draws the same frames, the
cache key sees both stills and moves, and a transition with any other clip still goes through xfade."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import numpy as np
import pytest

from reelforge.compose import segment_graph as sg
from reelforge.compose.frame_feeds import StillCache, feed_frames, feeds_key
from reelforge.compose.kenburns_frames import frames
from reelforge.compose.processes import run_all
from reelforge.compose.segment_cache import render_key
from reelforge.compose.timeline import Segment, plan_segments, scene_clips
from reelforge.compose.transition_frames import fade_weights, mixed
from reelforge.models.render_spec import RenderSpec, Transition
from tests.fakes.tiny_run import make_tiny_run
from tests.test_compose_args import spec_dict
from tests.test_compose_segments import raw_frames

W, H = 180, 320
FRAME = W * H * 3 // 2


def fade_of(a: np.ndarray, b: np.ndarray, d: int, w: int = 66, h: int = 42) -> list[bytes]:
    t = Transition(kind="fade", durationFrames=d)
    return [bytes(f) for f in mixed(t, [memoryview(a)] * d, [memoryview(b)] * d, d, w, h)]


def test_the_blend_is_exact_round_half_even_of_dyadic_weights() -> None:
    rng = np.random.default_rng(5)
    a, b = (rng.integers(0, 256, 66 * 42 * 3 // 2, dtype=np.uint8) for _ in range(2))  # SIMD body and tail
    got = fade_of(a, b, 12)
    assert got[0] == a.tobytes()  # frame 0 of a fade is all the outgoing clip
    for i, frame in enumerate(got):
        wa, wb = fade_weights(i, 12)
        assert wa + wb == 1.0 and abs(wb - i / 12) < 1 / 4096
        want = np.round(a.astype(np.float64) * wa + b.astype(np.float64) * wb).astype(np.uint8)
        assert frame == want.tobytes(), f"frame {i}"
    assert got == fade_of(a, b, 12)
    with pytest.raises(ValueError, match="12-frame transition got 11"):
        list(mixed(Transition(kind="fade", durationFrames=12), [memoryview(a)] * 11, [memoryview(b)] * 11, 12,
                   66, 42))


def kb_run(tmp: Path, transitions: list[dict[str, Any]], scene_frames: int = 45, cards: int = 2) -> RenderSpec:
    """The tiny run with Ken Burns on its first ``cards`` cards (the others without)."""
    spec = make_tiny_run(tmp, scene_frames=scene_frames, transitions=transitions)
    data = spec.to_json_dict()
    kb = data["scenes"][0]["visual"]["kenBurns"]
    for i in range(1, cards):
        data["scenes"][i]["visual"]["kenBurns"] = {**kb, "startZoom": 1.25 - 0.05 * i, "endZoom": 1.05,
                                                   "startX": 0.4, "endX": 0.6}
    return RenderSpec.model_validate(data)


FADE = [{"kind": "fade", "durationFrames": 12}, {"kind": "fade", "durationFrames": 8}, {"kind": "cut"}]


def test_a_fade_between_ken_burns_stills_is_one_feed_without_xfade(tmp_path: Path) -> None:
    spec = kb_run(tmp_path, FADE)
    one = spec.model_copy(update={"encoder": spec.encoder.model_copy(update={"segment_frames": 10_000})})
    (seg,) = plan_segments(one)
    g = sg.segment_graph(one, seg, tmp_path)
    # scene 0 solo, fade 0 -> 1 and scene 1 solo are one feed; the fade into the still without Ken Burns
    # (scene 2) is xfade's, fed by a stretch of scene 1 with its tail
    assert [[(s.scene, s.offset, s.count, s.into) for s in f.stretches] for f in g.feeds] == [
        [(1, 49, 10, None)], [(0, 0, 33, None), (0, 33, 12, 1), (1, 12, 37, None)]]
    assert re.findall(r"xfade=transition=(\w+)", g.graph) == ["fade"]
    assert "concat=n=3" in g.graph  # drawn stretch, the xfade piece, the static still
    # the key-free default (every scene a Ken Burns card, fades): one input, no concat, no 4:4:4
    data = spec.to_json_dict()
    data["scenes"][2]["visual"]["kenBurns"] = data["scenes"][0]["visual"]["kenBurns"]
    cards = RenderSpec.model_validate(data)
    for segment in plan_segments(cards):
        g = sg.segment_graph(cards, segment, tmp_path)
        assert len(g.feeds) == 1 and g.inputs.count("-i") == 1
        assert "xfade" not in g.graph and "yuv444p" not in g.graph and "concat" not in g.graph


def test_the_drawn_fade_runs_from_the_outgoing_frame_to_next_to_the_incoming_one(tmp_path: Path) -> None:
    spec = kb_run(tmp_path, FADE)
    clips = scene_clips(spec)
    stills = StillCache(spec, tmp_path, tmp_path, imageio_ffmpeg.get_ffmpeg_exe())
    planes = {}
    run_all([lambda group: planes.update({s: stills.planes(s, group) for s in (0, 1)})], 1)
    fade = sg.FrameFeed((sg.Stretch(0, 33, 12, 1),), 3)
    drawn = [bytes(f) for f in feed_frames(spec, fade, planes)]
    assert drawn == [bytes(f) for f in feed_frames(spec, fade, planes)]  # the same bytes twice
    kb0, kb1 = spec.scenes[0].visual.ken_burns, spec.scenes[1].visual.ken_burns
    assert kb0 is not None and kb1 is not None
    outgoing = [bytes(f) for f in frames(planes[0], kb0, clips[0].frames, W, H, offset=33, count=12)]
    incoming = [bytes(f) for f in frames(planes[1], kb1, clips[1].frames, W, H, offset=0, count=12)]
    assert drawn[0] == outgoing[0]
    last, b_next = (np.frombuffer(x, np.uint8).astype(int) for x in (drawn[-1], incoming[-1]))
    a_last = np.frombuffer(outgoing[-1], np.uint8).astype(int)
    assert np.abs(last - b_next).mean() < 0.15 * np.abs(a_last - b_next).mean()  # 11/12 of the way to B
    # each frame sits between its two sources, on the weights' line
    for i, frame in enumerate(drawn):
        wb = fade_weights(i, 12)[1]
        a, b = (np.frombuffer(x, np.uint8).astype(float) for x in (outgoing[i], incoming[i]))
        assert np.abs(np.frombuffer(frame, np.uint8) - (a * (1 - wb) + b * wb)).max() <= 0.5 + 1e-9


def psnr(a: bytes, b: bytes) -> float:
    mse = np.mean((np.frombuffer(a, np.uint8).astype(float) - np.frombuffer(b, np.uint8).astype(float)) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255 ** 2 / mse)


@pytest.mark.slow
def test_any_segment_plan_draws_the_same_fade_and_it_matches_xfade(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    spec = kb_run(tmp_path, FADE)
    whole, n_whole = raw_frames(spec, tmp_path, 10_000)
    assert n_whole == 1 and len(whole) == 135 * FRAME
    for target in (20, 33):
        split, n = raw_frames(spec, tmp_path, target)
        assert n >= 3
        differing = [f for f in range(135) if split[f * FRAME:(f + 1) * FRAME] != whole[f * FRAME:(f + 1) * FRAME]]
        assert differing == [], f"target {target}: frames {differing[:10]} differ"
    # the same timeline through xfade (the path every other transition takes): close, not identical
    monkeypatch.setattr(sg, "drawn", lambda spec, p: p.into is None and sg._ken_burns_still(spec.scenes[p.scene]))
    xfaded, _ = raw_frames(spec, tmp_path, 9_999)  # one segment too (another work dir)
    fade = range(33, 45)
    assert min(psnr(whole[f * FRAME:(f + 1) * FRAME], xfaded[f * FRAME:(f + 1) * FRAME]) for f in fade) > 40
    assert all(whole[f * FRAME:(f + 1) * FRAME] == xfaded[f * FRAME:(f + 1) * FRAME] for f in range(0, 33))


def _key_spec(**scene1: Any) -> RenderSpec:
    """test_compose_args' five scenes with Ken Burns on scene 1 too: 0 -> 1 is a drawn fade."""
    data = spec_dict(encoder={"threads": 1, "segmentFrames": 90})
    data["scenes"][1]["visual"] = {**data["scenes"][1]["visual"], "kenBurns": data["scenes"][0]["visual"]["kenBurns"],
                                   **scene1}
    return RenderSpec.model_validate(data)


def _fade_segment(spec: RenderSpec) -> Segment:
    return next(s for s in plan_segments(spec) if any(p.into == 1 for p in s.pieces))


def test_the_segment_key_sees_the_incoming_still_and_move_of_a_drawn_fade() -> None:
    base = _key_spec()
    seg = _fade_segment(base)  # the fade from scene 0 into scene 1 is a segment of its own
    assert [p.into for p in seg.pieces] == [1] and 1 in [s for f in sg.segment_graph(base, seg, Path("/r")).feeds
                                                         for s in f.scenes()]
    kb = base.scenes[1].visual.ken_burns
    assert kb is not None
    other_move = _key_spec(kenBurns={**kb.to_json_dict(), "startZoom": kb.start_zoom + 0.1})
    other_still = _key_spec(sha256="1" * 64)

    def key(spec: RenderSpec) -> str:
        segment = _fade_segment(spec)
        argv = sg.segment_graph(spec, segment, Path("/r")).inputs
        return render_key(["ffmpeg", *argv], spec=spec, run_dir=Path("/r"), out=Path("/r/s.mp4"),
                          kind="segment", segment=segment)[0]

    assert feeds_key(base, seg, Path("/r")) != feeds_key(other_move, seg, Path("/r"))
    assert len({key(s) for s in (base, other_move, other_still)}) == 3
    assert key(base) == key(_key_spec())


def test_a_slide_or_wipe_with_footage_or_a_plain_still_goes_through_xfade() -> None:
    data = spec_dict(encoder={"threads": 1, "segmentFrames": 10_000})
    data["scenes"][0]["transitionOut"] = {"kind": "slide", "durationFrames": 15, "direction": "left"}
    data["scenes"][2]["transitionOut"] = {"kind": "wipe", "durationFrames": 12, "direction": "down"}
    spec = RenderSpec.model_validate(data)
    (seg,) = plan_segments(spec)
    g = sg.segment_graph(spec, seg, Path("/r"))
    # 0 -> 1: into a still without Ken Burns; 1 -> 2 (slide up): from it; 2 -> 3: into footage; 3 -> 4:
    # from footage. Nothing is drawn but the Ken Burns stretches
    assert re.findall(r"xfade=transition=(\w+)", g.graph) == ["slideleft", "slidedown", "wipedown", "wipeleft"]
    assert all(st.into is None for f in g.feeds for st in f.stretches)
    # with Ken Burns on scene 1, its slide in and out are drawn
    data["scenes"][1]["visual"]["kenBurns"] = data["scenes"][0]["visual"]["kenBurns"]
    spec = RenderSpec.model_validate(data)
    g = sg.segment_graph(spec, seg, Path("/r"))
    assert re.findall(r"xfade=transition=(\w+)", g.graph) == ["wipedown", "wipeleft"]
    assert [(st.scene, st.into) for f in g.feeds for st in f.stretches if st.into is not None] == [(0, 1), (1, 2)]


@pytest.mark.parametrize("kind", ["slide", "wipe"])
@pytest.mark.parametrize("direction", ["left", "right", "up", "down"])
def test_a_drawn_slide_or_wipe_moves_as_xfade_does(kind: str, direction: str) -> None:
    w, h, d = 24, 16, 4
    a = np.zeros(w * h * 3 // 2, np.uint8)
    b = np.full(w * h * 3 // 2, 200, np.uint8)
    # a ramp along the transition's axis, in every plane, so a slide's shift shows
    for buf, base in ((a, 10), (b, 100)):
        luma, chroma = buf[:w * h].reshape(h, w), buf[w * h:].reshape(h, w // 2)
        luma[:] = base + (np.arange(w)[None, :] if direction in ("left", "right") else np.arange(h)[:, None])
        chroma[:] = base + 50
    t = Transition(kind=kind, durationFrames=d, direction=direction)
    got = [np.frombuffer(bytes(f), np.uint8) for f in mixed(t, [memoryview(a)] * d, [memoryview(b)] * d, d, w, h)]
    assert got[0].tobytes() == a.tobytes()
    half = got[d // 2][:w * h].reshape(h, w)  # halfway: half of each picture
    line = half[0] if direction in ("left", "right") else half[:, 0]
    n = len(line)
    from_b = line >= 100
    assert from_b.sum() == n // 2
    # xfade: B comes in from the side opposite `direction` (wipe: sweeping toward it; slide: moving it)
    b_side = from_b[n // 2:] if direction in ("left", "up") else from_b[:n // 2]
    assert b_side.all()
    if kind == "slide":  # both pictures shifted by half, toward `direction`
        shown_a, shown_b = (line[~from_b] - 10).tolist(), (line[from_b] - 100).tolist()
        far, near = list(range(n // 2, n)), list(range(n // 2))
        assert (shown_a, shown_b) == ((far, near) if direction in ("left", "up") else (near, far))
    else:  # a wipe moves nothing
        assert (line - np.where(from_b, 100, 10)).tolist() == list(range(n))
    chroma_b = got[d // 2][w * h:w * h + w * h // 4].reshape(h // 2, w // 2) >= 150
    luma_b = half >= 100
    assert (chroma_b == luma_b[::2, ::2]).all()  # the chroma planes split where luma does


@pytest.mark.slow
def test_batch_workers_draw_the_same_fades_as_a_local_render(tmp_path: Path) -> None:
    """segment_part (batch/Ray workers) renders each segment alone; render() runs them side by side."""
    import shutil

    from reelforge.compose.runner import render
    from reelforge.pipeline.videobatch.parts import Part, audio_part, render_with, segment_part

    data = kb_run(tmp_path / "a", FADE).to_json_dict()
    data["encoder"] = {**data.get("encoder", {}), "segmentFrames": 30}
    spec = RenderSpec.model_validate(data)
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    local = render(spec, tmp_path / "a", measure=False, jobs=2)
    assert local.segments >= 3

    def in_process(s: RenderSpec, run_dir: Path, order: list[int]) -> list[tuple[int, Part]]:
        return [(-1, audio_part(s.to_json_dict(), str(run_dir))),
                *((k, segment_part(s.to_json_dict(), str(run_dir), k)) for k in order)]

    assert render_with(in_process, spec, tmp_path / "b").sha256 == local.sha256


@pytest.mark.slow
@pytest.mark.parametrize("direction", ["left", "right", "up", "down"])
def test_drawn_slides_and_wipes_look_like_xfades(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 direction: str) -> None:
    spec = kb_run(tmp_path, [{"kind": "slide", "durationFrames": 12, "direction": direction},
                             {"kind": "wipe", "durationFrames": 12, "direction": direction}, {"kind": "cut"}], cards=3)
    drawn, _ = raw_frames(spec, tmp_path, 10_000)
    monkeypatch.setattr(sg, "drawn", lambda spec, p: p.into is None and sg._ken_burns_still(spec.scenes[p.scene]))
    xfaded, _ = raw_frames(spec, tmp_path, 9_999)
    # xfade's edge is at trunc(progress * size), ours on the even row or column at or below it: a slide
    # frame is the same picture or one shifted by a pixel (~3 % of pixels off at the cards' edges; the
    # wrong way round would be ~40 %), a wipe's edge at most a column away
    for frames_of, most in ((range(33, 45), 0.05), (range(78, 90), 0.005)):
        off = []
        for f in frames_of:
            a, b = (np.frombuffer(x[f * FRAME:f * FRAME + W * H], np.uint8).astype(int) for x in (drawn, xfaded))
            off.append(float((np.abs(a - b) > 24).mean()))
        assert max(off) < most, off
        assert sum(x == 0.0 for x in off) >= 3, off  # where the edges agree, the same picture
