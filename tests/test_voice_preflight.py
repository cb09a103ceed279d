"""A voice that cannot run fails `video generate` before any media is made (stages.check_voice_ready)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reelforge.config import resolve_settings
from reelforge.errors import ProviderUnavailableError
from reelforge.models.script import Script
from reelforge.pipeline import narration_cache, stages
from reelforge.pipeline.pacing import Pacing
from reelforge.pipeline.stage_caches import RunCaches
from tests.cli_helpers import run_json

BRIEF = "Why cats sleep through the afternoon, and what their naps say about the hunters they once were."


def test_a_hosted_voice_without_its_key_fails_before_the_visuals(capsys: pytest.CaptureFixture[str],
                                                                workspace: Path) -> None:
    code, out = run_json(capsys, "video", "generate", BRIEF, "--voice", "elevenlabs:Rachel")
    assert code == 5
    assert "ELEVENLABS_API_KEY is not set" in out["error"]["message"]
    run_dir = Path(out["runDir"])
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["error"]
    made = [p for p in (run_dir / "visuals").rglob("*") if p.is_file()] if (run_dir / "visuals").exists() else []
    assert made == []  # no card drawn (and no paid still asked for) for a video that cannot be narrated
    assert "visuals" not in json.dumps(manifest.get("stages", {}))


def _script() -> Script:
    return Script.model_validate({"schemaVersion": "1.0", "title": "Cats", "mode": "shorts", "aspect": "9:16",
                                  "locale": "en", "scenes": [{"id": "s01", "narration": "Cats nap.",
                                                              "durationSec": 2}]})


def test_a_narration_the_cache_holds_whole_needs_no_voice(tmp_path: Path) -> None:
    settings = resolve_settings(workspace_root=tmp_path, flags={"voice": "elevenlabs:Rachel"}, environ={})
    caches = RunCaches.at(tmp_path / ".reelforge", warn=lambda w: None)
    script = _script()
    with pytest.raises(ProviderUnavailableError, match="ELEVENLABS_API_KEY"):
        stages.check_voice_ready(script, settings, caches=caches)
    key = stages._narration_key(script, settings, Pacing(), stages._voice_options(settings, caches.narration_root),
                                caches.narration_root)
    assert key is not None
    (caches.narration_root / key).mkdir(parents=True)
    (caches.narration_root / key / narration_cache.ENTRY).write_text("{}", encoding="utf-8")
    stages.check_voice_ready(script, settings, caches=caches)  # held: the stage will verify and reuse it
    redo = RunCaches.at(tmp_path / ".reelforge", warn=lambda w: None, redo_from="voice")
    with pytest.raises(ProviderUnavailableError):
        stages.check_voice_ready(script, settings, caches=redo)  # --from voice makes it again: checked
