"""The music stage: a synthesized bed for a mood, a user's audio file, or nothing.

The script's ``music`` wins over ``--music`` unless it is ``none`` (the seed's rule). A mood bed is
rendered for the whole video plus a second (the compositor trims it and fades the last two seconds),
from the run's seed, so the same run gives the same bytes. Its measured loudness goes into the stage
record, as does a user file's.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from reelforge.config import Settings
from reelforge.errors import FieldIssue, InvalidInputError, NotFoundError, SchemaValidationError
from reelforge.models.common import MUSIC_CHOICES, music_kind
from reelforge.models.render_spec import FileRef
from reelforge.models.script import Script
from reelforge.pipeline.recorder import RunRecorder, StageOutcome
from reelforge.workspace.atomic import write_json_atomic
from reelforge.workspace.hashing import sha256_file, sha256_json
from reelforge.workspace.paths import Workspace, ensure_inside

BED_MARGIN_SEC = 1.0
_AUDIO_HINT = "pass an audio file (wav, mp3, m4a, ogg, flac)"


def music_choice(script: Script, settings: Settings) -> str:
    """The music this run uses, validated before any stage spends time (exit 4 names where it came from)."""
    if script.music.strip() != "none":
        try:
            music_kind(script.music)
        except ValueError as exc:
            raise SchemaValidationError("script.json", [FieldIssue(path="music", message=f"{script.music!r} {exc}")],
                                        hint=f"set music to {MUSIC_CHOICES}") from None
        return script.music.strip()
    return str(settings["music"])


def run_music(run_dir: Path, settings: Settings, script: Script, recorder: RunRecorder, workspace: Workspace, *,
              seconds: float) -> FileRef | None:
    """Write the bed (or copy the user's file) into ``run_dir/audio`` and record it; None for no music."""
    choice = music_choice(script, settings)
    kind = music_kind(choice)
    if kind == "none":
        return None
    with recorder.stage("music") as out:
        if kind == "mood":
            from reelforge.providers.music import PROVIDER_ID

            seed = settings["seed"]
            target = run_dir / "audio" / f"music-{choice}.wav"
            params, key, reused = _bed(choice, seed, seconds + BED_MARGIN_SEC, target,
                                       workspace.internal / "cache" / "music")
            recorder.add_asset(target, seed=seed)
            recorder.set_provider("music", PROVIDER_ID)
            out.append(StageOutcome(provider=PROVIDER_ID, path_taken="real", fingerprint=key, reused=reused,
                                    params={**params, "gainDb": settings["music_gain_db"]}))
        else:
            target, params = _user_file(Path(choice), run_dir, workspace)
            recorder.add_asset(target)
            recorder.set_provider("music", "user-file")
            out.append(StageOutcome(provider="user-file", path_taken="real",
                                    params={**params, "gainDb": settings["music_gain_db"]}))
    return FileRef(src=target.relative_to(run_dir).as_posix(), sha256=sha256_file(target))


def _code_version() -> str:
    """sha256 of the synthesizer's source: a change to any of it misses every cached bed."""
    folder = Path(__file__).resolve().parent.parent / "providers" / "music"
    return sha256_json({p.name: sha256_file(p) for p in sorted(folder.glob("*.py"))})


def _bed(mood: str, seed: int, seconds: float, target: Path, cache_root: Path) -> tuple[dict[str, Any], str, bool]:
    """Synthesize the bed into ``target``, or copy a verified cached one (same code, mood, seed, length)."""
    from reelforge.providers.music import make_bed
    from reelforge.providers.music.bed import RATE

    key = sha256_json({"code": _code_version(), "mood": mood, "seed": seed, "samples": round(seconds * RATE)})
    folder = cache_root / key
    try:
        entry = json.loads((folder / "entry.json").read_text(encoding="utf-8"))
        if sha256_file(folder / "bed.wav") == entry["sha256"]:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / "bed.wav", target)
            return dict(entry["params"]), key, True
    except (OSError, ValueError, KeyError, TypeError):
        pass  # any miss or damage: make it again
    bed = make_bed(mood, seed, seconds, target)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(target, folder / "bed.wav")
    write_json_atomic(folder / "entry.json", {"sha256": sha256_file(target), "params": bed.params})
    return bed.params, key, False


def _user_file(source: Path, run_dir: Path, workspace: Workspace) -> tuple[Path, dict[str, Any]]:
    source = source if source.is_absolute() else workspace.root / source
    source = ensure_inside(source, workspace.root, what="music file", flag="--allow-external-input")
    if not source.is_file():
        raise NotFoundError(f"music file {source} does not exist",
                            hint=f"pass --music {MUSIC_CHOICES} (a file inside the workspace)")
    lufs = _measure_file(source)
    target = run_dir / "audio" / f"music{source.suffix.lower()}"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target, {"source": source.name, "lufs": lufs}


def _measure_file(path: Path) -> float | None:
    """Decode to 48 kHz stereo and measure integrated loudness; refuse a file that is not audio."""
    import av

    from reelforge.providers.music.loudness import RATE, integrated_lufs

    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise InvalidInputError(f"music file {path} has no audio stream", file=str(path), hint=_AUDIO_HINT)
            resampler = av.AudioResampler(format="flt", layout="stereo", rate=RATE)
            chunks: list[np.ndarray] = []
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1, 2))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1, 2))
    except av.FFmpegError as exc:
        raise InvalidInputError(f"music file {path} is not readable media: {exc}", file=str(path),
                                hint=_AUDIO_HINT) from None
    if not chunks:
        raise InvalidInputError(f"music file {path} has no audio samples", file=str(path), hint=_AUDIO_HINT)
    lufs = integrated_lufs(np.concatenate(chunks).astype(np.float64))
    return round(lufs, 2) if np.isfinite(lufs) else None
