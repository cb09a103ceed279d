from __future__ import annotations

from pathlib import Path

import pytest

from reelforge.config import resolve_settings
from reelforge.errors import InvalidInputError


def _toml(root: Path, body: str) -> None:
    (root / "reelforge.toml").write_text(body, encoding="utf-8")


def test_defaults(tmp_path: Path) -> None:
    s = resolve_settings(workspace_root=tmp_path, environ={})
    assert s["mode"] == "shorts" and s.origin("mode") == "default"
    assert s["seed"] == 1


def test_toml_over_default(tmp_path: Path) -> None:
    _toml(tmp_path, '[video]\nseed = 7\ncaptions = "lower-third"\n')
    s = resolve_settings(workspace_root=tmp_path, environ={})
    assert s["seed"] == 7 and s.origin("seed") == "reelforge.toml"
    assert s["captions"] == "lower-third"


def test_env_over_toml(tmp_path: Path) -> None:
    _toml(tmp_path, "[video]\nseed = 7\n")
    s = resolve_settings(workspace_root=tmp_path, environ={"REELFORGE_SEED": "9"})
    assert s["seed"] == 9 and s.origin("seed") == "env:REELFORGE_SEED"


def test_flag_over_env(tmp_path: Path) -> None:
    s = resolve_settings(workspace_root=tmp_path, environ={"REELFORGE_SEED": "9"}, flags={"seed": 3, "mode": None})
    assert s["seed"] == 3 and s.origin("seed") == "flag:--seed"
    assert s.origin("mode") == "default", "a flag left unset must not override lower layers"


def test_bad_env_value_names_its_origin(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as info:
        resolve_settings(workspace_root=tmp_path, environ={"REELFORGE_CAPTIONS": "bouncy"})
    assert "env:REELFORGE_CAPTIONS" in info.value.message
    assert info.value.exit_code == 4


def test_unknown_toml_key_is_refused(tmp_path: Path) -> None:
    _toml(tmp_path, "[video]\nsede = 1\n")
    with pytest.raises(InvalidInputError, match="unknown setting 'sede'"):
        resolve_settings(workspace_root=tmp_path, environ={})


def test_broken_toml_is_invalid_input(tmp_path: Path) -> None:
    _toml(tmp_path, "[video\n")
    with pytest.raises(InvalidInputError, match="not valid TOML"):
        resolve_settings(workspace_root=tmp_path, environ={})


def test_provider_base_urls_are_not_settings(tmp_path: Path) -> None:
    s = resolve_settings(workspace_root=tmp_path, environ={"REELFORGE_PEXELS_BASE_URL": "http://127.0.0.1:1"})
    assert "pexels_base_url" not in s.as_dict()
