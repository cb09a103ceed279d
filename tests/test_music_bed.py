"""Synthesized music beds: deterministic, the right length and loudness, in key, and wired to --music."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from reelforge.models.common import MUSIC_MOODS, music_kind
from reelforge.providers.music import MOOD_NAMES, make_bed
from reelforge.providers.music.loudness import integrated_lufs
from reelforge.providers.music.moods import SCALES
from reelforge.providers.voice.wavio import read_wav, write_wav
from tests.cli_helpers import run_cli, run_json

BRIEF = "Sleep is a skill. Dim your screens an hour before bed."


def _bed(tmp_path: Path, mood: str, seed: int, seconds: float, name: str = "") -> tuple[Path, object]:
    out = tmp_path / f"{name or mood}-{seed}.wav"
    return out, make_bed(mood, seed, seconds, out)


def _floats(path: Path) -> np.ndarray:
    samples, rate = read_wav(path)
    assert rate == 48000
    return samples.astype(np.float64) / 32768


def test_moods_are_the_seed_tools_five() -> None:
    assert MOOD_NAMES == MUSIC_MOODS == ("calm", "upbeat", "cinematic", "lofi", "piano")


@pytest.mark.parametrize("mood", MUSIC_MOODS)
def test_each_mood_is_deterministic_right_length_and_loudness(tmp_path: Path, mood: str) -> None:
    a, bed = _bed(tmp_path, mood, 11, 6.5, "a")
    b, _ = _bed(tmp_path, mood, 11, 6.5, "b")
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
    samples = _floats(a)
    assert samples.shape == (round(6.5 * 48000), 2)
    assert abs(integrated_lufs(samples) - (-14.0)) < 0.3
    assert bed.lufs == pytest.approx(integrated_lufs(samples), abs=0.01)  # type: ignore[attr-defined]
    assert np.max(np.abs(samples)) <= 10 ** (-1.0 / 20) + 1e-4  # peak ceiling -1 dBFS
    assert bed.params["licence"].startswith("Apache-2.0")  # type: ignore[attr-defined]


def test_seed_and_mood_change_the_bytes(tmp_path: Path) -> None:
    one, _ = _bed(tmp_path, "calm", 1, 4.0)
    two, _ = _bed(tmp_path, "calm", 2, 4.0)
    other, _ = _bed(tmp_path, "lofi", 1, 4.0)
    assert len({one.read_bytes(), two.read_bytes(), other.read_bytes()}) == 3


@pytest.mark.parametrize("mood", MUSIC_MOODS)
def test_bed_is_music_in_its_key_not_a_tone(tmp_path: Path, mood: str) -> None:
    """Most tonal energy lies on the plan's scale, spread over several notes, and the chords change."""
    path, bed = _bed(tmp_path, mood, 5, 14.0)
    x = _floats(path).mean(axis=1)
    params = bed.params  # type: ignore[attr-defined]
    names = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
    tonic, mode = params["key"].split()
    scale = {(names.index(tonic) + step) % 12 for step in SCALES[mode]}
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / 48000)
    band = (freqs > 80) & (freqs < 2000)
    classes = np.round(12 * np.log2(freqs[band] / 440) + 69).astype(int) % 12
    chroma = np.bincount(classes, weights=spectrum[band], minlength=12)
    chroma /= chroma.sum()
    assert sum(chroma[c] for c in scale) > 0.8, (params["key"], chroma.round(3))
    assert int((chroma > 0.05).sum()) >= 4
    # bar-to-bar harmony moves: the chroma of consecutive bars differs
    bar = round(240 / params["tempoBpm"] * 48000)
    bars = [x[i * bar:(i + 1) * bar] for i in range(1, min(4, x.size // bar))]
    profiles = []
    for chunk in bars:
        s = np.abs(np.fft.rfft(chunk)) ** 2
        f = np.fft.rfftfreq(chunk.size, 1 / 48000)
        sel = (f > 80) & (f < 1000)
        c = np.bincount(np.round(12 * np.log2(f[sel] / 440) + 69).astype(int) % 12, weights=s[sel], minlength=12)
        profiles.append(c / c.sum())
    assert any(np.abs(p - q).sum() > 0.2 for p, q in itertools.pairwise(profiles))


def test_loudness_matches_ffmpeg_ebur128(tmp_path: Path) -> None:
    path, _ = _bed(tmp_path, "upbeat", 3, 8.0)
    quiet = tmp_path / "quiet.wav"
    samples, _ = read_wav(path)
    write_wav(quiet, (samples.astype(np.float64) * 0.25).astype(np.int16), 48000)  # about -12 dB
    for wav in (path, quiet):
        proc = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(wav), "-af",
                               "ebur128", "-f", "null", "-"], capture_output=True, text=True, check=True)
        summary = proc.stderr[proc.stderr.rfind("Summary:"):]
        ffmpeg_i = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))  # type: ignore[union-attr]
        assert integrated_lufs(_floats(wav)) == pytest.approx(ffmpeg_i, abs=0.15)


def test_music_kind() -> None:
    assert music_kind("none") == "none" and music_kind("calm") == "mood"
    assert music_kind("bed.mp3") == "path" and music_kind("./calm") == "path" and music_kind("a/b") == "path"
    with pytest.raises(ValueError, match=r"calm \| upbeat"):
        music_kind("clam")


