"""Card layouts: every element's box is computed, and no text box overlaps another element or leaves the
safe area (at every Ken Burns zoom), for every layout x aspect x kind of text."""

from __future__ import annotations

import pytest

from reelforge.models.safe_area import safe_area
from reelforge.pipeline.visual_chain import caption_keepout
from reelforge.providers.visual.card_layout import (
    MAX_ZOOM,
    CardLayout,
    Content,
    contains,
    frame_geometry,
    intersects,
    layout_card,
)
from reelforge.providers.visual.card_theme import LAYOUTS

ASPECTS = {"9:16": (1080, 1920), "16:9": (1920, 1080), "1:1": (1080, 1080)}
TEXTS = {
    "short": "Sleep",
    "hook": "How to sleep better",
    "long": "Move ten percent of your salary to savings on the very day it arrives, before you can spend it",
    "long-words": "Donaudampfschifffahrtsgesellschaftskapitän Rindfleischetikettierungsüberwachungsaufgaben",
    "authored-lines": "Three habits\nthat fix your sleep",
    "korean": "잠을 잘 자려면 자기 전 한 시간 동안 화면을 어둡게 하세요",
    "japanese": "寝る前の一時間は画面を暗くしましょう。「静かな部屋」で眠る。",
    "chinese": "睡前一小时调暗屏幕，保持房间凉爽。",
    "arabic": "لكي تنام جيدا، أطفئ الشاشة قبل النوم بساعة",
}
KICKERS = {"korean": "수면 · 1/3", "japanese": "睡眠 · 1/3", "chinese": "睡眠 · 1/3"}


def _layout(layout: str, aspect: str, text: str, *, platform: str = "tiktok", captions: str = "tiktok",
            index: int = 0, band: tuple[float, float, float, float] | None = None) -> CardLayout:
    width, height = ASPECTS[aspect]
    frame = frame_geometry(width, height, scale=1.2, area=safe_area(platform, width, height),
                           band=band if band is not None else caption_keepout(platform, captions, width, height))
    kicker = KICKERS.get(next((k for k, v in TEXTS.items() if v == text), ""), "SLEEP · 1/3")
    return layout_card(Content(text, kicker, "weather_night"), frame, layout, index=index)  # type: ignore[arg-type]


def _assert_clear(card: CardLayout) -> None:
    assert card.problems() == []
    cx, cy = card.width / 2, card.height / 2
    for block in card.texts:
        # the check itself, spelled out: inside the safe area at zoom 1 and at the largest zoom
        for zoom in (1.0, MAX_ZOOM):
            b = block.box
            zoomed = (cx + (b[0] - cx) * zoom, cy + (b[1] - cy) * zoom, cx + (b[2] - cx) * zoom,
                      cy + (b[3] - cy) * zoom)
            assert contains(card.safe, zoomed), (block.role, zoomed, card.safe)
            assert not intersects(zoomed, card.caption_band), (block.role, zoomed, card.caption_band)
        for deco in card.decorations:
            assert not intersects(block.box, deco.box), (deco.kind, deco.box, block.role, block.box)
        assert block.lines and all(line.strip() for line in block.lines)
        assert "".join(block.lines).replace("-", "").replace(" ", "") == \
            block.text.replace("\n", "").replace(" ", "").replace("-", "")  # nothing cut or dropped
    assert card.decorations, "every layout has a supporting element"


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("aspect", list(ASPECTS))
@pytest.mark.parametrize("kind", list(TEXTS))
def test_no_text_box_overlaps_or_leaves_the_safe_area(layout: str, aspect: str, kind: str) -> None:
    _assert_clear(_layout(layout, aspect, TEXTS[kind]))


@pytest.mark.parametrize("platform", ["reels", "shorts", "generic"])
@pytest.mark.parametrize("captions", ["lower-third", "none"])
def test_other_platforms_and_caption_styles_stay_clear(platform: str, captions: str) -> None:
    for layout in LAYOUTS:
        for aspect in ASPECTS:
            for index in (0, 1):  # odd scenes mirror the side layouts
                _assert_clear(_layout(layout, aspect, TEXTS["long"], platform=platform, captions=captions,
                                      index=index))


def test_the_check_catches_a_broken_layout() -> None:
    card = _layout("spotlight", "16:9", TEXTS["hook"])
    head = card.headline
    moved = type(head)(head.role, head.text, head.lines, head.font, head.size, head.align, head.origins,
                       (0.0, 0.0, head.box[2], head.box[3]))
    broken = CardLayout(card.width, card.height, card.scale, card.layout, card.safe, card.text_safe,
                        card.caption_band, card.caption_keepout, moved, card.kicker, card.decorations)
    problems = broken.problems()
    assert any("leaves the safe area" in p for p in problems)
    assert any("overlaps headline" in p for p in problems)  # the kicker


