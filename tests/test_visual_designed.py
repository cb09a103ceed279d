from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from reelforge.compose.kenburns import plan_ken_burns, zoompan_filter
from reelforge.providers.visual.designed import card_text, choose_palette, make_card


def test_card_is_deterministic_png_with_headroom(tmp_path: Path) -> None:
    a = make_card(["Why cities run hot"], tmp_path / "a.png", width=180, height=320, seed=4, index=1, title="Heat")
    b = make_card(["Why cities run hot"], tmp_path / "b.png", width=180, height=320, seed=4, index=1, title="Heat")
    assert a.read_bytes() == b.read_bytes()
    with Image.open(a) as img:
        assert img.format == "PNG" and img.size == (216, 384)  # 1.2x the frame for Ken Burns
        assert not img.info.get("date")  # no metadata that would vary run to run


def test_seed_and_index_change_the_design(tmp_path: Path) -> None:
    base = make_card(["Same text"], tmp_path / "a.png", width=180, height=320, seed=4, index=0, title="T")
    other_index = make_card(["Same text"], tmp_path / "b.png", width=180, height=320, seed=4, index=1, title="T")
    other_seed = make_card(["Same text"], tmp_path / "c.png", width=180, height=320, seed=5, index=0, title="T")
    assert len({base.read_bytes(), other_index.read_bytes(), other_seed.read_bytes()}) == 3
    assert choose_palette(4) != choose_palette(5)


def test_text_is_drawn_with_contrast_inside_the_safe_area(tmp_path: Path) -> None:
    out = make_card(["BIG HEADLINE"], tmp_path / "c.png", width=360, height=640, seed=1, index=0, title="T")
    px = np.asarray(Image.open(out).convert("L"), dtype=np.float32)
    h, w = px.shape
    bright = px > 200  # white type on dark backgrounds
    ys, xs = np.nonzero(bright)
    assert bright.sum() > 500
    assert ys.min() > h * 0.1 and ys.max() < h * 0.62  # above the caption zone
    assert xs.min() > w * 0.08 and xs.max() < w * 0.92  # inside any Ken Burns view
    assert np.median(px) < 90  # the background is dark


def test_card_text_falls_back_to_narration_then_title() -> None:
    assert card_text(["  A ", ""], "ignored", "T") == ["A"]
    assert card_text([], "Trees cool streets. They also shade.", "T") == ["Trees cool streets."]
    assert card_text([], "", "The Title") == ["The Title"]


def test_ken_burns_plans_are_seeded_and_bounded() -> None:
    a, b = plan_ken_burns(7, 2), plan_ken_burns(7, 2)
    assert a == b and a is not None
    assert 1.0 <= min(a.start_zoom, a.end_zoom) and max(a.start_zoom, a.end_zoom) <= 1.2
    subtle = plan_ken_burns(7, 2, style="subtle")
    assert subtle is not None and subtle.start_x == subtle.end_x == 0.5
    assert plan_ken_burns(7, 2, style="off") is None
    zp = zoompan_filter(a, 90, 1080, 1920)
    assert ":d=90:s=1080x1920:fps=30" in zp and "(on/89)" in zp
