"""Caption paging, wrapping and safe areas (pure: measured with Pillow, no ffmpeg)."""

from __future__ import annotations

import itertools

import pytest

from reelforge.compose.captions import load_font, safe_area
from reelforge.compose.captions.fonts import default_font_path
from reelforge.compose.captions.layout import layout_captions, style_named
from reelforge.compose.captions.paging import TimedWord, chunk_balanced, split_phrases, unspaced_phrases
from reelforge.compose.captions.wrap import Measurer, atoms_of, fit_words, greedy_wrap, line_text
from reelforge.errors import InvalidInputError
from reelforge.models.timing import Timing


def timing_of(words: list[tuple[str, float, float]], seg_end: float, total: float | None = None) -> Timing:
    return Timing.model_validate({
        "schemaVersion": "1.0", "source": "estimated", "totalSec": total or seg_end,
        "segments": [{"sceneId": "a", "startSec": 0.0, "endSec": seg_end,
                      "words": [{"t": t, "startSec": s, "endSec": e} for t, s, e in words]}]})


def evenly(text: str, *, step: float = 0.3, dur: float = 0.25, start: float = 0.0) -> list[tuple[str, float, float]]:
    return [(w, round(start + i * step, 3), round(start + i * step + dur, 3)) for i, w in enumerate(text.split())]


@pytest.fixture(scope="module")
def measure() -> Measurer:
    return Measurer(load_font(default_font_path()))


def tw(text: str, start: int, end: int) -> TimedWord:
    return TimedWord(text, start, end)


def test_phrases_split_at_punctuation_and_pauses() -> None:
    words = [tw("Hello", 0, 200), tw("world,", 250, 400), tw("how", 450, 600), tw("are", 650, 800),
             tw("you?", 850, 1000), tw("Fine", 1500, 1700), tw("thanks", 1750, 1900)]
    phrases = split_phrases(words, pause_ms=300)
    assert [[w.text for w in p] for p in phrases] == [["Hello", "world,"], ["how", "are", "you?"],
                                                       ["Fine", "thanks"]]


def test_chunks_are_balanced_and_at_most_three() -> None:
    words = [tw(str(i), i * 10, i * 10 + 5) for i in range(7)]
    assert [len(c) for c in chunk_balanced(words, 3)] == [3, 2, 2]
    assert [len(c) for c in chunk_balanced(words[:4], 3)] == [2, 2]
    assert [len(c) for c in chunk_balanced(words[:1], 3)] == [1]


def test_tiktok_pages_have_one_to_three_words_and_break_at_punctuation(measure: Measurer) -> None:
    text = "So here is the thing. Captions should feel fast, punchy and readable on a phone screen today!"
    timing = timing_of(evenly(text), seg_end=10.0)
    pages, _ = layout_captions(timing, style_named("tiktok"), safe_area("tiktok", 1080, 1920), measure)
    texts = [page.page.text_words for page in pages]
    assert all(1 <= len(t) <= 3 for t in texts)
    assert [w for t in texts for w in t] == text.split()
    for t in texts:  # punctuation only ever ends a page
        assert all(not w.endswith((".", ",", "!")) for w in t[:-1])
    assert ["thing."] in [t[-1:] for t in texts]


def test_pages_never_overlap_and_stay_inside_their_segment(measure: Measurer) -> None:
    words = evenly("one two three four five six seven", step=0.3, dur=0.29)
    timing = Timing.model_validate({
        "schemaVersion": "1.0", "source": "estimated", "totalSec": 5.0,
        "segments": [{"sceneId": "a", "startSec": 0.0, "endSec": 2.1, "words": [
                         {"t": t, "startSec": s, "endSec": e} for t, s, e in words]},
                     {"sceneId": "b", "startSec": 2.1, "endSec": 5.0, "words": [
                         {"t": "next", "startSec": 2.1, "endSec": 2.4}]}]})
    pages, _ = layout_captions(timing, style_named("tiktok"), safe_area("generic", 1080, 1920), measure)
    for a, b in itertools.pairwise(pages):
        assert a.page.end_ms <= b.page.start_ms
    first_scene = [p for p in pages if p.page.segment_index == 0]
    assert max(p.page.end_ms for p in first_scene) <= 2100
    assert all(p.page.end_ms > p.page.start_ms for p in pages)


