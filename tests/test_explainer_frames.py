"""Explainer frames: each kind renders at 1920x1080 and 1080x1920, byte-identical, content inside the margins."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from reelforge.errors import InvalidInputError, SafetyError
from reelforge.explainer import frame_margins, render_scene_visual
from reelforge.explainer.frames.canvas import background, geometry
from reelforge.explainer.frames.code import highlighted_lines
from reelforge.models.script import Scene, SceneVisual
from tests.test_explainer_draft import make_workspace

SIZES = [(1920, 1080), (1080, 1920)]
LONG = "An extremely long bullet that keeps going " * 12


def scenes() -> dict[str, Scene]:
    def scene(kind: str, ref: str, texts: list[str], narration: str = "Square has an area.") -> Scene:
        return Scene(id=f"s-{kind}", durationSec=4, narration=narration, onScreenText=texts,
                     visual=SceneVisual(kind=kind, ref=ref))  # type: ignore[arg-type]

    return {
        "slide": scene("slide", "README.md#usage", ["Usage with a fairly long title that must wrap somewhere",
                                                    "Call `convert()` with a [path](https://x.example.org).",
                                                    "## Formats", "- Reads SRT and VTT.", LONG, LONG, LONG]),
        "title": scene("slide", "README.md", ["Tinytool", "Tinytool converts subtitle files between formats."]),
        "code": scene("code", "tinypkg/shapes.py:6-14", ["tinypkg/shapes.py", "class Square"]),
        "readme-code": scene("code", "README.md:12-12", ["Installation"]),
        "diagram": scene("diagram", "tinypkg", ["tinypkg: module map"]),
        "focus": scene("diagram", "tinypkg/util.py", ["Who uses util"]),
        "sections": scene("diagram", "README.md", ["Tinytool"]),
        "chart": scene("chart", "data.csv:visitors", ["visitors", "visitors peaks at 260 in 2023."]),
    }


def content_box(path: Path, width: int, height: int, seed: int) -> tuple[int, int, int, int]:
    """Bounding box of every pixel that differs from the frame's plain background."""
    frame = np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)
    plain = np.asarray(background(geometry(width, height, seed)), dtype=np.int16)
    ys, xs = np.nonzero(np.abs(frame - plain).max(axis=2) > 8)
    assert len(xs), "the frame drew nothing"
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("name", list(scenes()))
def test_frame_size_margins_and_determinism(tmp_path: Path, name: str, width: int, height: int) -> None:
    ws = make_workspace(tmp_path / "ws")
    scene = scenes()[name]
    a = render_scene_visual(scene, tmp_path / "a.png", source_root=ws, width=width, height=height, seed=3)
    b = render_scene_visual(scene, tmp_path / "b.png", source_root=ws, width=width, height=height, seed=3)
    assert a.read_bytes() == b.read_bytes()
    with Image.open(a) as image:
        assert image.size == (width, height) and image.mode == "RGB"
        assert not image.info.get("dpi") and "Software" not in image.info
    safe = frame_margins(width, height)
    box = content_box(a, width, height, 3)
    assert safe.contains(box), f"{name}: content {box} leaves the safe area {safe}"
    # The measured box is a real share of the safe area: something readable was drawn.
    assert (box[2] - box[0]) * (box[3] - box[1]) > 0.05 * safe.w * safe.h


def test_margins_match_the_caption_band() -> None:
    wide, tall = frame_margins(1920, 1080), frame_margins(1080, 1920)
    assert (wide.x0, wide.y0, 1920 - wide.x1, 1080 - wide.y1) == (96, 76, 96, 173)
    assert (tall.x0, tall.y0, 1080 - tall.x1, 1920 - tall.y1) == (65, 154, 65, 576)


def test_seed_changes_palette_not_layout(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    scene = scenes()["title"]
    a = render_scene_visual(scene, tmp_path / "a.png", source_root=ws, width=1920, height=1080, seed=0)
    b = render_scene_visual(scene, tmp_path / "b.png", source_root=ws, width=1920, height=1080, seed=1)
    assert a.read_bytes() != b.read_bytes()
    assert content_box(a, 1920, 1080, 0) == content_box(b, 1920, 1080, 1)


def test_highlight_follows_the_narration() -> None:
    lines = ["class Square:", "    def area(self):", "        return 1", "def helper():", "    pass"]
    assert highlighted_lines(lines, 1, 5, "helper does the work") == {4}
    assert highlighted_lines(lines, 1, 5, "The area method") == {2}
    assert highlighted_lines(lines, 1, 5, "nothing named") == {1}


def test_long_span_is_cropped_to_the_highlight(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    body = "".join(f"value_{i} = {i}\n" for i in range(1, 300)) + "def target():\n    return 1\n"
    (ws / "big.py").write_text(body, encoding="utf-8")
    scene = Scene(id="s", durationSec=3, narration="target returns one", onScreenText=["big.py", "def target"],
                  visual=SceneVisual(kind="code", ref="big.py:1-301"))
    out = render_scene_visual(scene, tmp_path / "c.png", source_root=ws, width=1920, height=1080, seed=0)
    assert content_box(out, 1920, 1080, 0)[3] <= frame_margins(1920, 1080).y1


@pytest.mark.parametrize(("ref", "error"), [
    ("../outside.py:1-3", SafetyError),
    ("/etc/passwd:1-2", SafetyError),
    ("nope.py:1-3", InvalidInputError),
    ("data.csv:not_a_column", InvalidInputError),
    ("data.csv:visitors", None),
])
def test_bad_refs_are_refused(tmp_path: Path, ref: str, error: type[Exception] | None) -> None:
    ws = make_workspace(tmp_path / "ws")
    kind = "chart" if ref.startswith("data.csv") else "code"
    scene = Scene(id="s", durationSec=3, narration="x", visual=SceneVisual(kind=kind, ref=ref))  # type: ignore[arg-type]
    if error is None:
        assert render_scene_visual(scene, tmp_path / "ok.png", source_root=ws, width=1280, height=720, seed=0)
        return
    with pytest.raises(error):
        render_scene_visual(scene, tmp_path / "x.png", source_root=ws, width=1280, height=720, seed=0)


def test_non_explainer_kind_is_refused(tmp_path: Path) -> None:
    scene = Scene(id="s", durationSec=3, visual=SceneVisual(kind="still", ref="a.png"))
    with pytest.raises(InvalidInputError):
        render_scene_visual(scene, tmp_path / "x.png", source_root=tmp_path, width=1920, height=1080, seed=0)
