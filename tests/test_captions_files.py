"""captions.srt / .vtt / .ass: millisecond rounding, cue skipping, header, font name, determinism."""

from __future__ import annotations

import re
from pathlib import Path

from reelforge.compose.captions import load_font, write_captions
from reelforge.compose.captions.ass import ass_time, escape_ass
from reelforge.compose.captions.fonts import default_font_path
from reelforge.compose.captions.paging import to_ms
from reelforge.compose.captions.subtitle_files import Cue, clock, render_srt, render_vtt
from reelforge.models.timing import Timing
from reelforge.workspace.hashing import sha256_file


def make_timing(sentences: list[str], *, word_sec: float = 0.35, gap_sec: float = 0.05) -> Timing:
    segments = []
    t = 0.0
    for i, sentence in enumerate(sentences):
        seg_start = t
        words = []
        for word in sentence.split():
            words.append({"t": word, "startSec": round(t, 4), "endSec": round(t + word_sec, 4)})
            t += word_sec + gap_sec
        t += 0.5
        segments.append({"sceneId": f"s{i}", "startSec": round(seg_start, 4), "endSec": round(t, 4),
                         "words": words})
    return Timing.model_validate({"schemaVersion": "1.0", "source": "estimated", "totalSec": round(t, 4),
                                  "segments": segments})


def test_rounding_to_milliseconds_never_gives_1000() -> None:
    assert to_ms(0.9996) == 1000
    assert clock(to_ms(0.9996), ",") == "00:00:01,000"
    assert clock(to_ms(59.9999), ".") == "00:01:00.000"
    assert clock(to_ms(3599.9996), ",") == "01:00:00,000"
    assert clock(to_ms(0.0004), ",") == "00:00:00,000"
    assert clock(to_ms(1.2345), ",") == "00:00:01,235"
    assert ass_time(999) == "0:00:01.00"
    assert ass_time(994) == "0:00:00.99"


def test_srt_numbers_from_one_and_skips_empty_cues() -> None:
    cues = [Cue(0, 1000, ("Hello",)), Cue(1000, 1000, ("zero length",)), Cue(1000, 2000, ("  ",)),
            Cue(2000, 2500, ("two", "lines")), Cue(3000, 2900, ("backwards",))]
    srt = render_srt(cues)
    assert srt == ("1\n00:00:00,000 --> 00:00:01,000\nHello\n\n"
                   "2\n00:00:02,000 --> 00:00:02,500\ntwo\nlines\n")
    assert ",1000" not in srt


def test_vtt_has_header_escapes_and_skips_empty_cues() -> None:
    cues = [Cue(0, 999, ("a <b> & c --> d",)), Cue(500, 500, ("x",))]
    vtt = render_vtt(cues)
    assert vtt.startswith("WEBVTT\n\n")
    assert "00:00:00.000 --> 00:00:00.999\na &lt;b&gt; &amp; c --&gt; d\n" in vtt
    assert vtt.count("-->") == 1
    assert render_vtt([]) == "WEBVTT\n"


def test_ass_escape_keeps_override_blocks_out_of_user_text() -> None:
    assert escape_ass(r"a {\b1} \N b") == "a (/b1) /N b"


def test_write_captions_files_and_font_family(tmp_path: Path) -> None:
    timing = make_timing(["Hello there, this is a caption test.", "Second scene speaks here!"])
    result = write_captions(timing, tmp_path, style="tiktok", platform="tiktok", width=1080, height=1920)
    assert [f.src for f in result.files] == ["captions.ass", "captions.srt", "captions.vtt",
                                             "fonts/Roboto-Black.ttf"]
    for ref in result.files:
        assert sha256_file(tmp_path / ref.src) == ref.sha256
    assert result.ass is not None and result.ass.src == "captions.ass"
    family = load_font(default_font_path()).family
    assert family == "Roboto Black"
    assert result.fonts[0].family == family
    ass = (tmp_path / "captions.ass").read_text(encoding="utf-8")
    assert f"Style: Caption,{family},{result.params['fontSize']}," in ass
    assert "PlayResX: 1080\nPlayResY: 1920\n" in ass
    assert "WrapStyle: 2\n" in ass and "ScaledBorderAndShadow: yes\n" in ass
    assert result.params["safeArea"]["margins"] == {"top": 160, "bottom": 440, "left": 60, "right": 160}
    assert result.warnings == ()
    spec = result.caption_spec()
    assert spec.file is not None and spec.fonts[0].family == family
    srt = (tmp_path / "captions.srt").read_text(encoding="utf-8")
    assert srt.startswith("1\n00:00:00,000 --> ")
    assert "Hello there," in srt


