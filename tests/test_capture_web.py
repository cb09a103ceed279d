"""Web capture against a real Chromium and a fake multi-page site on 127.0.0.1."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pytest

from reelforge.capture.browser import find_chromium, playwright_missing_reason
from reelforge.capture.options import WebCaptureOptions, parse_stop
from reelforge.capture.web import capture_web
from reelforge.errors import EXIT_NOT_FOUND, CaptureRequiredError
from reelforge.models.common import load_document
from reelforge.models.manifest import Manifest
from reelforge.models.script import Script
from reelforge.pipeline.demo import DemoRequest, run_demo
from reelforge.pipeline.progress import StderrReporter
from reelforge.pipeline.recorder import RunRecorder
from reelforge.workspace.paths import Workspace
from tests.fakes.demo_site import COLOURS, serve_demo_site

TOKEN_PATH = "AbC123dEf456GhI789jKl0Mn"
TOKEN_QUERY = "SeCrEtQuErYtOkEn4242"
SECRETS = (TOKEN_PATH, TOKEN_QUERY)

needs_browser = pytest.mark.skipif(find_chromium() is None or playwright_missing_reason() is not None,
                                   reason="needs Chromium (apt-get install chromium) and playwright (pip)")


def _script() -> Script:
    return Script.model_validate({
        "schemaVersion": "1.0", "mode": "demo", "aspect": "16:9", "locale": "en", "title": "Export a Report",
        "scenes": [{"id": "s1", "durationSec": 6, "narration": "Open the report and export it."}]})


@dataclass
class WebRun:
    run_dir: Path
    manifest: Manifest
    video: Path | None
    output: bytes
    logs: str
    masked: str



@contextmanager
def captured_output() -> Iterator[tuple[list[bytes], list[str]]]:
    """Everything written to fd 1 and 2 (this process and its children) and every log record."""
    out: list[bytes] = []
    logs: list[str] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda record: logs.append(record.getMessage())  # type: ignore[method-assign]
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            yield out, logs
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            root.removeHandler(handler)
            root.setLevel(old_level)
            sink.seek(0)
            out.append(sink.read())


@pytest.fixture(scope="module")
def web_run(tmp_path_factory: pytest.TempPathFactory) -> WebRun:
    """One recording of the demo site (mobile viewport, duration:6) through run_demo, output captured."""
    if find_chromium() is None or playwright_missing_reason() is not None:
        pytest.skip("needs Chromium (apt-get install chromium) and playwright (pip)")
    root = tmp_path_factory.mktemp("webws")
    run_dir = root / "videos" / "run-web"
    run_dir.mkdir(parents=True)
    recorder = RunRecorder(run_dir, run_id="run-web", mode="demo", seed=1)
    with serve_demo_site() as base, captured_output() as (out, logs):
        url = f"{base}/s/{TOKEN_PATH}/start?token={TOKEN_QUERY}&x=1#frag-{TOKEN_QUERY}"
        request = DemoRequest(source="web", url=url, capture_stop="duration:6", device="mobile", brief="export")
        with open(2, "w", closefd=False) as stderr:
            result = run_demo(request, _script(), run_dir, Workspace.at(root), recorder, StderrReporter(stderr))
            recorder.succeed()
            stderr.write(f"{request!r} {recorder.manifest.capture_url_masked}\n")  # what a careless caller prints
    manifest = load_document(Manifest, run_dir / "manifest.json", document="manifest.json")
    return WebRun(run_dir=run_dir, manifest=manifest, video=result.video, output=b"".join(out),
                  logs="\n".join(logs), masked=recorder.manifest.capture_url_masked or "")


def _colour_runs(path: Path, step_sec: float = 0.1) -> list[str]:
    """The sequence of page colours seen at the centre of the frame, sampled every step_sec."""
    names = list(COLOURS)
    palette = np.array([COLOURS[n] for n in names], dtype=float)
    seen: list[str] = []
    next_t = 0.0
    with av.open(str(path)) as container:
        for frame in container.decode(container.streams.video[0]):
            if frame.time is None or frame.time + 1e-6 < next_t:
                continue
            next_t += step_sec
            rgb = frame.to_ndarray(format="rgb24")
            pixel = rgb[rgb.shape[0] // 2, rgb.shape[1] // 2].astype(float)
            distances = np.linalg.norm(palette - pixel, axis=1)
            if distances.min() < 40:
                seen.append(names[int(distances.argmin())])
    runs: list[list[object]] = []
    for name in seen:
        if runs and runs[-1][0] == name:
            runs[-1][1] += 1  # type: ignore[operator]
        else:
            runs.append([name, 1])
    return [str(name) for name, count in runs if count >= 3]  # ignore one-sample blips at the cuts


@pytest.mark.slow
@needs_browser
def test_pages_popup_and_redirect_are_recorded_in_order(web_run: WebRun) -> None:
    capture = web_run.run_dir / "capture.mp4"
    assert _colour_runs(capture) == ["red", "blue", "green"]
    with av.open(str(capture)) as container:
        stream = container.streams.video[0]
        duration = float(stream.duration * stream.time_base)
        assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
        assert float(stream.average_rate) == 30.0
        assert (stream.codec_context.width, stream.codec_context.height) == (390, 844)
    assert abs(duration - 6.0) <= 0.5, duration
    stage = next(s for s in web_run.manifest.stages if s.stage == "capture")
    assert stage.params["pagesRecorded"] == 2 and stage.params["pagesShown"] == [1, 2]
    assert stage.params["headless"] is True and stage.params["stop"] == "duration:6"


@pytest.mark.slow
@needs_browser
def test_manifest_records_a_nondeterministic_web_capture_and_raw_output(web_run: WebRun) -> None:
    m = web_run.manifest
    assert m.nondeterministic is True
    assert m.providers["capture"] == "playwright-web" and m.providers["compositor"] == "raw-capture"
    assert m.capture_url_masked and m.capture_url_masked.endswith("/s/<redacted>/start?<redacted>#<redacted>")
    assert web_run.video is not None and web_run.video.name == "demo-390x844-export-a-report.mp4"
    capture_asset = next(a for a in m.assets if a.path == "capture.mp4")
    assert m.outputs.sha256 == capture_asset.sha256 and m.outputs.video == web_run.video.name
    assert not (web_run.run_dir / ".capture-work").exists()


@pytest.mark.slow
@needs_browser
def test_planted_secrets_appear_in_no_file_and_no_output(web_run: WebRun) -> None:
    files = [p for p in web_run.run_dir.rglob("*") if p.is_file()]
    assert {"manifest.json", "capture.mp4", "demo-390x844-export-a-report.mp4"} <= {p.name for p in files}
    for path in files:
        data = path.read_bytes()
        for secret in SECRETS:
            assert secret.encode() not in data, f"{secret} leaked into {path.name}"
    assert web_run.masked.encode() in web_run.output  # the capture did print through the captured fds
    for secret in SECRETS:
        assert secret.encode() not in web_run.output
        assert secret not in web_run.logs
    assert "page 1 opened" in web_run.logs


@pytest.mark.slow
@needs_browser
def test_selector_stop_ends_when_the_popup_shows(tmp_path: Path) -> None:
    with serve_demo_site() as base:
        options = WebCaptureOptions(url=f"{base}/start", stop=parse_stop("selector:#green"), viewport=(320, 180))
        asset = capture_web(options, tmp_path)
    assert asset.params["stoppedBy"] == "selector" and asset.params["pagesRecorded"] == 2
    assert 2.0 <= asset.duration_sec <= 5.0  # the popup opens about 3 s after load


def test_no_tty_and_no_stop_gives_the_guided_protocol_fast(tmp_path: Path) -> None:
    recorder = RunRecorder(tmp_path, run_id="r", mode="demo", seed=1)
    request = DemoRequest(source="web", url="https://app.test/x?session=abcdef123456", brief="export a report")
    started = time.perf_counter()
    with open(os.devnull) as not_a_tty, pytest.raises(CaptureRequiredError) as info:
        run_demo(request, _script(), tmp_path, Workspace.at(tmp_path), recorder, stdin=not_a_tty)
    elapsed = time.perf_counter() - started
    assert elapsed < 5.0
    error = info.value
    assert error.exit_code == EXIT_NOT_FOUND
    assert "not an interactive terminal" in error.message
    assert "--source file --capture recordings/demo.mp4" in error.message
    assert "--capture-stop duration:" in error.message
    assert "abcdef123456" not in error.message and "https://app.test/x?<redacted>" in error.message
    assert recorder.manifest.providers["capture"] == "guided"
    assert recorder.manifest.stages[-1].path_taken == "fallback"


def test_guided_fallback_in_a_real_process_without_a_tty(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from reelforge.capture import WebCaptureOptions, capture_web\n"
        "from reelforge.errors import ReelforgeError\n"
        "try:\n"
        "    capture_web(WebCaptureOptions(url='https://app.test/'), Path(sys.argv[1]))\n"
        "except ReelforgeError as e:\n"
        "    print(e.message, file=sys.stderr); sys.exit(e.exit_code)\n"
    )
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=30)
    elapsed = time.perf_counter() - started
    assert proc.returncode == EXIT_NOT_FOUND, proc.stderr
    assert "demo mode needs footage" in proc.stderr
    assert elapsed < 5.0


def test_no_browser_gives_the_guided_protocol(tmp_path: Path) -> None:
    options = WebCaptureOptions(url="https://app.test/", stop=parse_stop("duration:3"),
                                browser_path=str(tmp_path / "no-chromium"))
    started = time.perf_counter()
    with pytest.raises(CaptureRequiredError, match="no Chromium browser was found"):
        capture_web(options, tmp_path)
    assert time.perf_counter() - started < 5.0
