"""Models and fonts are loaded outside the module locks that guard their per-process caches.

Loading imports modules (onnx, a phonemizer, a fontTools table), and a thread that waits on a module's import
lock while holding a cache lock can deadlock with a thread that holds that import lock and waits on the cache
lock. A studio task once hung the suite that way, inside Piper's load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reelforge.providers.timing import stt
from reelforge.providers.voice import kokoro, piper
from reelforge.providers.voice.registry import resolve_profile
from reelforge.text import fonts


def test_piper_loads_its_voice_outside_the_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    import piper as piper_package

    held: list[bool] = []
    real_load = piper_package.PiperVoice.load

    def load(*args: Any, **kwargs: Any) -> Any:
        held.append(piper._LOCK._is_owned())  # type: ignore[attr-defined]
        return real_load(*args, **kwargs)

    monkeypatch.setattr(piper_package.PiperVoice, "load", load)
    monkeypatch.setattr(piper, "_VOICES", {})
    profile = resolve_profile("joe")
    assert profile is not None
    first = piper._load(profile, alignments=False)
    assert piper._load(profile, alignments=False) is first  # still loaded once per process
    assert held == [False]


def test_whisper_loads_its_model_outside_the_lock(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import faster_whisper

    held: list[bool] = []

    class Recording:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            held.append(stt._LOCK.locked())

    monkeypatch.setattr(faster_whisper, "WhisperModel", Recording)
    monkeypatch.setattr(stt, "_MODELS", {})
    first = stt._model(tmp_path)
    assert stt._model(tmp_path) is first
    assert held == [False]


def test_kokoro_loads_its_engine_outside_the_lock(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    kokoro_onnx = pytest.importorskip("kokoro_onnx")
    held: list[bool] = []

    class Recording:
        def __init__(self, *args: Any) -> None:
            held.append(kokoro._LOCK.locked())

    monkeypatch.setattr(kokoro_onnx, "Kokoro", Recording)
    monkeypatch.setattr(kokoro, "_ENGINES", {})
    model, voices = tmp_path / "m.onnx", tmp_path / "v.bin"
    first = kokoro._load(model, voices)
    assert kokoro._load(model, voices) is first
    assert held == [False]


def test_font_coverage_is_read_outside_the_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    held: list[bool] = []
    real = fonts.TTFont

    def reading(*args: Any, **kwargs: Any) -> Any:
        held.append(fonts._LOCK.locked())
        return real(*args, **kwargs)

    monkeypatch.setattr(fonts, "TTFont", reading)
    monkeypatch.setattr(fonts, "_COVERAGE", {})
    path = fonts.font_for_text("Sleep better").path
    first = fonts.coverage(path)
    assert fonts.coverage(path) is first and ord("S") in first
    assert held == [False]
