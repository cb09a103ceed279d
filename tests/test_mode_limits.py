"""Length limits per mode: shorts keep YouTube Shorts' 180 s / 40 scenes, explainer and demo run to 30 min /
300 scenes. Validation and planning only: no long video is rendered here (bench/long_render.py does that)."""

from __future__ import annotations

import io
import itertools
import json
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from reelforge.compose.contact_sheet import sheet_scenes
from reelforge.errors import SchemaValidationError
from reelforge.models.common import MODE_LIMITS, parse_document
from reelforge.models.script import Script
from reelforge.pipeline.check_stage import check_platform
from reelforge.pipeline.skeleton import draft_from_brief
from reelforge.providers.voice.wavio import read_wav, wav_bytes, write_wav
from tests.cli_helpers import run_json

FIXTURE = Path(__file__).resolve().parents[1] / "bench" / "fixtures" / "explainer_10min.json"
BRIEF = "Sleep is a skill. Dim your screens an hour before bed. Keep the room cool and dark."


def fixture() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


def first_scenes(count: int, mode: str, aspect: str) -> dict[str, Any]:
    """The bench fixture's first ``count`` scenes (real, varied narration, ~10 s each) as a ``mode`` script."""
    data = fixture()
    scenes = [dict(s, durationSec=10) for s in data["scenes"][:count]]
    scenes[-1].pop("transition", None)
    return {**data, "mode": mode, "aspect": aspect, "scenes": scenes}


def test_a_short_over_180_s_is_refused_naming_the_mode_the_limit_and_the_fix() -> None:
    data = first_scenes(20, "shorts", "9:16")  # 200 s
    with pytest.raises(SchemaValidationError) as info:
        parse_document(Script, data, document="script.json")
    error = info.value
    assert error.exit_code == 4
    assert "the shorts script has scenes whose durationSec add up to 200.0 s (the limit is 180 s)" in error.message
    assert "a shorts video is at most 180 s and 40 scenes" in error.message
    assert "use mode explainer (16:9, up to 30 min, 300 scenes) for a longer video" in error.message


def test_a_five_minute_explainer_and_demo_are_accepted() -> None:
    for mode in ("explainer", "demo"):
        script = parse_document(Script, first_scenes(30, mode, "16:9"), document="script.json")
        assert len(script.scenes) == 30 and sum(s.duration_sec for s in script.scenes) == 300


def test_the_bench_fixture_is_a_real_ten_minute_explainer() -> None:
    data = fixture()
    script = parse_document(Script, data, document="script.json")
    assert (script.mode, script.aspect, len(script.scenes)) == ("explainer", "16:9", 60)
    narrations = [s.narration for s in script.scenes]
    assert len(set(narrations)) == 60 and len({s.on_screen_text[0] for s in script.scenes}) == 60
    words = sum(len(n.split()) for n in narrations)
    assert 1600 <= words <= 2100  # ~600 s at Piper's ~3 words/s
    assert MODE_LIMITS["shorts"].max_sec < 60 * 9.5  # so the same scenes as a short would be refused
    with pytest.raises(SchemaValidationError, match="60 scenes"):
        parse_document(Script, {**data, "mode": "shorts", "aspect": "9:16"}, document="script.json")


def test_an_explainer_over_its_limits_is_refused_with_both_named() -> None:
    data = first_scenes(2, "explainer", "16:9")
    data["scenes"] = [{"id": f"s{i:03d}", "durationSec": 6.1, "narration": "Hi.", "transition": "cut"}
                      for i in range(301)]
    with pytest.raises(SchemaValidationError) as info:
        parse_document(Script, data, document="script.json")
    message = info.value.message
    assert "301 scenes (the limit is 300)" in message and "1836.1 s (the limit is 1800 s)" in message
    assert "an explainer video is at most 30 min and 300 scenes" in message
    assert "split it into parts" in message


def test_a_scene_longer_than_any_mode_allows_is_refused_on_its_own() -> None:
    data = first_scenes(1, "explainer", "16:9")
    data["scenes"][0]["durationSec"] = 1801
    with pytest.raises(SchemaValidationError, match=r"scenes\.0\.durationSec"):
        parse_document(Script, data, document="script.json")


def test_the_key_free_writer_keeps_40_scenes_for_shorts_and_all_for_an_explainer() -> None:
    brief = " ".join(s["narration"] for s in fixture()["scenes"][:50])
    short, short_warnings = draft_from_brief(brief, mode="shorts", aspect="9:16", locale="en")
    long, long_warnings = draft_from_brief(brief, mode="explainer", aspect="16:9", locale="en")
    assert len(short.scenes) <= 40 and sum(s.duration_sec for s in short.scenes) <= 180
    assert any("left out" in w for w in short_warnings)
    assert len(long.scenes) > 60 and sum(s.duration_sec for s in long.scenes) > 300
    assert not any("left out" in w for w in long_warnings)


