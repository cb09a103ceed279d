"""The per-user cache of the alignment-patched Piper model (real Piper, real voice, real files)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

import pytest

from reelforge.config import user_cache_dir
from reelforge.providers.voice import piper, piper_model_cache
from reelforge.providers.voice.base import Synthesis
from reelforge.providers.voice.piper import PiperProvider, model_sha256
from reelforge.providers.voice.registry import resolve_profile

TEXT = "Keep the room cool and dark."


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _joe_model() -> Path:
    profile = resolve_profile("joe")
    assert profile is not None
    return profile.files()[0]


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> piper_model_cache.PatchStats:
    """No voice loaded in this process yet, and counters from zero."""
    monkeypatch.setattr(piper, "_VOICES", {})
    stats = piper_model_cache.PatchStats()
    monkeypatch.setattr(piper_model_cache, "STATS", stats)
    return stats


@pytest.fixture(scope="module")
def populated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache root holding joe's patched model, made once for the module."""
    root = tmp_path_factory.mktemp("populated")
    model = _joe_model()
    assert piper_model_cache.aligned_model(model, model_sha256(model), root) is not None
    return root


def _copy_of(populated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "usercache"
    shutil.copytree(populated, root)
    monkeypatch.setenv("REELFORGE_CACHE_DIR", str(root))
    return root


def _speak(out: Path) -> Synthesis:
    profile = resolve_profile("joe")
    assert profile is not None
    return PiperProvider(profile).synthesize(TEXT, out, speed=1.0)


def _cached_model(root: Path) -> Path:
    (model,) = (root / piper_model_cache.SUBDIR).glob("*.onnx")
    return model


def _not_patched(model: Path) -> bytes | None:
    raise AssertionError(f"{model} was patched again: the cached model should have been used")


def test_the_cache_dir_follows_the_override_then_xdg_then_home(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REELFORGE_CACHE_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("REELFORGE_CACHE_DIR")
    assert user_cache_dir() == tmp_path / "xdg" / "reelforge"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")  # the XDG spec says to ignore a relative path
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert user_cache_dir() == tmp_path / "home" / ".cache" / "reelforge"


def test_the_first_load_writes_the_cache_and_the_second_uses_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: piper_model_cache.PatchStats) -> None:
    root = tmp_path / "usercache"
    monkeypatch.setenv("REELFORGE_CACHE_DIR", str(root))
    first = _speak(tmp_path / "first.wav")
    assert (fresh.patched, fresh.hits) == (1, 0)
    cached = _cached_model(root)
    record = json.loads(cached.with_suffix(".json").read_text())
    assert record["sha256"] == _sha(cached)
    assert record["modelSha256"] == model_sha256(_joe_model())
    assert not list(cached.parent.glob(".*.tmp"))  # the temp files were renamed into place

    monkeypatch.setattr(piper, "_VOICES", {})  # a new process, as far as loading goes
    monkeypatch.setattr(piper_model_cache, "_patch", _not_patched)
    second = _speak(tmp_path / "second.wav")
    assert (fresh.patched, fresh.hits) == (1, 1)
    assert first.alignments and second.alignments
    assert [a.phoneme for a in second.alignments] == [a.phoneme for a in first.alignments]
    assert _sha(tmp_path / "second.wav") == _sha(tmp_path / "first.wav")


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_a_damaged_cached_model_is_a_miss_patched_again_and_rewritten(
        damage: str, populated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        fresh: piper_model_cache.PatchStats, caplog: pytest.LogCaptureFixture) -> None:
    root = _copy_of(populated, tmp_path, monkeypatch)
    cached = _cached_model(root)
    good = _sha(cached)
    data = bytearray(cached.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data[len(data) // 2] ^= 0xFF
    cached.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger=piper_model_cache.__name__):
        result = _speak(tmp_path / "a.wav")
    assert (fresh.patched, fresh.hits) == (1, 0)
    assert _sha(cached) == good  # rewritten whole
    assert result.alignments
    assert any("patching it again" in r.getMessage() and str(cached) in r.getMessage() for r in caplog.records)


def test_narration_is_identical_with_and_without_the_cache_and_an_unwritable_cache_is_no_error(
        populated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        fresh: piper_model_cache.PatchStats) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("REELFORGE_CACHE_DIR", str(blocker / "cache"))  # cannot be made: patch in memory
    without = _speak(tmp_path / "without.wav")
    assert (fresh.patched, fresh.hits) == (0, 0)
    assert without.alignments

    _copy_of(populated, tmp_path, monkeypatch)
    monkeypatch.setattr(piper, "_VOICES", {})
    monkeypatch.setattr(piper_model_cache, "_patch", _not_patched)
    with_cache = _speak(tmp_path / "with.wav")
    assert fresh.hits == 1
    assert with_cache.alignments == without.alignments
    assert _sha(tmp_path / "with.wav") == _sha(tmp_path / "without.wav")


def test_usage_and_prune_see_the_patched_model(populated: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = _copy_of(populated, tmp_path, monkeypatch)
    seen = piper_model_cache.usage(root)
    assert seen.models == 1 and seen.bytes > 10_000_000
    assert piper_model_cache.prune(root, older_than_sec=3600) == (0, 0)
    removed, freed = piper_model_cache.prune(root, older_than_sec=3600, now=_cached_model(root).stat().st_mtime
                                             + 7200)
    assert (removed, freed) == (1, seen.bytes)
    assert piper_model_cache.usage(root).models == 0


def test_cache_size_prune_and_doctor_show_the_user_cache(populated: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from reelforge.cli.main import cli
    from reelforge.doctor import _check_user_cache

    root = _copy_of(populated, tmp_path, monkeypatch)
    ws = ["--workspace", str(tmp_path / "ws")]
    (tmp_path / "ws").mkdir()
    size = CliRunner().invoke(cli, [*ws, "cache", "size", "--format", "json"])
    assert size.exit_code == 0, size.output
    held = json.loads(size.output)["userCache"]
    assert (held["root"], held["models"]) == (str(root), 1) and held["bytes"] > 10_000_000
    ok, detail = _check_user_cache()
    assert ok and str(root) in detail and "1 patched Piper model" in detail

    cached = _cached_model(root)
    old = cached.stat().st_mtime - 40 * 86400
    os.utime(cached, (old, old))
    pruned = CliRunner().invoke(cli, [*ws, "cache", "prune", "--older-than", "30d", "--format", "json"])
    assert pruned.exit_code == 0, pruned.output
    assert json.loads(pruned.output)["userCache"]["removed"] == 1
    assert not cached.exists() and not cached.with_suffix(".json").exists()
