from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from reelforge.compose.kenburns import plan_ken_burns, zoompan_filter
from reelforge.errors import InvalidInputError
from reelforge.models.safe_area import safe_area
from reelforge.providers.visual import designed
from reelforge.providers.visual.card_layout import Content, frame_geometry, layout_card
from reelforge.providers.visual.card_text import headline_text
from reelforge.providers.visual.card_theme import TOPICS, choose_look
from reelforge.providers.visual.designed import draw_card, make_card
from reelforge.text.fonts import SOURCES, ScriptFont, coverage

SLEEP = "How to sleep better. Keep the bedroom cool and put the phone away an hour before bed."
COOKING = "Perfect pasta: salt the water, cook it two minutes less than the packet says, finish it in the pan."


def test_card_is_deterministic_png_with_headroom(tmp_path: Path) -> None:
    a = make_card(["Why cities run hot"], tmp_path / "a.png", width=180, height=320, seed=4, index=1, title="Heat")
    b = make_card(["Why cities run hot"], tmp_path / "b.png", width=180, height=320, seed=4, index=1, title="Heat")
    assert a.read_bytes() == b.read_bytes()
    with Image.open(a) as img:
        assert img.format == "PNG" and img.size == (216, 384)  # 1.2x the frame for Ken Burns
        assert not img.info.get("date")  # no metadata that would vary run to run


def test_same_brief_and_seed_give_the_same_bytes_and_look(tmp_path: Path) -> None:
    look = choose_look(SLEEP, seed=11)
    assert choose_look(SLEEP, seed=11) == look
    a = draw_card("Keep the room cool", tmp_path / "a.png", width=180, height=320, seed=11, index=0, look=look)
    b = draw_card("Keep the room cool", tmp_path / "b.png", width=180, height=320, seed=11, index=0, look=look)
    assert a.path.read_bytes() == b.path.read_bytes()
    other = draw_card("Keep the room cool", tmp_path / "c.png", width=180, height=320, seed=11, index=1, look=look)
    assert other.path.read_bytes() != a.path.read_bytes()  # the next scene: another icon, other glows


@pytest.mark.parametrize("seed", range(8))
def test_two_topics_look_different(seed: int) -> None:
    sleep, cooking = choose_look(SLEEP, seed=seed), choose_look(COOKING, seed=seed)
    assert (sleep.topic.name, cooking.topic.name) == ("sleep", "cooking")
    assert sleep.palette != cooking.palette
    assert {sleep.icon(i) for i in range(3)}.isdisjoint({cooking.icon(i) for i in range(3)})


def test_topic_cards_differ_in_colour(tmp_path: Path) -> None:
    means = []
    for name, text in (("sleep", SLEEP), ("cooking", COOKING)):
        look = choose_look(text, seed=3)
        card = draw_card(headline_text([], text, "T"), tmp_path / f"{name}.png", width=180, height=320, seed=3,
                         index=0, look=look)
        means.append(np.asarray(Image.open(card.path).convert("RGB"), dtype=np.float32).mean(axis=(0, 1)))
    assert np.abs(means[0] - means[1]).max() > 20


def test_every_topic_has_icons_from_the_package() -> None:
    from reelforge.providers.visual import icons

    for topic in TOPICS:
        for name in topic.icons:
            assert len(icons.glyph(name)) == 1
    assert icons.attribution()["licence"] == "Apache-2.0"


def test_text_is_drawn_with_contrast_where_the_layout_says(tmp_path: Path) -> None:
    look = choose_look("Why cities run hot", seed=1)
    card = draw_card("BIG HEADLINE", tmp_path / "c.png", width=360, height=640, seed=1, index=0, look=look)
    px = np.asarray(Image.open(card.path).convert("L"), dtype=np.float32)
    x0, y0, x1, y1 = (int(v) for v in card.layout.headline.box)
    inside = px[y0:y1, x0:x1]
    text_level = np.mean(look.palette.text)
    # the headline's own pixels are there: a good share of the box is close to the text colour
    assert (np.abs(inside - text_level) < 40).mean() > 0.1
    assert card.layout.problems() == []


