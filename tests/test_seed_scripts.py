"""Scripts written for the seed's own tool (oma video) validate here: its script.json contract and its
skeleton writer's output, including the last scene's "transition": "none"."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from reelforge.errors import SchemaValidationError
from reelforge.models import Script, parse_document
from reelforge.models.script import seed_compat_notes
from tests.cli_helpers import run_json


def seed_skeleton(brief: str, *, mode: str = "shorts", duration: int | None = None) -> dict[str, Any]:
    """The seed's skeleton writer as its reference describes it (oma-video.md section 3.1)."""
    title = " ".join(brief.split())
    if len(title) > 64:
        title = title[:61].rstrip()
    total = duration or (30 if mode == "shorts" else 60)
    sentences = [s.strip() for s in re.split(r"[.!?]", brief) if s.strip()]
    per = math.ceil(len(sentences) / 3) if sentences else 1
    scenes = []
    for i in range(3):
        text = " ".join(sentences[i * per:(i + 1) * per]) or title
        scenes.append({"id": f"scene-{i + 1:02d}", "durationSec": max(1, round(total / 3)), "narration": text,
                       "onScreenText": [], "visual": {"kind": "slide" if mode == "explainer" else "still",
                                                      "prompt": brief, "source": "agent-skeleton"},
                       "transition": "cut" if i < 2 else "none"})
    return {"schemaVersion": "1.0", "mode": mode, "aspect": "16:9" if mode != "shorts" else "9:16",
            "locale": "en", "title": title, "scenes": scenes, "music": "none", "brand": {}}


AGENT_AUTHORED = {
    "schemaVersion": "1.0", "mode": "explainer", "aspect": "16:9", "locale": "ko", "title": "제주 커피 이야기",
    "music": "calm", "brand": {"color": "#ff0000"},
    "scenes": [
        {"id": "intro", "durationSec": 2.5, "narration": "", "visual": {"kind": "mixed"}},
        {"id": "scene 2", "durationSec": 4, "narration": "Hello.", "onScreenText": ["a", "b"],
         "visual": {"kind": "clip", "ref": "deck/", "prompt": "p"}, "transition": "dissolve"},
        {"id": "scene 2", "durationSec": 0.5, "narration": "Bye.", "visual": {"kind": "capture"},
         "transition": "none"},
    ],
}


@pytest.mark.parametrize("brief,mode,duration", [
    ("Three tips for better sleep. Keep it cool. Put the phone away.", "shorts", None),
    ("Explain how our billing works! Invoices are monthly? Refunds take a week.", "explainer", 90),
    ("A demo of the signup flow", "demo", 20),
    ("x" * 90, "shorts", 180),
])
def test_the_seed_skeleton_output_validates(brief: str, mode: str, duration: int | None) -> None:
    data = seed_skeleton(brief, mode=mode, duration=duration)
    script = parse_document(Script, data, document="script.json")
    assert script.scenes[-1].transition is None  # "none" on a last scene: nothing after it
    assert [s.transition for s in script.scenes[:-1]] == ["cut", "cut"]
    assert seed_compat_notes(data) == []  # "none" is the seed's own vocabulary: nothing to warn about


def test_an_agent_authored_seed_script_validates_with_notes() -> None:
    script = parse_document(Script, AGENT_AUTHORED, document="script.json")
    assert [s.id for s in script.scenes] == ["intro", "scene_2", "scene_2-2"]
    assert script.scenes[1].transition == "fade" and script.scenes[2].transition is None
    notes = seed_compat_notes(AGENT_AUTHORED)
    assert any("'scene 2'" in n and "renamed 'scene_2'" in n for n in notes)
    assert any("'dissolve' read as 'fade'" in n for n in notes)


def test_none_in_the_middle_is_a_cut() -> None:
    data = seed_skeleton("One. Two. Three.")
    data["scenes"][0]["transition"] = "none"
    assert parse_document(Script, data, document="script.json").scenes[0].transition == "cut"


def test_a_script_over_both_limits_names_both() -> None:
    data = seed_skeleton("One. Two. Three.")
    data["scenes"] = [{"id": f"scene-{i:02d}", "durationSec": 4.5, "narration": "Hi.", "transition": "cut"}
                      for i in range(1, 42)]
    data["scenes"][-1]["transition"] = "none"
    with pytest.raises(SchemaValidationError) as info:
        parse_document(Script, data, document="script.json")
    assert "41 scenes (the limit is 40)" in info.value.message
    assert "184.5 s (the limit is 180 s)" in info.value.message
    assert info.value.exit_code == 4


def test_cli_accepts_a_seed_script_and_warns_about_renames(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = seed_skeleton("Three tips for better sleep. Keep it cool. Put the phone away.")
    data["scenes"][1]["id"] = "tip one"
    (workspace / "seed.json").write_text(json.dumps(data))
    code, out = run_json(capsys, "video", "generate", "--script", "seed.json", "--dry-run")
    assert code == 0, out
    assert any("'tip one'" in w for w in out["warnings"])
    written = json.loads(Path(out["scriptPath"]).read_text())
    assert written["scenes"][2].get("transition") is None and written["scenes"][1]["id"] == "tip_one"
