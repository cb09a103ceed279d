"""--polish renders narration, captions and zooms over the footage without hiding it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import av
import imageio_ffmpeg
import numpy as np
import pytest

from tests.cli_helpers import run_json

pytestmark = pytest.mark.slow


def test_polish_keeps_the_footage_visible_and_rerenders_identically(capsys: pytest.CaptureFixture[str],
                                                                     workspace: Path) -> None:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=1280x720:rate=30:duration=8", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                    "rec.mp4"], check=True, cwd=workspace)
    code, out = run_json(capsys, "video", "generate", "Open the dashboard. Click the report button.",
                         "--mode", "demo", "--capture", "rec.mp4", "--polish", "--zoom", "3:0.7,0.3")
    assert code == 0, out
    run_dir = Path(out["runDir"])
    spec = json.loads((run_dir / "render-spec.json").read_text())
    assert spec["composition"] == "Demo"
    assert any(s["visual"].get("kenBurns") for s in spec["scenes"]), "the --zoom point became a zoom"
    assert (run_dir / "contact-sheet.png").is_file()
    with av.open(out["video"]) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == spec["durationInFrames"] >= 8 * 30
    # testsrc2 is colourful and moving; a covering fill would be flat and still
    middle = frames[len(frames) // 2][200:800, 300:1600].astype(np.int16)
    assert middle.std() > 40
    assert np.abs(frames[10].astype(np.int16) - frames[40].astype(np.int16)).mean() > 5
    code, again = run_json(capsys, "video", "render", str(run_dir))
    assert code == 0 and again["identicalToRecorded"] is True