@pytest.mark.parametrize(("text", "family"), [
    ("잠을 잘 자려면 화면을 어둡게 하세요", "Noto Sans CJK JP"),
    ("寝る前の一時間は画面を暗くしましょう", "Noto Sans CJK JP"),
    ("睡前一小时调暗屏幕，保持房间凉爽。", "Noto Sans CJK JP"),
    ("أطفئ الشاشة قبل النوم بساعة", "Noto Sans Arabic"),
    ("Спите в прохладной комнате", "Roboto"),
])
def test_every_script_is_drawn_with_a_font_that_has_its_glyphs(tmp_path: Path, text: str, family: str) -> None:
    look = choose_look(text, seed=2)
    card = draw_card(text, tmp_path / "k.png", width=180, height=320, seed=2, index=0, look=look, count=3)
    for block in card.layout.texts:
        drawn = "".join(block.lines)
        assert block.font.missing(drawn) == []  # checked on the drawn (wrapped) strings
        assert not (set(drawn) - {" ", "-"}) - {chr(c) for c in coverage(block.font.path)}
    assert card.layout.headline.font.source.family == family
    if family == "Noto Sans CJK JP":
        # the kicker's topic label is in the text's language (수면, 睡眠) and drawn with the CJK font too
        assert card.layout.kicker is not None and card.layout.kicker.font.source.family == family
        assert any(ord(c) > 0x3000 for c in card.layout.kicker.text)


def test_a_missing_glyph_is_exit_4_naming_the_characters(tmp_path: Path) -> None:
    look = choose_look("sleep", seed=1)
    with pytest.raises(InvalidInputError) as info:
        draw_card("Sleep well ሰላም", tmp_path / "e.png", width=180, height=320, seed=1, index=0, look=look)
    assert info.value.exit_code == 4
    assert "U+1230" in info.value.message and info.value.hint
    assert not (tmp_path / "e.png").exists()


def test_the_drawn_text_is_checked_too(tmp_path: Path) -> None:
    """A layout whose font cannot draw its text (forced here) is refused at drawing, not drawn as tofu."""
    frame = frame_geometry(180, 320, scale=1.2, area=safe_area("tiktok", 180, 320))
    layout = layout_card(Content("Sleep", "01", "bed"), frame, "badge")
    roboto = layout.headline.font
    assert isinstance(roboto, ScriptFont) and roboto.source is SOURCES[0]
    head = layout.headline
    bad = type(head)(head.role, "잠", ("잠",), roboto, head.size, head.align, head.origins[:1], head.box)
    broken = type(layout)(layout.width, layout.height, layout.scale, layout.layout, layout.safe, layout.text_safe,
                          layout.caption_band, layout.caption_keepout, bad, layout.kicker, layout.decorations)
    img = Image.new("RGBA", (layout.width, layout.height))
    with pytest.raises(InvalidInputError, match="U\\+C7A0"):
        designed._draw_texts(img, broken, choose_look("x", seed=1).palette)


def test_ken_burns_plans_are_seeded_and_bounded() -> None:
    a, b = plan_ken_burns(7, 2), plan_ken_burns(7, 2)
    assert a == b and a is not None
    assert 1.0 <= min(a.start_zoom, a.end_zoom) and max(a.start_zoom, a.end_zoom) <= 1.2
    subtle = plan_ken_burns(7, 2, style="subtle")
    assert subtle is not None and subtle.start_x == subtle.end_x == 0.5
    assert max(subtle.start_zoom, subtle.end_zoom) <= 1.06  # what card_layout.MAX_ZOOM assumes
    assert plan_ken_burns(7, 2, style="off") is None
    zp = zoompan_filter(a, 90, 1080, 1920)
    assert ":d=90:s=1080x1920:fps=30" in zp and "(on/89)" in zp