def test_greedy_wrap_fills_lines_by_measured_width(measure: Measurer) -> None:
    atoms = atoms_of("the quick brown fox jumps over the lazy dog".split())
    width = measure.width("the quick brown fox", 81) + 1
    lines = greedy_wrap(atoms, measure, 81, width)
    assert lines is not None
    assert [line_text(line) for line in lines] == ["the quick brown fox", "jumps over the lazy", "dog"]
    assert all(measure.width(line_text(line), 81) <= width for line in lines)


def test_page_shrinks_then_splits_and_long_word_shrinks_to_fit(measure: Measurer) -> None:
    words = ["Donaudampfschifffahrtsgesellschaftskapitänswitwe", "feierte", "gestern"]
    max_width = 754.0
    fits = fit_words(words, measure, base_size=81, floor_size=58, min_size=24, max_width=max_width)
    assert next(f.word_indices for f in fits) == (0,)
    long_fit = fits[0]
    assert long_fit.size < 58 and len(long_fit.lines) == 1
    assert measure.width(words[0], long_fit.size) <= max_width
    assert measure.width(words[0], long_fit.size + 2) > max_width * 0.95  # shrunk only as far as needed
    rest = [i for f in fits[1:] for i in f.word_indices]
    assert rest == [1, 2]
    assert all(len(f.lines) <= 2 for f in fits)


def test_cjk_wraps_by_character_without_spaces(measure: Measurer) -> None:
    atoms = atoms_of(["我们今天讨论", "人工智能。"])
    assert [a.text for a in atoms][:3] == ["我", "们", "今"]
    assert atoms[-1].text == "能。"  # the full stop never starts a line
    assert not any(a.space_before for a in atoms)
    mixed = atoms_of(["Hello", "世界", "again"])
    assert [(a.text, a.space_before) for a in mixed] == [("Hello", False), ("世", False), ("界", False),
                                                         ("again", False)]


def test_long_cjk_word_is_cut_into_timed_pieces() -> None:
    pieces = unspaced_phrases([TimedWord("今日はとても良い天気ですね。", 0, 1400)], 6)
    assert "".join(p.text for p in pieces) == "今日はとても良い天気ですね。"
    assert len(pieces) > 1 and all(len(p.text) <= 6 + 3 for p in pieces)
    assert pieces[0].start_ms == 0 and pieces[-1].end_ms == 1400
    assert all(a.end_ms <= b.start_ms for a, b in itertools.pairwise(pieces))


def test_font_size_scales_with_frame(measure: Measurer) -> None:
    timing = timing_of(evenly("scale me"), seg_end=2.0)
    _, big = layout_captions(timing, style_named("tiktok"), safe_area("tiktok", 1080, 1920), measure)
    _, small = layout_captions(timing, style_named("tiktok"), safe_area("tiktok", 720, 1280), measure)
    assert big.base_size == 81 and small.base_size == 54


def test_safe_area_table() -> None:
    tiktok = safe_area("tiktok", 1080, 1920)
    assert (tiktok.x0, tiktok.y0, tiktok.x1, tiktok.y1) == (60, 160, 920, 1480)
    reels = safe_area("reels", 1080, 1920)
    assert (reels.y0, 1920 - reels.y1) == (270, 672)
    generic = safe_area("generic", 1080, 1920)
    for other in ("tiktok", "reels", "shorts"):  # generic is safe on every app
        area = safe_area(other, 1080, 1920)
        assert area.contains((generic.x0, generic.y0, generic.x1, generic.y1))
    half = safe_area("tiktok", 540, 960)
    assert (half.x0, half.y0, half.x1, half.y1) == (30, 80, 460, 740)
    wide = safe_area("generic", 1920, 1080)
    assert (wide.x0, wide.y0, wide.x1, wide.y1) == (96, 54, 1824, 994)
    square_reels = safe_area("reels", 1080, 1080)
    assert 1080 - square_reels.y1 == 252  # Reels' bottom overlay projected onto a letterboxed square
    with pytest.raises(InvalidInputError):
        safe_area("myspace", 1080, 1920)
