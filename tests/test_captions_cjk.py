"""Korean, Japanese and Chinese captions: spaces kept, no syllable chopping, kinsoku respected."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from reelforge.compose.captions import load_font, safe_area
from reelforge.compose.captions.fonts import cjk_font_path
from reelforge.compose.captions.layout import layout_captions, style_named
from reelforge.compose.captions.wrap import Measurer, atoms_of, greedy_wrap, line_text
from reelforge.models.timing import Timing
from reelforge.providers.timing.words import script_words
from reelforge.text.breaking import NO_LINE_END, NO_LINE_START, break_units, joins_without_space, phrase_chunks
from tests.cli_helpers import run_json

KO = "잠을 잘 자려면 자기 전 한 시간 동안 화면을 어둡게 하세요. 방을 시원하게 유지하세요."
JA = "寝る前の一時間は画面を暗くしましょう。部屋を涼しく保ち、「静かな音楽」を聞きましょう。"
ZH = "睡前一小时调暗屏幕。保持房间凉爽，并且听一些安静的音乐吧！"


def timing_for(text: str, seconds: float = 8.0) -> Timing:
    """Estimated timing exactly as the pipeline words it (script_words), spread evenly."""
    words = script_words(text)
    step = seconds / len(words)
    return Timing.model_validate({
        "schemaVersion": "1.0", "source": "estimated", "totalSec": seconds,
        "segments": [{"sceneId": "a", "startSec": 0.0, "endSec": seconds, "words": [
            {"t": w, "startSec": round(i * step, 3), "endSec": round((i + 1) * step - 0.001, 3)}
            for i, w in enumerate(words)]}]})


@pytest.fixture(scope="module")
def cjk_measure() -> Measurer:
    path = cjk_font_path()
    if path is None:
        pytest.skip("noto-cjk-sans-jp-bold is not installed")
    return Measurer(load_font(path))


def page_lines(text: str, style: str, measure: Measurer, width: int = 1080, height: int = 1920) -> list[list[str]]:
    pages, _ = layout_captions(timing_for(text), style_named(style), safe_area("tiktok", width, height), measure)
    return [page.plain_lines for page in pages]


def test_korean_timing_words_are_the_spaced_words() -> None:
    assert script_words("잠을 잘 자려면") == ["잠을", "잘", "자려면"]  # not per syllable
    assert script_words("寝る前") == ["寝", "る", "前"]  # Japanese stays per character for timing


@pytest.mark.parametrize("style", ["word-highlight", "lower-third", "hook", "minimal"])
def test_korean_pages_keep_spaces_and_whole_words(cjk_measure: Measurer, style: str) -> None:
    pages = page_lines(KO, style, cjk_measure)
    words = KO.split()
    shown: list[str] = []
    for lines in pages:
        for line in lines:
            shown.extend(line.split(" "))
    assert shown == words  # every word whole, in order, separated by spaces, nothing chopped or glued
    assert "잠을잘" not in "".join(line for lines in pages for line in lines).replace(" ", "|")


@pytest.mark.parametrize("text", [JA, ZH])
@pytest.mark.parametrize("style", ["word-highlight", "lower-third", "hook", "karaoke"])
def test_japanese_and_chinese_pages_respect_kinsoku(cjk_measure: Measurer, text: str, style: str) -> None:
    pages = page_lines(text, style, cjk_measure)
    lines = [line for lines in pages for line in lines]
    assert "".join(lines) == text  # no character lost, no space added
    assert all(" " not in line for line in lines)
    for line in lines:
        assert line[0] not in NO_LINE_START, line
        assert line[-1] not in NO_LINE_END, line
    # pages are phrases, not single characters: the old bug paged Japanese three characters at a time
    assert sum(len(line) for line in lines) / len(pages) > 4


def test_japanese_phrases_follow_okurigana() -> None:
    assert phrase_chunks("寝る前の一時間は画面を暗くしましょう。", max_chars=6) == [
        "寝る", "前の", "一時間は", "画面を", "暗くしましょう。"]
    assert phrase_chunks("コーヒーは「朝」に飲む。", max_chars=6) == ["コーヒーは", "「朝」に", "飲む。"]


def test_chinese_phrases_are_balanced_and_end_at_punctuation() -> None:
    chunks = phrase_chunks("睡前一小时调暗屏幕。保持房间凉爽。", max_chars=4)
    assert "".join(chunks) == "睡前一小时调暗屏幕。保持房间凉爽。"
    assert chunks[2].endswith("。") and chunks[-1].endswith("。")
    assert all(len(c.rstrip("。")) <= 4 for c in chunks)


def test_break_units_glue_kinsoku_characters() -> None:
    assert break_units("「こんにちは」と言った。") == ["「こ", "ん", "に", "ち", "は」", "と", "言っ", "た。"]
    assert break_units("コーヒー") == ["コー", "ヒー"]


def test_seams_keep_korean_spaces_and_drop_none_elsewhere() -> None:
    assert not joins_without_space("잠을", "잘")
    assert joins_without_space("AI", "を") and joins_without_space("你好", "world")
    assert not joins_without_space("hello", "world")
    assert [(a.text, a.space_before) for a in atoms_of(["잠을", "잘", "자려면"])] == [
        ("잠을", False), ("잘", True), ("자려면", True)]


def test_narrow_wrap_of_japanese_never_starts_a_line_with_closing_punctuation(cjk_measure: Measurer) -> None:
    atoms = atoms_of(list(JA))
    for width in range(120, 700, 37):
        lines = greedy_wrap(atoms, cjk_measure, 60, width)
        assert lines is not None
        for a, b in itertools.pairwise(lines):
            assert line_text(b)[0] not in NO_LINE_START and line_text(a)[-1] not in NO_LINE_END


def test_japanese_lines_break_between_phrases_when_the_phrases_fit(cjk_measure: Measurer) -> None:
    phrase_ends: set[int] = set()
    pos = 0
    for chunk in phrase_chunks(JA, max_chars=6):
        pos += len(chunk)
        phrase_ends.add(pos)
    pos = 0
    for lines in page_lines(JA, "karaoke", cjk_measure):
        for line in lines:
            pos += len(line)
            assert pos in phrase_ends, f"line {line!r} ends inside a phrase"


@pytest.mark.parametrize(("brief", "locale"), [(KO, "ko"), (JA, "ja")])
def test_the_issue_repro_dry_run_writes_whole_words(capsys: pytest.CaptureFixture[str], workspace: Path,
                                                    brief: str, locale: str) -> None:
    """`video generate "<Korean brief>" --locale ko --voice none`: the captions show the text as written."""
    if cjk_font_path() is None:
        pytest.skip("noto-cjk-sans-jp-bold is not installed")
    code, data = run_json(capsys, "video", "generate", brief, "--locale", locale, "--voice", "none", "--dry-run")
    assert code == 0
    srt = (Path(data["runDir"]) / "captions.srt").read_text(encoding="utf-8")
    shown = [ln for block in srt.strip().split("\n\n") for ln in block.splitlines()[2:]]
    script = json.loads((Path(data["runDir"]) / "script.json").read_text(encoding="utf-8"))
    narration = [scene["narration"] for scene in script["scenes"]]
    if locale == "ko":
        assert " ".join(shown).split() == " ".join(narration).split()  # same words, same spaces
    else:
        assert "".join(shown) == "".join(narration).replace(" ", "")
    assert not {"잠을잘", "동안화", "くしま"} & set(shown)  # the pages the issue saw
    assert "잠을잘" not in " ".join(shown) and "동안화" not in " ".join(shown)
