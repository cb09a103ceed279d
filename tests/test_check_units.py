"""Pure parts of `reelforge check`: platform limits on file facts, flash detection, log parsing, ASS read-back,
sync statistics, the report's exit code."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from reelforge.check.ass_cues import read_ass
from reelforge.check.captions import sync_check, sync_stats
from reelforge.check.container import FileFacts, container_checks
from reelforge.check.model import CheckReport, CheckResult
from reelforge.check.picture import flash_events, picture_checks
from reelforge.check.platforms import PLATFORMS, platform_spec
from reelforge.check.scan import ScanResult, parse_intervals
from reelforge.errors import InvalidInputError

GOOD = FileFacts(path="v.mp4", kind="mp4", size_bytes=8_000_000, duration_sec=45.0, video_codec="h264", width=1080,
                 height=1920, fps=30.0, frames=1350, irregular_share=0.0, interval_range_ms=(33.33, 33.33),
                 video_bitrate=1_200_000, audio_codec="aac", audio_rate=48000, audio_channels=2, faststart=True)


def _status(facts: FileFacts, platform: str) -> dict[str, str]:
    return {r.id: r.status for r in container_checks(facts, platform_spec(platform))}


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_a_plain_h264_file_in_the_platforms_shape_passes(platform: str) -> None:
    facts = dataclasses.replace(GOOD, width=1920, height=1080) if platform == "youtube" else GOOD
    statuses = _status(facts, platform)
    assert set(statuses.values()) == {"pass"}, statuses


@pytest.mark.parametrize(("change", "platform", "check_id"), [
    ({"kind": "other:avi"}, "tiktok", "container"),
    ({"faststart": False}, "reels", "container"),
    ({"video_codec": "mpeg4"}, "reels", "codecs"),
    ({"audio_rate": 96000}, "reels", "codecs"),
    ({"width": 1440, "height": 1080}, "tiktok", "resolution"),
    ({"width": 1920, "height": 1080}, "shorts", "resolution"),
    ({"width": 2160, "height": 3840}, "reels", "resolution"),
    ({"width": 270, "height": 480}, "tiktok", "resolution"),
    ({"fps": 15.0}, "tiktok", "fps"),
    ({"irregular_share": 0.2, "interval_range_ms": (33.3, 66.7)}, "youtube", "fps"),
    ({"video_bitrate": 40_000_000}, "reels", "bitrate"),
    ({"duration_sec": 65.0}, "generic", "duration"),
    ({"duration_sec": 200.0}, "shorts", "duration"),
    ({"duration_sec": 2.0}, "tiktok", "duration"),
    ({"size_bytes": 400 * 1024**2}, "reels", "fileSize"),
])
def test_each_limit_fails_its_own_check(change: dict[str, object], platform: str, check_id: str) -> None:
    statuses = _status(dataclasses.replace(GOOD, **change), platform)  # type: ignore[arg-type]
    assert statuses[check_id] == "fail", statuses
    assert [k for k, s in statuses.items() if s == "fail"] == [check_id]


def test_soft_limits_only_warn() -> None:
    assert _status(dataclasses.replace(GOOD, duration_sec=90.0), "shorts")["duration"] == "warn"
    assert _status(dataclasses.replace(GOOD, width=1080, height=1080), "reels")["resolution"] == "warn"
    assert _status(dataclasses.replace(GOOD, width=540, height=960), "tiktok")["resolution"] == "warn"
    assert _status(dataclasses.replace(GOOD, audio_codec=None), "tiktok")["codecs"] == "warn"


def test_unknown_platform_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError):
        platform_spec("myspace")


def _series(values: list[float], fps: float = 30.0) -> list[tuple[float, float]]:
    return [(i / fps, v) for i, v in enumerate(values)]


def test_flashing_at_5_hz_fails_and_a_scene_cut_or_fade_does_not() -> None:
    flashing = ([0.1] * 3 + [0.9] * 3) * 10  # 5 full flashes a second
    assert flash_events(_series(flashing))[0] >= 4
    scan = ScanResult(duration_sec=2.0, brightness=_series(flashing))
    assert picture_checks(scan, has_video=True)[2].status == "fail"
    cut = [0.2] * 30 + [0.8] * 30
    fade = [0.1 + 0.8 * i / 59 for i in range(60)]
    for series in (cut, fade):
        assert flash_events(_series(series))[0] == 0
        assert picture_checks(ScanResult(2.0, brightness=_series(series)), has_video=True)[2].status == "pass"


def test_a_single_white_frame_warns_as_a_flash_frame() -> None:
    series = [0.3] * 20 + [0.95] + [0.3] * 20
    result = picture_checks(ScanResult(2.0, brightness=_series(series)), has_video=True)[2]
    assert result.status == "warn" and result.details["flashFrames"] == [pytest.approx(20 / 30, abs=1e-3)]


def test_log_intervals_pair_in_order_and_an_open_one_runs_to_the_end() -> None:
    log = ("[silencedetect] silence_start: 1.5\n[silencedetect] silence_end: 3.25 | silence_duration: 1.75\n"
           "[silencedetect] silence_start: 9.0\n")
    got = parse_intervals(log, re.compile(r"silence_start:\s*([\d.]+)"), re.compile(r"silence_end:\s*([\d.]+)"), 12.0)
    assert got == [(1.5, 3.25), (9.0, 12.0)]


def test_black_and_freeze_are_reported_once() -> None:
    scan = ScanResult(duration_sec=6.0, black=[(1.0, 2.0)], freezes=[(1.0, 2.0), (3.0, 5.5)])
    black, frozen, _ = picture_checks(scan, has_video=True)
    assert black.status == "fail" and frozen.status == "fail" and frozen.details["spans"] == [[3.0, 5.5]]
    only_black = picture_checks(ScanResult(6.0, black=[(1.0, 2.0)], freezes=[(1.0, 2.0)]), has_video=True)
    assert only_black[1].status == "pass"


ASS = """[Script Info]
PlayResX: 1080
PlayResY: 1920

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 1,0:00:00.20,0:00:00.46,Caption,,0,0,0,,{\\an2\\pos(490,1261)}{\\1c&H00D7FF&}three{\\1c&HFFFFFF&} tips
Dialogue: 1,0:00:00.46,0:00:00.70,Caption,,0,0,0,,{\\an2\\pos(490,1261)}three {\\1c&H00D7FF&}tips{\\1c&HFFFFFF&}
Dialogue: 1,0:00:00.70,0:00:01.20,Caption,,0,0,0,,{\\an2\\pos(490,1261)}{\\1c&H00D7FF&}for{\\1c&HFFFFFF&} sleep
Dialogue: 1,0:00:01.20,0:00:01.81,Caption,,0,0,0,,{\\an2\\pos(490,1261)}for {\\1c&H00D7FF&}sleep{\\1c&HFFFFFF&}
"""


def test_ass_read_back_gives_pages_and_highlighted_words(tmp_path: Path) -> None:
    path = tmp_path / "captions.ass"
    path.write_text(ASS, encoding="utf-8")
    cues = read_ass(path)
    assert cues.play_res == (1080, 1920) and cues.highlight
    assert [(p.text, p.start, p.end) for p in cues.pages] == [("three tips", 0.2, 0.7), ("for sleep", 0.7, 1.81)]
    assert [(w.text, w.start) for w in cues.words] == [("three", 0.2), ("tips", 0.46), ("for", 0.7), ("sleep", 1.2)]

    heard = [("three", 0.25, 0.4), ("tips", 0.5, 0.65), ("for", 0.72, 0.9), ("sleep", 1.25, 1.6)]
    stats = sync_stats(cues, heard)
    assert stats is not None and stats.matched == 4 and stats.median == pytest.approx(-0.04, abs=0.02)
    assert sync_check(stats).status == "pass"
    late = sync_stats(cues, [(w, s - 0.8, e - 0.8) for w, s, e in heard])
    result = sync_check(late)
    assert result.status == "fail" and result.value == pytest.approx(0.76, abs=0.03) and "late" in result.fix
    unheard = sync_check(sync_stats(cues, [("three", 0.25, 0.4)]))
    assert unheard.status == "fail" and unheard.details["missingShare"] > 0.25


def test_report_exit_code_and_json() -> None:
    report = CheckReport(video="v.mp4", platform="tiktok", results=[
        CheckResult("a", "pass", "ok"), CheckResult("b", "warn", "hm", fix="do x"), CheckResult("c", "skip", "n/a")])
    assert report.status == "warn" and report.exit_code == 0
    report.results.append(CheckResult("d", "fail", "bad", fix="do y"))
    body = report.to_json()
    assert report.exit_code == 1 and body["failed"] == ["d"] and body["counts"]["fail"] == 1
    assert body["results"][3]["fix"] == "do y" and "fix" not in body["results"][0]


def test_cli_names_a_missing_or_unreadable_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.cli_helpers import run_json

    code, body = run_json(capsys, "check", str(tmp_path / "nope.mp4"))
    assert code == 3 and "nope.mp4" in body["error"]["message"]
    text = tmp_path / "notes.mp4"
    text.write_text("not a video", encoding="utf-8")
    code, body = run_json(capsys, "check", str(text))
    assert code == 4 and body["error"]["file"] == str(text)
    code, body = run_json(capsys, "check", str(tmp_path), "--platform", "tiktok")
    assert code == 3 and "manifest.json" in body["error"]["message"]
    code, _ = run_json(capsys, "check", str(text), "--platform", "vine")
    assert code == 4


def test_a_run_made_with_voice_none_is_not_faulted_for_its_silence(tmp_path: Path) -> None:
    from reelforge.check.runner import CheckTarget, _intended_silence, _narration_is_silent

    (tmp_path / "timing.json").write_text('{"audio": "", "voice": null, "segments": []}')
    assert _narration_is_silent(tmp_path)
    (tmp_path / "timing.json").write_text('{"audio": "audio/narration.wav", "voice": "joe", "segments": []}')
    assert not _narration_is_silent(tmp_path)
    results = [CheckResult("loudness", "fail", "-70.0 LUFS", value=-70.0),
               CheckResult("deadAir", "fail", "1 silent stretch", value=5.0),
               CheckResult("truePeak", "pass", "-20 dBTP", value=-20.0)]
    silent = CheckTarget(video=tmp_path / "v.mp4", run_dir=tmp_path, captions=None, fonts_dir=None, locale="ko",
                         silent_by_choice=True)
    statuses = {r.id: r.status for r in _intended_silence(results, silent)}
    assert statuses == {"loudness": "skip", "deadAir": "skip", "truePeak": "pass"}
    spoken = CheckTarget(video=tmp_path / "v.mp4", run_dir=tmp_path, captions=None, fonts_dir=None, locale="en")
    assert [r.status for r in _intended_silence(results, spoken)] == ["fail", "fail", "pass"]
