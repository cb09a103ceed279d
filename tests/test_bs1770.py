"""media/bs1770.py against ffmpeg's own ebur128 filter, and the pipe that feeds it (compose/loudness.py)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from reelforge.compose.ffmpeg_args import PCM_OUT
from reelforge.compose.loudness import measure_output, pcm_loudness
from reelforge.compose.processes import ProcessGroup
from reelforge.errors import RenderError
from reelforge.media.bs1770 import RATE, LoudnessMeter, integrated_lufs

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def _signals() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    t = np.arange(12 * RATE) / RATE
    speechy = 0.05 * np.sin(2 * np.pi * 220 * t) * (np.sin(2 * np.pi * 0.7 * t) > -0.3)  # gaps for the gate
    speechy[:: RATE // 5] += 0.6
    low_high = np.stack([0.2 * np.sin(2 * np.pi * 40 * t), 0.05 * rng.standard_normal(t.size)], axis=1)
    return {"dual-mono speech-like": np.stack([speechy, speechy], axis=1),
            "different channels": low_high,
            "quiet noise with a silent half": np.where(t[:, None] < 6, 0.003 * rng.standard_normal((t.size, 2)), 0)}


def _ebur128(samples: np.ndarray) -> float:
    proc = subprocess.run([FFMPEG, "-hide_banner", "-nostdin", "-nostats", "-f", "f32le", "-ar", str(RATE),
                           "-ac", "2", "-i", "pipe:0", "-af", "ebur128=framelog=quiet", "-f", "null", "-"],
                          input=samples.astype(np.float32).tobytes(), capture_output=True, check=True)
    summary = proc.stderr.decode()[proc.stderr.decode().rfind("Summary:"):]
    return float(re.search(r"I:\s*(-?[\d.]+) LUFS", summary).group(1))  # type: ignore[union-attr]


@pytest.mark.parametrize("name", list(_signals()))
def test_agrees_with_ffmpegs_ebur128(name: str) -> None:
    samples = _signals()[name]
    # ebur128 prints one decimal: within its rounding and 0.05 LU
    assert integrated_lufs(samples) == pytest.approx(_ebur128(samples), abs=0.1)


def test_any_chunking_reads_the_same_number() -> None:
    samples = _signals()["different channels"]
    whole = integrated_lufs(samples)
    meter = LoudnessMeter()
    for start in range(0, samples.shape[0], 12_345):
        meter.feed(samples[start:start + 12_345])
    assert meter.integrated() == whole


def test_silence_and_a_too_short_clip_read_minus_infinity() -> None:
    assert integrated_lufs(np.zeros((RATE, 2))) == float("-inf")
    assert integrated_lufs(0.5 * np.ones((RATE // 4, 2))) == float("-inf")  # shorter than one 400 ms block
    with pytest.raises(ValueError, match="48000"):
        integrated_lufs(np.zeros((RATE, 2)), rate=44100)


def test_the_pipe_meters_what_ffmpeg_writes(tmp_path: Path) -> None:
    samples = _signals()["dual-mono speech-like"]
    raw = tmp_path / "in.f32"
    raw.write_bytes(samples.astype(np.float32).tobytes())
    argv = [FFMPEG, "-hide_banner", "-nostdin", "-f", "f32le", "-ar", str(RATE), "-ac", "2", "-i", str(raw),
            "-f", "f32le", "-ar", "48000", "-ac", "2", PCM_OUT]
    assert pcm_loudness(ProcessGroup(), argv, "test pass") == integrated_lufs(samples.astype(np.float32))


def test_a_failing_pass_names_itself_and_leaks_no_descriptor(tmp_path: Path) -> None:
    before = len(list(Path("/proc/self/fd").iterdir()))
    argv = [FFMPEG, "-hide_banner", "-nostdin", "-i", str(tmp_path / "missing.wav"),
            "-f", "f32le", "-ar", "48000", "-ac", "2", PCM_OUT]
    with pytest.raises(RenderError, match="test pass"):
        pcm_loudness(ProcessGroup(), argv, "test pass")
    assert len(list(Path("/proc/self/fd").iterdir())) == before


def test_an_encoded_files_loudness_and_true_peak_agree_with_ebur128(tmp_path: Path) -> None:
    samples = _signals()["different channels"]
    raw, encoded = tmp_path / "in.f32", tmp_path / "a.mp4"
    raw.write_bytes((samples * 3).astype(np.float32).tobytes())  # 40 Hz at 0.6: inter-sample peaks after AAC
    subprocess.run([FFMPEG, "-hide_banner", "-nostdin", "-f", "f32le", "-ar", str(RATE), "-ac", "2", "-i", str(raw),
                    "-c:a", "aac", "-b:a", "160k", str(encoded)], capture_output=True, check=True)
    proc = subprocess.run([FFMPEG, "-hide_banner", "-nostdin", "-nostats", "-i", str(encoded),
                           "-af", "ebur128=peak=true", "-f", "null", "-"], capture_output=True, text=True, check=True)
    summary = proc.stderr[proc.stderr.rfind("Summary:"):]
    lufs = float(re.search(r"I:\s*(-?[\d.]+) LUFS", summary).group(1))  # type: ignore[union-attr]
    peak = float(re.search(r"True peak:\s*Peak:\s*(-?[\d.]+)", summary).group(1))  # type: ignore[union-attr]
    measured = measure_output(encoded, FFMPEG)
    assert measured.integrated_lufs == pytest.approx(lufs, abs=0.1)
    assert measured.true_peak_db == pytest.approx(peak, abs=0.15)


@pytest.mark.skipif(not hasattr(__import__("fcntl"), "F_GETPIPE_SZ"), reason="Linux pipes only")
def test_frame_and_pcm_pipes_are_wide() -> None:
    import fcntl
    import os

    from reelforge.compose.processes import PIPE_BYTES, wide_pipe

    read_fd, write_fd = wide_pipe()
    try:
        limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
        assert fcntl.fcntl(write_fd, fcntl.F_GETPIPE_SZ) == min(PIPE_BYTES, limit)  # not the 64 KiB default
    finally:
        os.close(read_fd)
        os.close(write_fd)
