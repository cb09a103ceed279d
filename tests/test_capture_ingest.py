from __future__ import annotations

import subprocess
from pathlib import Path

import av
import imageio_ffmpeg
import pytest

from reelforge.capture.ingest import ingest_file
from reelforge.errors import (
    EXIT_INVALID_INPUT,
    EXIT_NOT_FOUND,
    EXIT_SAFETY,
    CaptureRequiredError,
    InvalidInputError,
    NotFoundError,
    SafetyError,
)
from reelforge.workspace.hashing import sha256_file


def make_clip(path: Path, args: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args, str(path)],
                   check=True, stdin=subprocess.DEVNULL)
    return path


def h264_mp4(path: Path, seconds: float = 2.0) -> Path:
    return make_clip(path, ["-f", "lavfi", "-i", f"testsrc=size=320x240:rate=30:duration={seconds}",
                            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast"])


@pytest.fixture
def run_dir(workspace: Path) -> Path:
    path = workspace / "videos" / "run1"
    path.mkdir(parents=True)
    return path


def test_h264_mp4_is_copied_byte_for_byte_and_hashed(workspace: Path, run_dir: Path) -> None:
    source = h264_mp4(workspace / "recordings" / "demo.mp4")
    asset = ingest_file(Path("recordings/demo.mp4"), run_dir, workspace)
    assert asset.path == run_dir / "capture.mp4"
    assert asset.sha256 == sha256_file(source) == sha256_file(asset.path)
    assert asset.params["transcoded"] is False and asset.params["source"] == "recordings/demo.mp4"
    assert (asset.provider, asset.nondeterministic, asset.url_masked) == ("file", False, None)
    assert abs(asset.duration_sec - 2.0) < 0.05 and (asset.width, asset.height) == (320, 240)


def test_other_codecs_are_transcoded_to_h264_yuv420p_30fps(workspace: Path, run_dir: Path) -> None:
    make_clip(workspace / "rec.webm", ["-f", "lavfi", "-i", "testsrc=size=322x242:rate=24:duration=1.5",
                                       "-c:v", "libvpx-vp9", "-deadline", "realtime"])
    asset = ingest_file(workspace / "rec.webm", run_dir, workspace)
    assert asset.params["transcoded"] is True and asset.params["sourceCodec"] == "vp9"
    with av.open(str(asset.path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert float(stream.average_rate) == 30.0
        assert (stream.codec_context.width, stream.codec_context.height) == (322, 242)
    assert abs(asset.duration_sec - 1.5) < 0.1


@pytest.mark.parametrize(("name", "content"), [("fake.mp4", b"this is not a video\n"), ("empty.mp4", b"")])
def test_files_that_are_not_video_are_refused(workspace: Path, run_dir: Path, name: str, content: bytes) -> None:
    (workspace / name).write_bytes(content)
    with pytest.raises(InvalidInputError) as info:
        ingest_file(Path(name), run_dir, workspace)
    assert info.value.exit_code == EXIT_INVALID_INPUT
    assert name in info.value.message and info.value.hint
    assert not (run_dir / "capture.mp4").exists()


def test_audio_only_file_is_refused(workspace: Path, run_dir: Path) -> None:
    make_clip(workspace / "voice.mp4", ["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac"])
    with pytest.raises(InvalidInputError, match="audio-only") as info:
        ingest_file(Path("voice.mp4"), run_dir, workspace)
    assert info.value.exit_code == EXIT_INVALID_INPUT


def test_outside_the_workspace_needs_consent(workspace: Path, run_dir: Path, tmp_path: Path) -> None:
    outside = h264_mp4(tmp_path / "elsewhere" / "demo.mp4", seconds=1.0)
    with pytest.raises(SafetyError) as info:
        ingest_file(outside, run_dir, workspace)
    assert info.value.exit_code == EXIT_SAFETY
    assert "--allow-external-input" in info.value.hint
    asset = ingest_file(outside, run_dir, workspace, allow_external_input=True)
    assert asset.params["source"] == str(outside) and asset.sha256 == sha256_file(outside)


def test_symlink_escaping_the_workspace_is_refused(workspace: Path, run_dir: Path, tmp_path: Path) -> None:
    outside = h264_mp4(tmp_path / "elsewhere" / "demo.mp4", seconds=1.0)
    (workspace / "link.mp4").symlink_to(outside)
    with pytest.raises(SafetyError):
        ingest_file(Path("link.mp4"), run_dir, workspace)


def test_missing_file_and_directory_are_not_found(workspace: Path, run_dir: Path) -> None:
    with pytest.raises(NotFoundError) as info:
        ingest_file(Path("nope.mp4"), run_dir, workspace)
    assert info.value.exit_code == EXIT_NOT_FOUND and "nope.mp4" in info.value.message
    (workspace / "adir").mkdir()
    with pytest.raises(NotFoundError, match="not a regular file"):
        ingest_file(Path("adir"), run_dir, workspace)


def test_no_capture_gives_the_guided_protocol(workspace: Path, run_dir: Path) -> None:
    with pytest.raises(CaptureRequiredError) as info:
        ingest_file(None, run_dir, workspace, brief="how to export a report")
    error = info.value
    assert error.exit_code == EXIT_NOT_FOUND
    assert ("reelforge video generate 'how to export a report' --mode demo --source file --capture "
            "recordings/demo.mp4") in error.message
    assert "never types credentials" in error.message
