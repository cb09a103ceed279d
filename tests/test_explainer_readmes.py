"""Explainers drafted from five real READMEs of PyPI packages (tests/fixtures/readmes, see NOTICE.md).

For each: the title is the project's (never the folder), the scenes follow the document, nothing from
boilerplate is narrated (install, click, sponsor, badge text), a counted claim matches what follows,
--duration is met within 10 % when the README has the material, and no code slide is cropped.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from reelforge.explainer.draft import draft_explainer
from reelforge.explainer.frames.canvas import geometry
from reelforge.explainer.frames.code import code_layout, highlighted_lines
from reelforge.explainer.scenes_readme import CODE_MAX_LINES
from reelforge.models.script import Script

FIXTURES = Path(__file__).parent / "fixtures" / "readmes"
TITLES = {"rich": "Rich", "fastapi": "FastAPI", "typer": "Typer", "httpx": "HTTPX", "requests": "Requests"}
# READMEs with more than 45 s of material worth narrating (requests' README is two short paragraphs).
ENOUGH_FOR_45 = {"rich", "fastapi", "typer", "httpx"}
DROPPED = re.compile(r"\b(click|sponsors?|sponsored|install|installation|installing|pip|pypi|licen[cs]e)\b", re.I)
_ALT = re.compile(r"!\[([^\]]+)\]|alt=\"([^\"]+)\"")


def badge_texts(readme: str) -> set[str]:
    """Alt texts of images on badge lines (shields, coverage, versions)."""
    out = set()
    for line in readme.splitlines():
        if "badge" in line or "shields.io" in line or "img.shields" in line or "badge.svg" in line:
            out.update(a or b for a, b in _ALT.findall(line))
    return {t for t in out if len(t) > 3}


def draft(name: str, workspace: Path, duration: float | None) -> tuple[Script, list[str]]:
    folder = workspace / "material"
    folder.mkdir(exist_ok=True)
    shutil.copy(FIXTURES / f"{name}-README.md", folder / f"{name}-README.md")
    return draft_explainer(Path(f"material/{name}-README.md"), workspace=workspace, aspect="16:9", locale="en",
                           brief="Explain what this library does", target_sec=duration)


def ref_line(ref: str, readme: str) -> int:
    """The README line a scene's picture points at: a span's first line, a section's heading line."""
    m = re.search(r":(\d+)-\d+$", ref)
    if m:
        return int(m.group(1))
    return 0


@pytest.mark.parametrize("name", sorted(TITLES))
@pytest.mark.parametrize("duration", [45.0, 90.0])
def test_readme_explainer(name: str, duration: float, workspace: Path) -> None:
    script, warnings = draft(name, workspace, duration)
    readme = (FIXTURES / f"{name}-README.md").read_text(encoding="utf-8")
    assert script.title == TITLES[name]  # never "material"
    total = sum(s.duration_sec for s in script.scenes)
    assert total <= duration * 1.1 + 1e-6
    if name in ENOUGH_FOR_45 and duration == 45.0:
        assert total >= duration * 0.9 - 1e-6, (name, total)
    if total < duration * 0.9:
        assert warnings and "not padded with silence" in warnings[0]
    badges = badge_texts(readme)
    for scene in script.scenes:
        assert not DROPPED.search(scene.narration), (name, scene.narration)
        assert not any(re.search(rf"\b{re.escape(b)}\b", scene.narration, re.I) for b in badges), scene.narration
        assert "…" not in " ".join(scene.on_screen_text) and "..." not in scene.narration
    # document order: code spans appear in increasing line order
    spans = [ref_line(s.visual.ref or "", readme) for s in script.scenes if s.visual.kind == "code"]
    assert spans == sorted(spans)
    # a counted claim lists exactly that many topics, and each is a later scene's heading
    for i, scene in enumerate(script.scenes):
        m = re.match(r"This video covers (\d+) topics: (.*)\.$", scene.narration)
        if m:
            names = re.split(r", | and ", m.group(2))
            assert int(m.group(1)) == len(names)
            later = {s.on_screen_text[0] for s in script.scenes[i + 1:] if s.on_screen_text}
            assert {n.rstrip(".") for n in names} <= {t.rstrip(".… ") for t in later}


@pytest.mark.parametrize("name", sorted(TITLES))
@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
def test_code_slides_are_never_cropped(name: str, size: tuple[int, int], workspace: Path) -> None:
    script, _ = draft(name, workspace, None)
    readme = (FIXTURES / f"{name}-README.md").read_text(encoding="utf-8").split("\n")
    codes = [s for s in script.scenes if s.visual.kind == "code"]
    g = geometry(*size, seed=1)
    for scene in codes:
        start, end = (int(x) for x in (scene.visual.ref or "").rsplit(":", 1)[1].split("-"))
        assert end - start + 1 <= CODE_MAX_LINES
        layout = code_layout(g, readme, start, end, highlighted_lines(readme, start, end, scene.narration),
                             scene.on_screen_text[:1])
        assert (layout.first, layout.last, layout.hidden) == (start, end, 0), (name, scene.visual.ref, layout)


def test_a_long_block_shows_its_most_relevant_window(workspace: Path) -> None:
    """rich's log() example is 20 lines (147-166); the draft shows the 14 around the log() calls."""
    script, _ = draft("rich", workspace, None)
    log = next(s for s in script.scenes if s.visual.kind == "code" and "log()" in s.narration)
    start, end = (int(x) for x in (log.visual.ref or "").rsplit(":", 1)[1].split("-"))
    assert 147 <= start and end <= 166 and end - start + 1 <= CODE_MAX_LINES
    window = (FIXTURES / "rich-README.md").read_text(encoding="utf-8").split("\n")[start - 1:end]
    assert any("console.log(" in line for line in window)


def test_a_hand_written_span_too_long_for_the_frame_says_so(tmp_path: Path) -> None:
    from reelforge.explainer.frames.code import render_code
    from reelforge.explainer.refs import Ref

    lines = [f"value_{i} = {i}" for i in range(1, 121)]
    (tmp_path / "big.py").write_text("\n".join(lines))
    g = geometry(1920, 1080, seed=1)
    layout = code_layout(g, lines, 1, 120, set(), ["Big"])
    assert layout.hidden > 0 and layout.last - layout.first + 1 + layout.hidden == 120
    image = render_code(g, Ref(path=tmp_path / "big.py", rel="big.py", start=1, end=120), "\n".join(lines), "", ["Big"])
    assert image.size == (1920, 1080)
