from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reelforge.compose.contact_sheet import make_contact_sheet
from reelforge.compose.runner import render, verify_files
from reelforge.errors import HashMismatchError, NotFoundError
from reelforge.media.probe import probe
from reelforge.models.render_spec import RenderSpec
from tests.fakes.tiny_run import make_tiny_run


@pytest.mark.slow
def test_tiny_render_is_exact_and_byte_identical_on_rerender(tmp_path: Path) -> None:
    spec = make_tiny_run(tmp_path, with_clip=True)
    seen: list[float] = []
    first = render(spec, tmp_path, progress=seen.append)
    info = probe(first.output, count_frames=True)
    assert info.video is not None and info.audio is not None
    assert info.video.frames == spec.duration_in_frames == first.frames == 180
    assert (info.video.codec, info.video.profile, info.video.pix_fmt) == ("h264", "High", "yuv420p")
    assert (info.video.width, info.video.height, info.video.fps) == (180, 320, 30.0)
    assert (info.audio.codec, info.audio.sample_rate, info.audio.channels) == ("aac", 48000, 2)
    assert info.duration_sec is not None and abs(info.duration_sec - 6.0) < 1 / 30
    assert seen and seen[-1] == 1.0 and all(0 <= p <= 1 for p in seen)
    assert first.integrated_lufs is not None and abs(first.integrated_lufs + 14) < 1.0
    assert first.true_peak_db is not None and first.true_peak_db <= -0.9
    assert not list(tmp_path.glob(".*partial"))  # no temp left behind

    second = render(spec, tmp_path)
    assert second.sha256 == first.sha256  # byte-identical re-render

    sheet = make_contact_sheet(first.output, spec, tmp_path)
    from PIL import Image

    with Image.open(sheet) as img:
        assert img.width > 3 * 90 and img.height > 160


@pytest.mark.slow
def test_silent_render_has_a_silent_stereo_track(tmp_path: Path) -> None:
    spec = make_tiny_run(tmp_path, narration=False, music=False, scene_frames=20,
                         transitions=[{"kind": "slide", "durationFrames": 6, "direction": "up"},
                                      {"kind": "fade", "durationFrames": 4}, {"kind": "cut"}])
    result = render(spec, tmp_path, measure=False)
    info = probe(result.output, count_frames=True)
    assert info.video is not None and info.video.frames == 60
    assert info.audio is not None and (info.audio.sample_rate, info.audio.channels) == (48000, 2)


def test_hash_mismatch_is_refused_before_rendering(tmp_path: Path) -> None:
    spec = make_tiny_run(tmp_path, music=False, scene_frames=10,
                         transitions=[{"kind": "cut"}, {"kind": "cut"}, {"kind": "cut"}])
    with (tmp_path / "captions.ass").open("a", encoding="utf-8") as fh:
        fh.write("Comment: edited by hand\n")
    with pytest.raises(HashMismatchError, match=r"captions\.ass") as err:
        render(spec, tmp_path)
    assert err.value.exit_code == 4
    assert not (tmp_path / spec.output).exists()


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    spec = make_tiny_run(tmp_path, music=False, scene_frames=10,
                         transitions=[{"kind": "cut"}, {"kind": "cut"}, {"kind": "cut"}])
    (tmp_path / "fonts/Roboto-Black.ttf").unlink()
    with pytest.raises(NotFoundError, match=r"Roboto-Black\.ttf"):
        verify_files(spec, tmp_path)


@pytest.mark.slow
def test_sigterm_stops_ffmpeg_and_leaves_no_output(tmp_path: Path) -> None:
    spec = make_tiny_run(tmp_path, width=720, height=1280, scene_frames=300, music=False)
    (tmp_path / "render-spec.json").write_text(json.dumps(spec.to_json_dict()), encoding="utf-8")
    code = ("import sys; from pathlib import Path; from reelforge.compose.runner import render;"
            "from reelforge.models.render_spec import RenderSpec;"
            "from reelforge.errors import InterruptedRunError\n"
            "run = Path(sys.argv[1]); spec = RenderSpec.model_validate_json((run / 'render-spec.json').read_text())\n"
            "try:\n    render(spec, run, progress=lambda p: print('p', p, flush=True))\n"
            "except InterruptedRunError as e:\n    print('interrupted', e.exit_code, flush=True); sys.exit(130)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    started = threading.Event()

    def watch() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("p "):
                started.set()
                break

    threading.Thread(target=watch, daemon=True).start()
    assert started.wait(120), "render never reported progress"
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGTERM)
    assert proc.wait(30) == 130
    assert not (tmp_path / spec.output).exists()
    assert not list(tmp_path.glob(".*partial"))
    assert not list(tmp_path.glob(".render-*"))  # segment files are removed with their directory


def test_spec_files_are_all_hashed(tmp_path: Path) -> None:
    spec = make_tiny_run(tmp_path, scene_frames=10, transitions=[{"kind": "cut"}] * 3)
    assert isinstance(spec, RenderSpec)
    verify_files(spec, tmp_path)  # a fresh run verifies
    assert {Path(f.src).name for f in spec.files()} >= {"captions.ass", "Roboto-Black.ttf", "narration.wav"}


def _render_on(cpus: set[int], run: Path, threads: int) -> str:
    """sha256 of ``run``'s render with ``threads`` x264 threads, in a process that may use only ``cpus``."""
    code = ("import sys; from pathlib import Path; from reelforge.compose.runner import render; "
            "from reelforge.models.render_spec import RenderSpec; run = Path(sys.argv[1]); "
            "spec = RenderSpec.model_validate_json((run / 'render-spec.json').read_text()); "
            "enc = spec.encoder.model_copy(update={'threads': int(sys.argv[2])}); "
            "spec = spec.model_copy(update={'encoder': enc}); "
            "print(render(spec, run, measure=False).sha256)")
    proc = subprocess.run([sys.executable, "-c", code, str(run), str(threads)], capture_output=True, text=True,
                          check=True, preexec_fn=lambda: os.sched_setaffinity(0, cpus))
    return proc.stdout.strip()


@pytest.mark.slow
@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs to compare against one")
def test_the_same_bytes_on_one_cpu_and_on_two(tmp_path: Path) -> None:
    spec = make_tiny_run(tmp_path)
    (tmp_path / "render-spec.json").write_text(spec.model_dump_json(by_alias=True))
    one, two = {min(os.sched_getaffinity(0))}, set(sorted(os.sched_getaffinity(0))[:2])
    assert _render_on(one, tmp_path, 2) == _render_on(two, tmp_path, 2)  # what `video generate` writes
    # why it is pinned: x264's auto thread count follows the CPUs, and the slices with it
    assert _render_on(one, tmp_path, 0) != _render_on(two, tmp_path, 0)
