"""A content-addressed cache for the narration stage, kept under ``.reelforge/cache/narration/``.

The fingerprint is sha256 of (code version, every scene's id, narration and minimum duration, voice model
sha256 and config -- for a hosted voice: engine, voice and what else decides its audio (model, voice
settings), never the key --, speed, locale, pacing). A hit copies the cached wavs and timing into the run after checking
each file's recorded sha256; anything missing or changed is a miss. Piper's variation mode is never
cached: its output is not a function of the inputs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelforge.errors import ReelforgeError
from reelforge.models.common import load_document
from reelforge.models.script import Script
from reelforge.models.timing import Timing
from reelforge.pipeline.pacing import Pacing
from reelforge.providers.voice.base import VoiceOptions
from reelforge.workspace.atomic import write_json_atomic
from reelforge.workspace.hashing import sha256_file, sha256_json

CODE_VERSION = "narration-2"
ENTRY = "entry.json"


@dataclass(frozen=True)
class CachedNarration:
    timing: Timing
    entry: dict[str, Any]


def fingerprint(script: Script, *, voice: str, speed: float, locale: str, pacing: Pacing,
                options: VoiceOptions | None = None, stt_model: str = "") -> str | None:
    """None when the stage cannot be fingerprinted (silent voice needs no cache; unknown voices fail later)."""
    from reelforge.providers.voice.piper import model_sha256
    from reelforge.providers.voice.registry import resolve_profile

    try:
        profile = resolve_profile(voice, options)
    except ReelforgeError:
        return None
    if profile is None:
        return None
    if profile.offline:
        if profile.model_path is None or profile.config_path is None or not profile.model_path.is_file() \
                or not profile.config_path.is_file():
            return None
        voice_identity: dict[str, Any] = {"model": model_sha256(profile.model_path),
                                          "config": sha256_file(profile.config_path)}
        if profile.voice_id:  # one Kokoro voices file holds many voices
            voice_identity["voice"] = profile.voice_id
    else:
        voice_identity = {"engine": profile.engine, "voice": profile.voice_id, "identity": profile.identity}
    if stt_model:
        voice_identity["sttModel"] = stt_model
    return sha256_json({
        "code": CODE_VERSION,
        "scenes": [[s.id, s.narration, s.duration_sec] for s in script.scenes],
        **voice_identity,
        "speed": speed,
        "locale": locale,
        "pacing": pacing.params(),
    })


def held(cache_root: Path, key: str) -> bool:
    """Is there an entry for ``key`` (load() still verifies its files)?"""
    return (cache_root / key / ENTRY).is_file()


def load(cache_root: Path, key: str, run_dir: Path) -> CachedNarration | None:
    """Copy a verified hit into ``run_dir``; None on any miss."""
    folder = cache_root / key
    try:
        entry = load_document_dict(folder / ENTRY)
        files: dict[str, str] = entry["files"]
        for rel, sha in files.items():
            if sha256_file(folder / rel) != sha:
                return None
        timing = load_document(Timing, folder / "timing.json", document="timing.json")
    except (OSError, KeyError, ReelforgeError):
        return None
    for rel in files:
        target = run_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / rel, target)
    with contextlib.suppress(OSError):
        os.utime(folder)  # last use, for `reelforge cache prune --older-than`
    return CachedNarration(timing=timing, entry=entry)


def store(cache_root: Path, key: str, run_dir: Path, files: list[str], entry: dict[str, Any]) -> None:
    """Keep the stage's outputs (run-relative ``files`` plus timing.json) for the next run with this key."""
    folder = cache_root / key
    hashes: dict[str, str] = {}
    for rel in [*files, "timing.json"]:
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(run_dir / rel, target)
        hashes[rel] = sha256_file(target)
    write_json_atomic(folder / ENTRY, {**entry, "files": hashes})


def load_document_dict(path: Path) -> dict[str, Any]:
    import json

    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