def test_caption_band_follows_the_caption_style() -> None:
    area = safe_area("tiktok", 1080, 1920)
    tiktok = caption_keepout("tiktok", "tiktok", 1080, 1920)
    lower = caption_keepout("tiktok", "lower-third", 1080, 1920)
    assert tiktok[3] <= area.y1 and lower[3] >= tiktok[3]  # lower-third sits on the safe bottom
    assert caption_keepout("tiktok", "no-such-style", 1080, 1920) == tiktok  # unknown: the default band stays free


def test_presets_that_caption_in_the_same_place_share_one_keepout() -> None:
    from reelforge.compose.captions.layout import caption_band
    from reelforge.compose.captions.presets import style_named

    area = safe_area("tiktok", 1080, 1920)
    default = caption_keepout("tiktok", "word-highlight", 1080, 1920)
    for name in ("karaoke", "pop"):
        assert caption_keepout("tiktok", name, 1080, 1920) == default  # a switch among them redraws no card
        own = caption_band(style_named(name), area)
        assert default[1] <= own[1] and own[3] <= default[3]  # and still keeps each one's own band clear
    assert caption_keepout("tiktok", "hook", 1080, 1920) != default  # captions elsewhere: another keep-out


def test_portrait_uses_the_whole_frame() -> None:
    for layout in LAYOUTS:
        card = _layout(layout, "9:16", TEXTS["hook"])
        lowest = max(d.box[3] for d in card.decorations)
        assert lowest > card.caption_band[3], f"{layout}: nothing below the captions"
        assert card.headline.box[1] < card.height * 0.4


@pytest.mark.parametrize("aspect", list(ASPECTS))
@pytest.mark.parametrize("band", [(0.42, 0.58), (0.22, 0.36)])
def test_captions_in_the_middle_or_top_stay_clear(aspect: str, band: tuple[float, float]) -> None:
    """A centred caption preset (big words mid-frame) or captions placed high: text moves to the larger
    side of the band and the decorations to the other, never under it."""
    width, height = ASPECTS[aspect]
    box = (0.0, height * band[0], float(width), height * band[1])
    for layout in LAYOUTS:
        for kind in ("hook", "long", "japanese"):
            card = _layout(layout, aspect, TEXTS[kind], band=box)
            assert card.caption_band[1] == pytest.approx(ASPECTS[aspect][1] * band[0] * 1.2)
            _assert_clear(card)


def test_a_korean_word_is_not_broken_when_a_smaller_size_keeps_it_whole() -> None:
    from reelforge.providers.visual.card_layout import fit_text
    from reelforge.text.fonts import font_for_text

    text = "세 벌이면 충분합니다"
    font = font_for_text(text, what="test")
    size, lines = fit_text(text, font, 300, 400, start=120, minimum=40, max_lines=3)
    assert " ".join(lines).split() == text.split(), lines
    assert not any(line.endswith("-") for line in lines)
    assert size >= 40  # shrunk, but not below the minimum


def test_cooking_brief_with_water_is_cooking() -> None:
    from reelforge.providers.visual.card_theme import detect_topic

    brief = ("Great pasta starts with salted water. Use a big pot so the water stays at a boil. Save a cup of the "
             "starchy water before you drain. Salted water. Water stays. Starchy water.")
    assert detect_topic(brief).name == "cooking"


def test_a_power_grid_explainer_is_energy_not_wellbeing() -> None:
    from reelforge.providers.visual.card_theme import detect_topic

    brief = ("The grid must match supply and demand every second. When a power plant trips, frequency falls and "
             "the stress on the grid grows; batteries and gas turbines answer within seconds.")
    assert detect_topic(brief).name == "energy"  # 'plant' and 'stress' alone made this WELLBEING
    assert detect_topic("The power of habit: focus on one task at work, then the next.").name == "focus"
    heat_pump = ("Here's how a heat pump heats a home. It moves warmth from cold outdoor air, so it uses about a third "
                 "of the power of a resistive heater. Check your insulation first.")
    assert detect_topic(heat_pump).name == "energy"  # it had the general look, with a lightbulb for the heat pump


def test_a_draining_phone_battery_is_not_cooking() -> None:
    from reelforge.providers.visual.card_theme import detect_topic

    brief = "Why your phone battery drains faster in the cold, and three simple ways to keep it alive on a winter day."
    assert detect_topic(brief).name == "energy"  # 'drains' was a cooking word: a tie that KITCHEN won by order


def test_saving_water_is_eco_not_money() -> None:
    from reelforge.providers.visual.card_theme import detect_topic

    brief = ("Three ways to save water at home. First, fix the dripping tap; a slow drip wastes fifteen litres a day. "
             "Second, take five minute showers. Third, run the dishwasher only when it is full.")
    assert detect_topic(brief).name == "eco"  # 'save' made it MONEY: a piggy bank for a dripping tap
    assert detect_topic("Drink a glass of water when you wake up.").name != "eco"
    assert detect_topic("Kill the subscriptions; people waste forty dollars a month on them.").name == "money"
