"""An LLM-written explainer is grounded: the model sees only the cleaned material, numbered as in the file,
and every narrated scene must cite lines it was shown; claims and numbers are checked against them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from reelforge.explainer.draft import draft_explainer
from reelforge.explainer.material import load_material
from reelforge.pipeline.writers import WriteRequest, WriteResult, plan_llm_writer
from tests.cli_helpers import run_json
from tests.fakes.text_llm_server import TextLLMFake

RICH = Path(__file__).parent / "fixtures" / "readmes" / "rich-README.md"
REL = "material/rich-README.md"


def setup(workspace: Path) -> tuple[WriteRequest, WriteResult]:
    (workspace / "material").mkdir()
    shutil.copy(RICH, workspace / REL)
    material = load_material(Path(REL), workspace=workspace)
    request = WriteRequest(brief="Explain what this library does", mode="explainer", aspect="16:9", locale="en",
                           duration=None, transition="fade", call_to_action="", words_per_second=3.1,
                           grounding=material)
    script, warnings = draft_explainer(Path(REL), workspace=workspace, aspect="16:9", locale="en", brief="")
    return request, WriteResult(script=script, provider="explainer-draft", path_taken="real", warnings=warnings)


def scene(i: int, narration: str, on_screen: list[str], kind: str = "slide", ref: str | None = None) -> dict[str, Any]:
    return {"id": f"scene-{i:02d}", "durationSec": 3, "narration": narration, "onScreenText": on_screen,
            "visual": {"kind": kind, "prompt": None, "ref": ref, "source": None}, "transition": "fade"}


def grounded_reply(*, bad_ref: bool = False, invented_number: bool = False) -> str:
    scenes = [
        scene(1, "Rich makes terminal output beautiful.", ["Rich", "Beautiful terminal output"]),
        scene(2, "Rich works with Linux, macOS and Windows." + (" It needs Python 2.7." if invented_number else ""),
              ["Compatibility", "Linux, macOS, Windows"]),
        scene(3, "Import the rich print method, which has the same signature as the builtin print.",
              ["Rich Print"], "code", f"{REL}:65-67"),
    ]
    scenes[-1]["transition"] = None
    citations = [{"sceneId": "scene-01", "refs": [f"{REL}:30"]},
                 {"sceneId": "scene-02", "refs": [f"{REL}:36" if bad_ref else f"{REL}:42"]},
                 {"sceneId": "scene-03", "refs": [f"{REL}:62"]}]
    script = {"schemaVersion": "1.0", "mode": "explainer", "aspect": "16:9", "locale": "en", "title": "Rich",
              "scenes": scenes, "music": "none"}
    return json.dumps({"script": script, "citations": citations})


def test_material_is_clean_and_numbered(workspace: Path) -> None:
    request, _ = setup(workspace)
    assert request.grounding is not None
    text = request.grounding.prompt_text()
    assert f"{REL}:30: Rich is a Python library for rich text" in text
    for gone in ("calmcode", "Click the following", "pip install", "Toad", "sister project", "shields.io"):
        assert gone not in text


def test_a_grounded_reply_is_accepted_and_its_citations_kept(workspace: Path) -> None:
    request, key_free = setup(workspace)
    with TextLLMFake("local") as fake:
        fake.replies.append(grounded_reply())
        writer = plan_llm_writer("local", model="m", url=fake.base + "/v1", env={}, key_free=key_free)
        result = writer.write(request, workspace)
        assert result.path_taken == "real", result.warnings
        assert json.loads((workspace / "writer" / "citations.json").read_text())["scene-02"] == [f"{REL}:42"]
        sent = fake.requests[0]
        assert "citations" in json.dumps(sent["response_format"]["json_schema"]["schema"])
        assert f"{REL}:42: Rich works with Linux, macOS and Windows" in sent["messages"][1]["content"]


def test_a_citation_of_a_dropped_line_or_an_invented_number_is_repaired(workspace: Path) -> None:
    request, key_free = setup(workspace)
    with TextLLMFake("local") as fake:
        fake.replies.extend([grounded_reply(bad_ref=True), grounded_reply(invented_number=True)])
        writer = plan_llm_writer("local", model="m", url=fake.base + "/v1", env={}, key_free=key_free)
        result = writer.write(request, workspace)
        repair = fake.requests[1]["messages"][-1]["content"]
        assert f"'{REL}:36' names lines that were not shown in the material" in repair
        assert result.path_taken == "fallback" and "the numbers 2.7 are not in the cited lines" in result.warnings[0]
        assert result.provider == "explainer-draft"


def test_a_code_scene_must_show_one_block(workspace: Path) -> None:
    request, _ = setup(workspace)
    assert request.grounding is not None
    assert request.grounding.visual_ref_error("code", f"{REL}:147-166") is not None  # 20 lines: too long
    assert request.grounding.visual_ref_error("code", f"{REL}:60-67") is not None  # not inside one block
    assert request.grounding.visual_ref_error("code", f"{REL}:65-67") is None
    assert request.grounding.visual_ref_error("slide", f"{REL}#compatibility") is None
    assert request.grounding.visual_ref_error("slide", "../etc/passwd") is not None


@pytest.mark.slow
def test_cli_llm_explainer_draws_its_cited_frames(workspace: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (workspace / "material").mkdir()
    shutil.copy(RICH, workspace / REL)
    with TextLLMFake("local") as fake:
        monkeypatch.setenv("REELFORGE_WRITER_URL", fake.base + "/v1")
        monkeypatch.setenv("REELFORGE_WRITER_MODEL", "m")
        fake.replies.append(grounded_reply())
        code, data = run_json(capsys, "video", "generate", "Explain what this library does", "--mode", "explainer",
                              "--source", REL, "--writer", "local", "--dry-run", "--no-check")
    assert code == 0, data
    run = Path(data["runDir"])
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["stages"][0]["pathTaken"] == "real" and manifest["providers"]["script"] == "local:m"
    script = json.loads((run / "script.json").read_text())
    assert script["scenes"][2]["visual"] == {"kind": "code", "ref": f"{REL}:65-67", "source": "writer:local:m"}
    assert len(list((run / "visuals").glob("*.png"))) == 3  # slide, slide and the cited code frame
    assert (run / "writer" / "citations.json").is_file()
