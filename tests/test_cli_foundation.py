from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from reelforge.schemas import CONTRACTS, load_shipped, schema_text
from tests.cli_helpers import run_cli, run_json


def test_help_lists_the_surfaces(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "--help")
    assert code == 0
    for name in ("video", "verify", "config", "schema"):
        assert name in out


def test_doctor_json_has_one_entry_per_check(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, data = run_json(capsys, "video", "doctor")
    names = [c["name"] for c in data["checks"]]
    assert len(names) == len(set(names)) >= 8
    assert {"ffmpeg", "ffmpeg-filters", "voice-model", "caption-font", "key:PEXELS_API_KEY"} <= set(names)
    for check in data["checks"]:
        assert set(check) == {"name", "ok", "baseline", "detail", "remediation"}
        if not check["ok"]:
            assert check["remediation"]
    assert code == (1 if any(c["baseline"] and not c["ok"] for c in data["checks"]) else 0)


def test_doctor_never_shows_a_key(capsys: pytest.CaptureFixture[str], workspace: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEXELS_API_KEY", "sekrit-token-123456")
    _code, out, err = run_cli(capsys, "video", "doctor", "--format", "json")
    assert "sekrit-token-123456" not in out + err
    check = next(c for c in json.loads(out)["checks"] if c["name"] == "key:PEXELS_API_KEY")
    assert check["ok"] is True and "present" in check["detail"]


def test_broken_script_names_each_bad_field(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    broken = {"schemaVersion": "2.0", "mode": "vlog", "aspect": "9:16", "locale": "en", "title": "",
              "scenes": [{"id": "a", "durationSec": -1}, {"id": "", "durationSec": 2, "extra": 1}]}
    (workspace / "broken.json").write_text(json.dumps(broken))
    code, data = run_json(capsys, "video", "generate", "--script", "broken.json")
    assert code == 4
    paths = {f["path"] for f in data["error"]["fields"]}
    assert {"schemaVersion", "mode", "title", "scenes.0.durationSec", "scenes.1.id", "scenes.1.extra"} <= paths
    assert data["error"]["hint"]


def test_not_json_script_is_invalid_input(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    (workspace / "s.json").write_text("{not json")
    code, data = run_json(capsys, "video", "generate", "--script", "s.json")
    assert code == 4 and data["error"]["fields"][0]["path"] == "<file>"


def test_missing_script_is_not_found(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, data = run_json(capsys, "video", "generate", "--script", "nope.json")
    assert code == 3 and "nope.json" in data["error"]["message"]


def test_bad_flag_value_is_invalid_input(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, data = run_json(capsys, "video", "generate", "x", "--captions", "bouncy")
    assert code == 4 and "bouncy" in data["error"]["message"]


def test_out_outside_workspace_is_refused(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, data = run_json(capsys, "video", "generate", "A brief.", "--out", str(workspace.parent / "elsewhere"))
    assert code == 2
    assert "--allow-external-out" in data["error"]["hint"]
    assert not (workspace.parent / "elsewhere").exists()


def test_dotdot_out_is_refused(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, _ = run_json(capsys, "video", "generate", "A brief.", "--out", "../../x")
    assert code == 2


def test_demo_flags_outside_demo_mode_are_refused_not_ignored(capsys: pytest.CaptureFixture[str],
                                                               workspace: Path) -> None:
    code, data = run_json(capsys, "video", "generate", "A brief.", "--url", "http://127.0.0.1/")
    assert code == 4 and "--mode demo" in data["error"]["message"]


def test_config_show_reports_origins(capsys: pytest.CaptureFixture[str], workspace: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (workspace / "reelforge.toml").write_text('[video]\nseed = 5\n[captions]\nhighlight = "#00ccff"\n')
    monkeypatch.setenv("REELFORGE_CAPTIONS", "none")
    code, data = run_json(capsys, "config", "show")
    rows = {r["key"]: r for r in data["settings"]}
    assert code == 0
    assert rows["seed"] == {"key": "seed", "value": 5, "origin": "reelforge.toml"}
    assert rows["caption_highlight"] == {"key": "caption_highlight", "value": "#00CCFF", "origin": "reelforge.toml"}
    assert rows["captions"]["origin"] == "env:REELFORGE_CAPTIONS"
    assert rows["mode"]["origin"] == "default"


@pytest.mark.parametrize("name", list(CONTRACTS))
def test_shipped_schemas_match_models(name: str) -> None:
    shipped = load_shipped(name)
    assert json.dumps(shipped, indent=2, sort_keys=True) + "\n" == schema_text(name), (
        "run: reelforge schema export --out src/reelforge/schemas")
    jsonschema.Draft202012Validator.check_schema(shipped)
