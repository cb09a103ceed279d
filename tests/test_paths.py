from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reelforge.errors import SafetyError
from reelforge.workspace.paths import ensure_inside, new_run_id, resolve_in_run, sanitize_id, slugify


@pytest.mark.parametrize("value", ["../../etc/passwd", "..", ".", "/abs/path", "a/b\\c", "scene 01", ""])
def test_sanitized_ids_cannot_escape(value: str, tmp_path: Path) -> None:
    cleaned = sanitize_id(value)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", cleaned)
    assert (tmp_path / cleaned).resolve().parent == tmp_path.resolve()


def test_run_id_shape() -> None:
    run_id = new_run_id("shorts", now=datetime(2026, 11, 21, 22, 30, 5, tzinfo=UTC))
    assert re.fullmatch(r"20261121-223005-[0-9a-z]{6}-shorts", run_id)


@pytest.mark.parametrize(("title", "slug"), [
    ("Three Tips: Better Sleep!", "three-tips-better-sleep"),
    ("제주 커피 이야기", "제주-커피-이야기"),
    ("!!!", "video"),
])
def test_slug(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_outside_workspace_is_a_safety_error(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    with pytest.raises(SafetyError) as info:
        ensure_inside(tmp_path / "elsewhere", root, what="output directory", flag="--allow-external-out")
    assert info.value.exit_code == 2
    assert "--allow-external-out" in info.value.hint
    assert ensure_inside(tmp_path / "elsewhere", root, what="x", flag="--f", allow_external=True)


def test_symlink_escape_is_caught(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "link").symlink_to(tmp_path)
    with pytest.raises(SafetyError):
        ensure_inside(root / "link" / "out", root, what="output directory", flag="--allow-external-out")


@pytest.mark.parametrize("rel", ["../x.png", "/etc/passwd", "visuals/../../x"])
def test_spec_paths_cannot_escape_the_run(rel: str, tmp_path: Path) -> None:
    with pytest.raises(SafetyError):
        resolve_in_run(tmp_path, rel)
