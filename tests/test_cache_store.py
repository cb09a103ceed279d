"""The workspace cache store: verified reads (a tampered entry is a miss), atomic entries, size and prune."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from reelforge.errors import InvalidInputError
from reelforge.workspace.cache_prune import cache_usage, parse_age, prune
from reelforge.workspace.cache_store import ENTRY, StageCache


def _put(tmp_path: Path, cache: StageCache, key: str, body: bytes = b"segment bytes") -> Path:
    src = tmp_path / f"src-{key[:4]}.bin"
    src.write_bytes(body)
    cache.put(key, {"segment.mp4": src}, {"note": "made"})
    return src


def test_a_hit_is_copied_out_with_its_meta(tmp_path: Path) -> None:
    cache = StageCache(tmp_path / "cache", "segment")
    key = "ab" * 32
    _put(tmp_path, cache, key)
    target = tmp_path / "out" / "seg.mp4"
    hit = cache.fetch(key, {"segment.mp4": target})
    assert hit is not None and hit.meta == {"note": "made"}
    assert target.read_bytes() == b"segment bytes"
    assert cache.fetch("cd" * 32, {"segment.mp4": target}) is None  # never stored
    assert not list((tmp_path / "cache").rglob("*.tmp")), "no temporary folder is left behind"


def test_a_tampered_entry_is_a_miss_with_a_warning_and_is_removed(tmp_path: Path) -> None:
    warnings: list[str] = []
    cache = StageCache(tmp_path / "cache", "segment", warn=warnings.append)
    key = "ef" * 32
    _put(tmp_path, cache, key)
    stored = cache.entry_dir(key) / "segment.mp4"
    stored.write_bytes(b"segment bytez")  # same size, different bytes
    target = tmp_path / "seg.mp4"
    assert cache.fetch(key, {"segment.mp4": target}) is None
    assert not target.exists()
    assert len(warnings) == 1 and "segment.mp4" in warnings[0] and "made again" in warnings[0]
    assert not cache.entry_dir(key).exists()
    _put(tmp_path, cache, key)  # the next run re-makes it and the entry is good again
    assert cache.fetch(key, {"segment.mp4": target}) is not None


def test_a_missing_file_or_broken_entry_json_is_a_miss(tmp_path: Path) -> None:
    warnings: list[str] = []
    cache = StageCache(tmp_path / "cache", "visual", warn=warnings.append)
    one, two = "12" * 32, "34" * 32
    _put(tmp_path, cache, one)
    _put(tmp_path, cache, two)
    (cache.entry_dir(one) / "segment.mp4").unlink()
    (cache.entry_dir(two) / ENTRY).write_text("{not json", encoding="utf-8")
    assert cache.get(one) is None and cache.get(two) is None
    assert len(warnings) == 2


def test_prune_removes_only_entries_unused_for_longer_than_the_age(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    cache = StageCache(root, "segment")
    old, new = "aa" * 32, "bb" * 32
    _put(tmp_path, cache, old, b"x" * 1000)
    _put(tmp_path, cache, new, b"y" * 10)
    month_ago = time.time() - 31 * 86400
    os.utime(cache.entry_dir(old), (month_ago, month_ago))
    usage = cache_usage(root)
    assert usage.entries == 2 and usage.by_kind["segment"]["entries"] == 2 and usage.bytes > 1010
    dry = prune(root, older_than_sec=parse_age("30d"), dry_run=True)
    assert (dry.removed, dry.kept) == (1, 1) and cache.entry_dir(old).exists()
    done = prune(root, older_than_sec=parse_age("30d"))
    assert (done.removed, done.kept) == (1, 1) and done.freed_bytes >= 1000
    assert not cache.entry_dir(old).exists() and cache.get(new) is not None


def test_a_hit_counts_as_a_use_for_prune(tmp_path: Path) -> None:
    cache = StageCache(tmp_path / "cache", "segment")
    key = "cc" * 32
    _put(tmp_path, cache, key)
    month_ago = time.time() - 31 * 86400
    os.utime(cache.entry_dir(key), (month_ago, month_ago))
    assert cache.get(key) is not None
    assert prune(tmp_path / "cache", older_than_sec=30 * 86400).removed == 0


@pytest.mark.parametrize(("text", "seconds"), [("30d", 30 * 86400), ("12h", 43200), ("90m", 5400), ("2w", 1209600),
                                               ("45", 45)])
def test_ages_parse(text: str, seconds: float) -> None:
    assert parse_age(text) == seconds


def test_a_bad_age_names_the_flag() -> None:
    with pytest.raises(InvalidInputError) as info:
        parse_age("a month")
    assert "--older-than" in info.value.message and info.value.exit_code == 4


def test_cache_cli_shows_the_size_and_prunes(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    from tests.cli_helpers import run_json

    cache = StageCache(workspace / ".reelforge" / "cache", "segment")
    old = "dd" * 32
    _put(workspace, cache, old, b"z" * 2048)
    month_ago = time.time() - 40 * 86400
    os.utime(cache.entry_dir(old), (month_ago, month_ago))
    code, size = run_json(capsys, "cache", "size")
    assert code == 0 and size["entries"] == 1 and size["byKind"]["segment"]["bytes"] >= 2048
    code, pruned = run_json(capsys, "cache", "prune", "--older-than", "30d")
    assert code == 0 and pruned["removed"] == 1 and not cache.entry_dir(old).exists()
    code, bad = run_json(capsys, "cache", "prune", "--older-than", "soon")
    assert code == 4 and "--older-than" in bad["error"]["message"]
