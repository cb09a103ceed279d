from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reelforge.errors import SafetyError
from reelforge.workspace.paths import (
    aspect_of,
    ensure_inside,
    new_run_id,
    resolve_in_run,
    sanitize_id,
    slugify,
    video_file_name,
)


@pytest.mark.parametrize("value", ["../../etc/passwd", "..", ".", "/abs/path", "a/b\\c", "scene 01", ""])
def test_sanitized_ids_cannot_escape(value: str, tmp_path: Path) -> None:
    cleaned = sanitize_id(value)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", cleaned)
    assert (tmp_path / cleaned).resolve().parent == tmp_path.resolve()


def test_run_id_shape() -> None:
    run_id = new_run_id("shorts", now=datetime(2026, 11, 21, 22, 30, 5, tzinfo=UTC))
    assert re.fullmatch(r"20261121-223005-[0-9a-z]{6}-shorts", run_id)


def test_run_id_names_the_real_frame() -> None:
    run_id = new_run_id("shorts", "16:9", now=datetime(2026, 11, 21, 22, 30, 5, tzinfo=UTC))
    assert re.fullmatch(r"20261121-223005-[0-9a-z]{6}-shorts-16x9", run_id)


@pytest.mark.parametrize(("title", "slug"), [
    ("Three Tips: Better Sleep!", "three-tips-better-sleep"),
    ("제주 커피 이야기", "제주-커피-이야기"),
    ("!!!", "video"),
    # longer than 40: ends on the last whole word that fits, never mid-word
    ("Drink a glass of water first thing in the morning", "drink-a-glass-of-water-first-thing-in"),
    ("Most people sleep badly because of light", "most-people-sleep-badly-because-of-light"),  # exactly 40
    ("Supercalifragilisticexpialidocious-and-then-some-more", "supercalifragilisticexpialidocious-and"),
    ("Pneumonoultramicroscopicsilicovolcanoconiosis", "pneumonoultramicroscopicsilicovolcanocon"),  # one word
])
def test_slug(title: str, slug: str) -> None:
    assert slugify(title) == slug
    assert len(slug) <= 40


def test_slugs_end_on_a_word_at_every_length() -> None:
    title = "Keep the room cool and wake up at the same time every single day of the week"
    words = slugify(title, max_len=1000).split("-")
    for max_len in range(len(words[0]), 80):  # a first word longer than max_len is the one cut
        slug = slugify(title, max_len=max_len)
        assert len(slug) <= max_len
        assert slug.split("-") == words[: len(slug.split("-"))], (max_len, slug)


@pytest.mark.parametrize(("mode", "aspect", "name"), [
    ("shorts", "9:16", "shorts-9x16-tips.mp4"),
    ("shorts", "16:9", "shorts-16x9-tips.mp4"),
    ("explainer", "1:1", "explainer-1x1-tips.mp4"),
])
def test_video_file_name_carries_mode_and_aspect(mode: str, aspect: str, name: str) -> None:
    assert video_file_name(mode, aspect, "tips") == name


@pytest.mark.parametrize(("size", "ratio"), [((1920, 1080), "16:9"), ((1080, 1920), "9:16"),
                                             ((1280, 800), "16:10"), ((1366, 768), "16:9"), ((1000, 700), "1000:700")])
def test_aspect_of_footage(size: tuple[int, int], ratio: str) -> None:
    assert aspect_of(*size) == ratio


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