def test_duration_over_the_shorts_limit_is_refused_before_anything_runs(
        capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out = run_json(capsys, "video", "generate", BRIEF, "--duration", "600", "--dry-run")
    assert code == 4
    assert out["error"]["message"] == "--duration 600: a shorts video is at most 180 s"
    assert "--mode explainer" in out["error"]["hint"]
    assert not (workspace / "videos").exists()


def test_duration_over_the_longest_mode_is_refused(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out = run_json(capsys, "video", "generate", BRIEF, "--mode", "explainer", "--duration", "2400",
                         "--dry-run")
    assert code == 4
    assert "--duration" in out["error"]["message"] and "explainer 1800" in out["error"]["message"]


def test_duration_from_the_environment_is_named(capsys: pytest.CaptureFixture[str], workspace: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REELFORGE_DURATION", "300")
    code, out = run_json(capsys, "video", "generate", BRIEF, "--dry-run")
    assert code == 4 and out["error"]["message"] == "REELFORGE_DURATION=300: a shorts video is at most 180 s"


def test_a_long_explainer_is_checked_as_youtube_long_form_unless_a_platform_was_chosen() -> None:
    assert check_platform("tiktok", mode="explainer", chosen=False) == "youtube"
    assert check_platform("tiktok", mode="demo", chosen=False) == "youtube"
    assert check_platform("reels", mode="explainer", chosen=True) == "reels"
    assert check_platform("tiktok", mode="shorts", chosen=False) == "tiktok"


def test_the_contact_sheet_of_a_long_video_samples_60_scenes_evenly() -> None:
    assert sheet_scenes(12) == list(range(12))
    assert sheet_scenes(60) == list(range(60))
    many = sheet_scenes(240)
    assert len(many) == 60 and many[0] == 0 and many[-1] == 239
    gaps = {b - a for a, b in itertools.pairwise(many)}
    assert gaps <= {4, 5}


def test_the_narration_track_is_written_as_the_wave_module_would(tmp_path: Path, workspace: Path) -> None:
    stereo = (np.arange(9600).reshape(-1, 2) % 2000 - 1000).astype(np.int16)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(48000)
        out.writeframes(stereo.tobytes())
    assert wav_bytes(stereo, 48000) == buf.getvalue()
    path = workspace / "track.wav"
    write_wav(path, stereo, 48000)
    samples, rate = read_wav(path)
    assert rate == 48000 and np.array_equal(samples, stereo)


def test_the_check_selects_every_caption_page_of_a_long_video() -> None:
    """A 10-minute explainer has ~400 caption pages; ffmpeg refuses a select chain of more than 100 terms."""
    import re
    import subprocess

    import imageio_ffmpeg

    from reelforge.check.scan import select_expression

    frames = [3 * i + (i % 2) for i in range(400)]
    expr = select_expression(frames)
    proc = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-f", "lavfi", "-i",
                           "testsrc=size=32x32:rate=30:duration=41", "-vf", f"select='{expr}',showinfo",
                           "-f", "null", "-"], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-500:]
    picked = [int(m) for m in re.findall(r"Parsed_showinfo.*? pts:\s*(\d+)", proc.stderr)]
    assert picked == frames


def test_page_captions_of_a_long_video_are_measured_in_sync() -> None:
    """Lower-third pages time only their first word ("a", "the", ...); over ten minutes those words match
    anywhere in the transcript unless the whole page is aligned."""
    from reelforge.check.ass_cues import AssCues, Page, TimedWord
    from reelforge.check.captions import sync_check, sync_stats

    texts = [s["narration"] for s in fixture()["scenes"]]
    pages, words, transcript, t = [], [], [], 0.2
    for text in texts:
        tokens = text.split()
        for k in range(0, len(tokens), 5):
            chunk = tokens[k:k + 5]
            pages.append(Page(t, t + 0.3 * len(chunk), " ".join(chunk), None))
            words.append(TimedWord(chunk[0], t))
            for token in chunk:
                transcript.append((token, t + 0.05, t + 0.3))  # heard 50 ms after the caption shows
                t += 0.3
        t += 0.4
    cues = AssCues(play_res=(1920, 1080), pages=pages, words=words, highlight=False)
    stats = sync_stats(cues, transcript)
    assert stats is not None and stats.words == len(pages) > 300
    assert abs(stats.median + 0.05) < 0.02 and stats.p95 < 0.2 and stats.matched == stats.words
    assert sync_check(stats).status == "pass"