def test_bad_music_value_names_the_flag_and_choices(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out = run_json(capsys, "video", "generate", BRIEF, "--music", "clam", "--dry-run")
    assert code == 4
    message = out["error"]["message"]
    assert "--music" in message and all(m in message for m in (*MUSIC_MOODS, "none", "PATH"))
    assert not (workspace / "videos").exists()  # refused before a run dir was made


def test_music_none_has_no_music_stream(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out = run_json(capsys, "video", "generate", BRIEF, "--voice", "none", "--music", "none", "--dry-run")
    assert code == 0, out
    run_dir = Path(out["runDir"])
    spec = json.loads((run_dir / "render-spec.json").read_text())
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert "music" not in spec["audio"] and "music" not in manifest["providers"]
    assert not list(run_dir.glob("audio/music*"))


def test_a_path_still_works_and_is_measured(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    t = np.arange(48000 * 3) / 48000
    tone = (0.1 * np.sin(2 * np.pi * 220 * t) * 32767).astype(np.int16)
    write_wav(workspace / "mine.wav", np.stack([tone, tone], axis=1), 48000)
    code, out = run_json(capsys, "video", "generate", BRIEF, "--voice", "none", "--music", "mine.wav", "--dry-run")
    assert code == 0, out
    run_dir = Path(out["runDir"])
    manifest = json.loads((run_dir / "manifest.json").read_text())
    stage = next(s for s in manifest["stages"] if s["stage"] == "music")
    assert stage["provider"] == "user-file" and stage["params"]["source"] == "mine.wav"
    assert stage["params"]["lufs"] == pytest.approx(integrated_lufs(_floats(workspace / "mine.wav")), abs=0.01)
    assert json.loads((run_dir / "render-spec.json").read_text())["audio"]["music"]["src"] == "audio/music.wav"


def test_missing_music_file_is_not_found(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, _out, err = run_cli(capsys, "video", "generate", BRIEF, "--voice", "none", "--music", "gone.mp3",
                              "--dry-run")
    assert code == 3 and "gone.mp3" in err


def test_mood_bed_in_a_run_and_script_music_wins(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    script = {"schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": "en", "title": "Beds",
              "music": "upbeat", "scenes": [{"id": "scene-01", "durationSec": 3, "narration": "One."},
                                            {"id": "scene-02", "durationSec": 2, "narration": "Two."}]}
    (workspace / "s.json").write_text(json.dumps(script))
    code, out = run_json(capsys, "video", "generate", "--script", "s.json", "--voice", "none", "--music", "calm",
                         "--seed", "4", "--dry-run")
    assert code == 0, out
    run_dir = Path(out["runDir"])
    manifest = json.loads((run_dir / "manifest.json").read_text())
    stage = next(s for s in manifest["stages"] if s["stage"] == "music")
    assert manifest["providers"]["music"] == "reelforge-synth"
    assert stage["params"]["mood"] == "upbeat" and stage["params"]["seed"] == 4
    assert stage["params"]["lufs"] == pytest.approx(-14.0, abs=0.3)
    assert "Apache-2.0" in stage["params"]["licence"]
    spec = json.loads((run_dir / "render-spec.json").read_text())
    bed = _floats(run_dir / spec["audio"]["music"]["src"])
    assert bed.shape[0] / 48000 >= spec["durationInFrames"] / 30  # long enough for the video


def test_bad_script_music_names_the_field(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    script = {"schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": "en", "title": "Beds",
              "music": "jazzy", "scenes": [{"id": "scene-01", "durationSec": 3, "narration": "One."}]}
    (workspace / "s.json").write_text(json.dumps(script))
    code, out = run_json(capsys, "video", "generate", "--script", "s.json", "--voice", "none", "--dry-run")
    assert code == 4
    assert "music" in out["error"]["message"] and "calm" in out["error"]["message"]


@pytest.mark.slow
def test_rendered_short_carries_the_bed_under_speech(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out = run_json(capsys, "video", "generate", BRIEF, "--voice", "none", "--music", "piano", "--duration",
                         "4", "--seed", "9")
    assert code == 0, out
    raw = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", out["video"], "-f", "f32le", "-ac",
                          "2", "-ar", "48000", "-"], capture_output=True, check=True).stdout
    audio = np.frombuffer(raw, "<f4").reshape(-1, 2).astype(np.float64)
    assert audio.shape[0] / 48000 == pytest.approx(out["durationSec"], abs=0.05)
    assert integrated_lufs(audio) > -30  # the bed is heard (no speech in this run)


def test_bed_is_reused_from_the_cache_only_when_its_inputs_match(capsys: pytest.CaptureFixture[str],
                                                                 workspace: Path) -> None:
    def run(*extra: str) -> tuple[dict, bytes]:
        code, out = run_json(capsys, "video", "generate", BRIEF, "--voice", "none", "--music", "lofi", "--dry-run",
                             *extra)
        assert code == 0, out
        run_dir = Path(out["runDir"])
        manifest = json.loads((run_dir / "manifest.json").read_text())
        stage = next(s for s in manifest["stages"] if s["stage"] == "music")
        return stage, (run_dir / "audio" / "music-lofi.wav").read_bytes()

    first, first_bytes = run("--seed", "3")
    again, again_bytes = run("--seed", "3")
    other, other_bytes = run("--seed", "4")
    assert not first["reused"] and again["reused"] and not other["reused"]
    assert again_bytes == first_bytes != other_bytes
    assert again["params"]["lufs"] == first["params"]["lufs"]
