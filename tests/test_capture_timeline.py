from __future__ import annotations

from pathlib import Path

import pytest

from reelforge.capture.join import join_argv
from reelforge.capture.options import DEVICE_VIEWPORTS, WebCaptureOptions, parse_stop, viewport_for
from reelforge.capture.timeline import FrontTracker, Segment, cut_segments
from reelforge.errors import InvalidInputError


def test_popup_takes_the_front_and_closing_it_returns_to_the_opener() -> None:
    tracker = FrontTracker()
    tracker.opened(0, 100.0)
    tracker.opened(1, 103.0)  # popup
    tracker.closed(1, 104.5)
    assert tracker.changes == [(100.0, 0), (103.0, 1), (104.5, 0)]
    segments = cut_segments(tracker.changes, video_starts=[99.8, 102.9], t0=100.5, t_stop=106.5)
    assert segments == [Segment(0, pytest.approx(0.7), pytest.approx(3.2)),
                        Segment(1, pytest.approx(0.1), pytest.approx(1.6)),
                        Segment(0, pytest.approx(4.7), pytest.approx(6.7))]
    assert sum(s.seconds for s in segments) == pytest.approx(6.0)


def test_switching_tabs_by_hand_follows_the_visible_tab() -> None:
    tracker = FrontTracker()
    tracker.opened(0, 0.0)
    tracker.opened(1, 1.0)
    tracker.shown(0, 2.0)
    tracker.closed(0, 3.0)
    assert [p for _, p in tracker.changes] == [0, 1, 0, 1]


def test_blips_shorter_than_a_frame_are_dropped_and_nothing_before_t0_is_shown() -> None:
    changes = [(0.0, 0), (2.0, 1), (2.01, 0)]
    segments = cut_segments(changes, [0.0, 2.0], t0=1.0, t_stop=4.0)
    assert [(s.page, round(s.video_start, 2), round(s.video_end, 2)) for s in segments] == [(0, 1.0, 4.0)]
    assert cut_segments(changes, [0.0, 2.0], t0=4.0, t_stop=4.0) == []


def test_join_argv_trims_each_segment_and_fixes_the_frame_count() -> None:
    videos = [Path("/w/p0.webm"), Path("/w/p1.webm")]
    argv = join_argv(videos, [Segment(0, 0.2, 3.2), Segment(1, 0.1, 2.9)], (640, 360), 6.0, Path("/w/out.mp4"))
    assert argv.count("-i") == 2 and argv[1] == "/w/p0.webm" and argv[3] == "/w/p1.webm"
    graph = argv[argv.index("-filter_complex") + 1]
    assert "trim=start=0.200:end=3.200" in graph and "trim=start=0.100:end=2.900" in graph
    assert "concat=n=2:v=1:a=0" in graph and "fps=30" in graph
    assert argv[argv.index("-frames:v") + 1] == "180"
    assert argv[argv.index("-pix_fmt") + 1] == "yuv420p" and "libx264" in argv
    assert not any("http" in a for a in argv)


def test_stop_rules_and_viewports() -> None:
    assert parse_stop(None) is None
    assert parse_stop("duration:6").seconds == 6.0  # type: ignore[union-attr]
    assert parse_stop("selector:#done").selector == "#done"  # type: ignore[union-attr]
    for bad in ("duration:0", "duration:-1", "duration:nan", "duration:999", "selector:", "click:#x", "6"):
        with pytest.raises(InvalidInputError):
            parse_stop(bad)
    assert DEVICE_VIEWPORTS == {"desktop": (1920, 1080), "laptop": (1440, 900), "tablet": (1024, 1366),
                                "mobile": (390, 844)}
    assert viewport_for("mobile", "16:9") == (390, 844)
    assert viewport_for(None, "16:9") == (1920, 1080)
    w, h = viewport_for(None, "9:16")
    assert w < h and w % 2 == 0 and h % 2 == 0
    with pytest.raises(InvalidInputError):
        viewport_for("watch", "16:9")


def test_options_repr_hides_the_url() -> None:
    options = WebCaptureOptions(url="https://h.test/?token=SECRET123456", viewport=(640, 360))
    assert "SECRET" not in repr(options)
    with pytest.raises(InvalidInputError):
        WebCaptureOptions(url="https://h.test/", viewport=(641, 360))