def test_a_page_does_not_end_on_a_comma_or_semicolon_on_screen(tmp_path: Path) -> None:
    """Burned in, a page's trailing comma, semicolon or colon is dropped ("you forgot about;" read like a
    typo); sentence ends stay, and the subtitle files keep the punctuation as written."""
    timing = make_timing(["Kill the subscriptions you forgot about; people waste forty dollars.",
                          "First: pay yourself, then spend!"])
    for style in ("pop", "word-highlight", "lower-third"):
        write_captions(timing, tmp_path, style=style, platform="tiktok", width=1080, height=1920)
        shown = [re.sub(r"\{[^}]*\}", "", line.split(",,", 1)[1]) for line in
                 (tmp_path / "captions.ass").read_text(encoding="utf-8").splitlines() if line.startswith("Dialogue:")]
        assert shown and not any(text.rstrip().endswith((",", ";", ":")) for text in shown), (style, shown)
        assert any(text.upper().rstrip().endswith("DOLLARS.") for text in shown), style
        assert any(text.upper().rstrip().endswith("SPEND!") for text in shown), style
        srt = (tmp_path / "captions.srt").read_text(encoding="utf-8")
        for written in ("about;", "First:", "yourself,"):
            assert written in srt, (style, written)


def test_highlight_moves_word_by_word(tmp_path: Path) -> None:
    timing = make_timing(["one two three"])
    write_captions(timing, tmp_path, style="tiktok", platform="generic", width=1080, height=1920)
    events = [line for line in (tmp_path / "captions.ass").read_text().splitlines()
              if line.startswith("Dialogue:")]
    assert len(events) == 3
    highlighted = [e.split("{\\1c&H00D7FF&}")[1].split("{")[0].strip() for e in events]
    assert highlighted == ["one", "two", "three"]
    starts = [e.split(",")[1] for e in events]
    ends = [e.split(",")[2] for e in events]
    assert starts == ["0:00:00.00", "0:00:00.40", "0:00:00.80"]
    assert ends[:2] == starts[1:]


def test_output_is_byte_identical_on_rerun(tmp_path: Path) -> None:
    timing = make_timing(["Determinism matters, every single byte.", "Again and again."])
    a, b = tmp_path / "a", tmp_path / "b"
    for run in (a, b):
        run.mkdir()
        write_captions(timing, run, style="lower-third", platform="reels", width=1080, height=1920)
    for name in ("captions.ass", "captions.srt", "captions.vtt", "fonts/Roboto-Black.ttf"):
        assert (a / name).read_bytes() == (b / name).read_bytes()


def test_style_none_writes_nothing_and_removes_stale_files(tmp_path: Path) -> None:
    (tmp_path / "captions.srt").write_text("stale")
    result = write_captions(make_timing(["hi there"]), tmp_path, style="none", platform="generic",
                            width=1920, height=1080)
    assert result.files == () and result.ass is None and result.fonts == ()
    assert not (tmp_path / "captions.srt").exists()
    assert result.caption_spec().style == "none"


def test_silent_timing_gives_empty_files_and_a_warning(tmp_path: Path) -> None:
    timing = Timing.model_validate({"schemaVersion": "1.0", "source": "estimated", "totalSec": 3.0,
                                    "segments": [{"sceneId": "a", "startSec": 0.0, "endSec": 3.0}]})
    result = write_captions(timing, tmp_path, style="tiktok", platform="shorts", width=1080, height=1920)
    assert any("no timed words" in w for w in result.warnings)
    assert (tmp_path / "captions.srt").read_text() == ""
    assert (tmp_path / "captions.vtt").read_text() == "WEBVTT\n"
    assert "Dialogue:" not in (tmp_path / "captions.ass").read_text()


def test_markup_in_narration_never_reaches_the_caption_files_as_markup(tmp_path: Path) -> None:
    """Issue 22 item 11: <b>, <font color>, {\\pos(0,0)} in narration are words, never formatting."""
    narration = ('Say <b>hello</b> to <font color="red">red</font> and {\\pos(0,0)}moved {\\an8}text '
                 "with <i>italics</i> or a <c.yellow>cue</c> tag")
    write_captions(make_timing([narration]), tmp_path, style="minimal", platform="generic", width=1080, height=1920)
    srt = (tmp_path / "captions.srt").read_text(encoding="utf-8")
    vtt = (tmp_path / "captions.vtt").read_text(encoding="utf-8")
    ass = (tmp_path / "captions.ass").read_text(encoding="utf-8")
    srt_text = " ".join(line for line in srt.splitlines() if line and "-->" not in line and not line.isdigit())
    assert not re.search(r"<[A-Za-z/]", srt) and "{\\" not in srt
    assert srt_text.split() == "Say hello to red and moved text with italics or a cue tag".split()  # words kept
    assert "<" not in vtt and ">" not in vtt.replace("-->", "")
    assert "&lt;b&gt;hello&lt;/b&gt;" in vtt and "{\\pos(0,0)}moved" in vtt  # braces are not markup in VTT
    dialogue = "".join(line for line in ass.splitlines() if line.startswith("Dialogue:"))
    user_text = re.sub(r"\{\\an\d\\pos\(\d+,\d+\)[^}]*\}", "", dialogue)  # our own positioning blocks
    assert "{\\pos(0,0)}" not in user_text and "(/pos(0,0))moved" in user_text
