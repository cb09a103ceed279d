"""Audio checks: loudness and true peak (from the scan's EBU R128 meter), dead air, clipping.

Clipping is counted on the decoded samples (PyAV): a sample at or above ``CLIP_LEVEL`` of full scale.
The same decode writes the 16 kHz mono wav the caption-sync check transcribes.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from reelforge.check.model import CheckResult
from reelforge.check.scan import SILENCE_DB, ScanResult

TARGET_LUFS = -14.0  # YouTube, TikTok and Instagram normalize playback to about -14 LUFS (docs/platforms.md)
LOUDNESS_WARN_LU = 2.0
LOUDNESS_FAIL_LU = 5.0
TRUE_PEAK_WARN = -1.0
TRUE_PEAK_FAIL = 0.0
CLIP_LEVEL = 0.999
CLIP_FAIL_SHARE = 1e-4
DEAD_AIR_WARN_SEC = 1.0
DEAD_AIR_FAIL_SEC = 2.0


@dataclass(frozen=True)
class DecodedAudio:
    sample_rate: int
    samples: int
    clipped: int
    peak: float


def decode_audio(video: Path, wav16k: Path | None) -> DecodedAudio | None:
    """Decode the first audio stream: clipping counts at the native rate, and optionally a 16 kHz mono wav."""
    with av.open(str(video)) as container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        resampler = av.AudioResampler(format="s16", layout="mono", rate=16000) if wav16k else None
        chunks: list[np.ndarray] = []
        samples = clipped = 0
        peak = 0.0
        for frame in container.decode(stream):
            data = frame.to_ndarray().astype(np.float32, copy=False)
            if frame.format.name.startswith(("s16",)):
                data = data / 32768.0
            elif frame.format.name.startswith("s32"):
                data = data / 2147483648.0
            magnitude = np.abs(data)
            samples += magnitude.size
            clipped += int(np.count_nonzero(magnitude >= CLIP_LEVEL))
            if magnitude.size:
                peak = max(peak, float(magnitude.max()))
            if resampler is not None:
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
        if resampler is not None:
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    if wav16k is not None:
        pcm = np.concatenate(chunks).astype("<i2") if chunks else np.zeros(0, dtype="<i2")
        with wave.open(str(wav16k), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            w.writeframes(pcm.tobytes())
    return DecodedAudio(sample_rate=rate, samples=samples, clipped=clipped, peak=peak)


def audio_checks(scan: ScanResult, decoded: DecodedAudio | None) -> list[CheckResult]:
    if decoded is None:
        skip = "no audio track"
        return [CheckResult(i, "skip", skip) for i in ("loudness", "truePeak", "deadAir", "clipping")]
    return [_loudness(scan), _true_peak(scan), _dead_air(scan), _clipping(decoded)]


def _loudness(scan: ScanResult) -> CheckResult:
    lufs = scan.integrated_lufs
    if lufs is None:
        return CheckResult("loudness", "fail", "the sound track is silent", fix="check the narration and music")
    off = lufs - TARGET_LUFS
    status = "fail" if abs(off) > LOUDNESS_FAIL_LU else "warn" if abs(off) > LOUDNESS_WARN_LU else "pass"
    word = "loud" if off > 0 else "quiet"
    fix = (f"normalize to {TARGET_LUFS:g} LUFS (the render does this; for another file: "
           f"ffmpeg -af loudnorm=I={TARGET_LUFS:g}:TP=-1.5)")
    message = f"{lufs:.1f} LUFS integrated" + (f", {abs(off):.1f} LU too {word}" if status != "pass" else "")
    return CheckResult("loudness", status, message, fix=fix, value=lufs, limit=TARGET_LUFS)


def _true_peak(scan: ScanResult) -> CheckResult:
    tp = scan.true_peak_db
    if tp is None:
        return CheckResult("truePeak", "skip", "silent")
    status = "fail" if tp > TRUE_PEAK_FAIL else "warn" if tp > TRUE_PEAK_WARN else "pass"
    return CheckResult("truePeak", status, f"{tp:.1f} dBTP", value=tp, limit=TRUE_PEAK_WARN,
                       fix="limit peaks to -1 dBTP: lossy re-encoding by the platform will distort above that")


def _dead_air(scan: ScanResult) -> CheckResult:
    """Silences (below -40 dBFS) inside the video; a tail after the last word counts too (viewers swipe)."""
    gaps = [(round(a, 2), round(b, 2)) for a, b in scan.silences if b - a >= DEAD_AIR_WARN_SEC]
    longest = max((b - a for a, b in gaps), default=0.0)
    details = {"gaps": [list(g) for g in gaps], "thresholdDb": SILENCE_DB}
    if not gaps:
        return CheckResult("deadAir", "pass", f"no silence of {DEAD_AIR_WARN_SEC:g} s or more", value=0.0,
                           details=details)
    status = "fail" if longest >= DEAD_AIR_FAIL_SEC else "warn"
    where = ", ".join(f"{a:.1f}-{b:.1f} s" for a, b in gaps[:5])
    return CheckResult("deadAir", status, f"{len(gaps)} silent stretch(es), longest {longest:.1f} s: {where}",
                       value=round(longest, 2), limit=DEAD_AIR_FAIL_SEC, details=details,
                       fix="tighten the script or scene durations, or add a music bed (--music)")


def _clipping(decoded: DecodedAudio) -> CheckResult:
    share = decoded.clipped / max(decoded.samples, 1)
    details = {"clippedSamples": decoded.clipped, "samples": decoded.samples, "peak": round(decoded.peak, 4)}
    if decoded.clipped == 0:
        return CheckResult("clipping", "pass", f"no samples at full scale (peak {decoded.peak:.3f})", value=0,
                           details=details)
    status = "fail" if share > CLIP_FAIL_SHARE else "warn"
    return CheckResult("clipping", status, f"{decoded.clipped} samples ({share:.4%}) at full scale", value=share,
                       limit=CLIP_FAIL_SHARE, details=details, fix="lower the gain before the mix; re-render")
