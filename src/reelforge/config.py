"""Layered settings: built-in defaults < reelforge.toml < REELFORGE_* env < command-line flags.

Each layer is a plain dict; the merge keeps, for every key, the layer it came from, so
``reelforge config show`` can print the origin of each value.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from reelforge.errors import InvalidInputError

Parser = Callable[[Any], Any]


def _choice(*allowed: str) -> Parser:
    def parse(value: Any) -> str:
        text = str(value).strip()
        if text not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return text

    return parse


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("must be an integer")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text.lstrip("-").isdigit():
        raise ValueError("must be an integer")
    return int(text)


def _float(lo: float, hi: float) -> Parser:
    def parse(value: Any) -> float:
        if isinstance(value, bool):
            raise ValueError("must be a number")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError("must be a number") from None
        if not lo <= number <= hi:
            raise ValueError(f"must be between {lo:g} and {hi:g}")
        return number

    return parse


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("must be true or false")


def _text(value: Any) -> str:
    text = str(value).strip()
    if not text:
        raise ValueError("must not be empty")
    return text


def _duration(value: Any) -> str:
    """'auto' or 1..the longest mode's limit; the mode's own limit is checked once the mode is known
    (pipeline/run_setup.py), since a setting is validated before the others are read."""
    from reelforge.models.common import MODE_LIMITS, SCENE_MAX_SEC

    text = str(value).strip()
    if text == "auto":
        return text
    limits = ", ".join(f"{m} {lim.max_sec:.0f}" for m, lim in MODE_LIMITS.items())
    try:
        seconds = float(text)
    except ValueError:
        raise ValueError(f"must be 'auto' or a number of seconds (at most {limits})") from None
    if not 1 <= seconds <= SCENE_MAX_SEC:
        raise ValueError(f"must be between 1 and {SCENE_MAX_SEC:.0f} seconds (at most {limits})")
    return text


def _music(value: Any) -> str:
    from reelforge.models.common import music_kind

    text = _text(value)
    music_kind(text)
    return text


COMPOSITORS = ("ffmpeg",)
# The seed tool's compositors: named so a refusal can say what they are instead of "not a choice".
FOREIGN_COMPOSITORS = {"remotion": "Remotion (React, headless Chrome)", "mpt": "MoneyPrinterTurbo",
                       "hyperframes": "HyperFrames (HTML + GSAP)"}


def _compositor(value: Any) -> str:
    text = _text(value).lower()
    if text in COMPOSITORS:
        return text
    what = FOREIGN_COMPOSITORS.get(text)
    label = f"{what}, the seed tool's compositor," if what else "that compositor"
    raise ValueError(f"is refused: {label} is not part of reelforge, which composites with ffmpeg only; "
                     "it is never swapped in silently (pass --compositor ffmpeg or leave it out)")


def _hex_color(value: Any) -> str:
    text = str(value).strip().lstrip("#")
    if len(text) != 6 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise ValueError("must be a colour as #RRGGBB")
    return "#" + text.upper()


# compose/captions/presets.py PRESET_NAMES (a test keeps the two equal; config stays import-light).
CAPTION_PRESETS = ("word-highlight", "karaoke", "pop", "hook", "lower-third", "minimal", "tiktok", "none")
# reelforge.toml tables whose keys are settings with a prefix: [captions] size = 1.2 -> caption_size.
_TOML_TABLES = {"captions": "caption_"}
_TABLE_KEY_ALIASES = {("captions", "preset"): "captions"}


@dataclass(frozen=True)
class Option:
    key: str
    default: Any
    parse: Parser
    help: str


OPTIONS: tuple[Option, ...] = (
    Option("mode", "shorts", _choice("shorts", "explainer", "demo"), "video mode"),
    Option("aspect", "auto", _choice("9:16", "16:9", "1:1", "auto"), "frame aspect; auto: 9:16 shorts, 16:9 others"),
    Option("locale", "en", _text, "voice and caption language (BCP 47)"),
    Option("captions", "word-highlight", _choice(*CAPTION_PRESETS), "caption preset (tiktok = word-highlight)"),
    Option("platform", "tiktok", _choice("tiktok", "reels", "shorts", "generic"),
           "caption safe-area preset (a 16:9 or 1:1 video left on the default uses generic)"),
    Option("visual", "auto", _choice("auto", "card", "stock", "generate", "slide", "aigc"), "visual provider chain"),
    Option("voice", "joe", _text, "voice: joe, a Piper .onnx path, ENGINE:VOICE (elevenlabs:Rachel, openai:alloy, "
           "piper:joe; `reelforge voices` lists them), or none"),
    Option("voice_model", "", str, "the voice engine's model (empty: its default, e.g. eleven_multilingual_v2, "
           "gpt-4o-mini-tts)"),
    Option("voice_stability", 0.5, _float(0, 1), "ElevenLabs voice_settings.stability"),
    Option("voice_similarity", 0.75, _float(0, 1), "ElevenLabs voice_settings.similarity_boost"),
    Option("voice_style", "", str, "spoken delivery instructions for engines that take them (gpt-4o-mini-tts)"),
    Option("stt_model", "", str, "a multilingual faster-whisper model folder for timing non-English speech "
           "(empty: only English is transcribed; other languages use the voice's own timing or an estimate)"),
    Option("speed", 1.0, _float(0.5, 2.0), "speech speed (1.0 = voice default)"),
    Option("breath", 0.25, _float(0, 2.0),
           "seconds of silence after each scene's speech in a drafted script (scenes follow the voice)"),
    Option("voice_variation", False, _bool, "Piper's random prosody (not reproducible from the brief)"),
    Option("image_model", "", str, "hosted image key for --visual generate (empty: chosen by the key that is set)"),
    Option("music", "none", _music, "calm, upbeat, cinematic, lofi, piano (synthesized beds), none, or a path to "
           "an audio file"),
    Option("music_gain_db", -15.0, _float(-60, 0), "music level in dB: a -14 LUFS bed sits ~15 LU under the speech, "
           "~10 dB more under words"),
    Option("duration", "auto", _duration, "target length of a drafted script, seconds or auto"),
    Option("script_writer", "skeleton", _choice("skeleton", "openai", "gemini", "local"),
           "who drafts script.json from a brief: skeleton (key-free), openai, gemini, or local (an "
           "OpenAI-compatible server at writer_url)"),
    Option("writer_model", "", str,
           "model for the LLM writer (empty: the vendor's default; local: the server's first)"),
    Option("writer_url", "http://127.0.0.1:11434/v1", _text,
           "base URL of an OpenAI-compatible server for --writer local (Ollama, llama.cpp server, vLLM)"),
    Option("call_to_action", "", str, "a closing line the writer ends on (empty: none unless the brief has one)"),
    Option("seed", 1, _int, "seed for layouts, palettes and motion"),
    Option("out", "videos", _text, "where run directories go (inside the workspace)"),
    Option("engine", "local", _choice("local", "ray"), "where `video batch` and `video render` run: local (a process "
           "pool) or ray (a Ray cluster; extra [scale])"),
    Option("ray_address", "", str, "Ray cluster address for --engine ray (e.g. 127.0.0.1:6379); empty: start a "
           "local Ray"),
    Option("max_usd", 0.20, _float(0, 10_000), "cost guardrail: paid plans at or above need --yes"),
    Option("timeout", 1800, _int, "seconds to wait for a hosted job (an aigc clip) before falling back"),
    Option("caption_font", "", str, "path to a caption font (.ttf/.otf); empty: chosen by the text's script"),
    Option("caption_size", 1.0, _float(0.3, 3.0), "caption font size, times the preset's own"),
    Option("caption_outline", 1.0, _float(0.0, 4.0), "caption outline width, times the preset's own (0: none)"),
    Option("caption_color", "#FFFFFF", _hex_color, "caption text colour #RRGGBB"),
    Option("caption_highlight", "#FFD700", _hex_color, "spoken-word / karaoke fill colour #RRGGBB"),
    Option("caption_outline_color", "#000000", _hex_color, "caption outline colour #RRGGBB"),
    Option("caption_position", "auto", _choice("auto", "bottom", "middle", "top"),
           "where captions sit in the safe area (auto: the preset's own)"),
    Option("transition", "fade", _choice("cut", "fade", "slide", "wipe"), "default transition between scenes"),
    Option("compositor", "ffmpeg", _compositor, "the compositor (ffmpeg; the seed's remotion/mpt are refused)"),
    Option("crf", 21, _int, "x264 quality (lower is better, bigger)"),
    Option("check", True, _bool, "run the pre-publish check (reelforge check) at the end of generate"),
    Option("credentials", "auto", _choice("auto", "on", "off"),
           "C2PA content credentials: auto signs when c2pa-python is installed"),
    Option("credentials_cert", "", str, "PEM cert chain (leaf first) for credentials; empty: local identity"),
    Option("credentials_key", "", str, "PEM private key of credentials_cert"),
    Option("credentials_signer", "", str, "a command that signs (bytes on stdin, signature on stdout): KMS/HSM hook"),
    Option("credentials_alg", "es256", _choice("es256", "es384", "es512", "ps256", "ed25519"),
           "signature algorithm of credentials_signer"),
    Option("preset", "veryfast", _choice("ultrafast", "superfast", "veryfast", "faster", "fast", "medium"),
           "x264 preset"),
    # hosted vendor calls (image jobs, render jobs, generated stills): see README "Vendor deadlines"
    Option("vendor_connect_timeout", 10.0, _float(0.1, 600), "seconds to open a connection to a vendor"),
    Option("vendor_deadline", 45.0, _float(0.5, 3600),
           "overall seconds for one vendor call (connect + send + the whole answer); a hung or dripping "
           "vendor ends with exit 6"),
    Option("job_deadline", 600.0, _float(1, 86400),
           "total seconds for one hosted job: its submit retries, status checks and waits together (exit 6)"),
    Option("download_deadline", 300.0, _float(0.5, 7200), "overall seconds for one output download"),
    Option("retry_attempts", 5, _int, "tries per vendor call, the first included (429/5xx/connect errors)"),
    Option("retry_base_s", 0.5, _float(0, 600), "backoff base in seconds (full jitter, doubled per try)"),
    Option("retry_cap_s", 30.0, _float(0, 3600), "longest wait between two tries"),
    Option("render_poll_interval_s", 8.0, _float(0, 3600), "seconds between two polls of a render job"),
)
OPTIONS_BY_KEY = {o.key: o for o in OPTIONS}
ENV_PREFIX = "REELFORGE_"
# Env vars with this prefix that are not settings (base URLs, paths) and must not be flagged as unknown.
_NON_SETTING_ENV_SUFFIXES = ("_BASE_URL", "_API_KEY")


@dataclass(frozen=True)
class Setting:
    value: Any
    origin: str  # "default" | "reelforge.toml" | "env:REELFORGE_X" | "flag:--x"


@dataclass
class Settings:
    """Resolved settings with the origin of each value."""

    values: dict[str, Setting] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.values[key].value

    def origin(self, key: str) -> str:
        return self.values[key].origin

    def as_dict(self) -> dict[str, Any]:
        return {k: s.value for k, s in self.values.items()}

    def describe(self) -> list[dict[str, Any]]:
        return [{"key": k, "value": s.value, "origin": s.origin} for k, s in self.values.items()]


def caption_platform(settings: Settings, aspect: str) -> str:
    """The safe-area preset a video's captions and cards are laid out for: the platform setting, except
    that a landscape or square video left on the default (tiktok, a 9:16 app) is laid out for a plain
    player (generic), centred; the check treats such an explainer as YouTube long form too."""
    if aspect != "9:16" and settings.origin("platform") == "default":
        return "generic"
    return str(settings["platform"])


def read_toml_layer(path: Path) -> dict[str, Any]:
    """The ``[video]`` table (or top-level keys) of reelforge.toml; keys may use - or _."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{path} is not valid TOML: {exc}", hint="fix the file or remove it",
                                file=str(path)) from None
    table = data.get("video", data)
    if not isinstance(table, dict):
        raise InvalidInputError(f"{path}: [video] must be a table", file=str(path))
    layer = {str(k).replace("-", "_"): v for k, v in table.items() if not isinstance(v, dict)}
    credentials = data.get("credentials")  # [credentials] cert/key: the credentials_cert/credentials_key settings
    if isinstance(credentials, dict):
        layer.update({f"credentials_{str(k).replace('-', '_')}": v for k, v in credentials.items()})
    for name, prefix in _TOML_TABLES.items():
        sub = data.get(name)
        if sub is None:
            continue
        if not isinstance(sub, dict):
            raise InvalidInputError(f"{path}: [{name}] must be a table", file=str(path))
        for key, value in sub.items():
            norm = str(key).replace("-", "_")
            layer[_TABLE_KEY_ALIASES.get((name, norm), prefix + norm)] = value
    return layer


VOICE_PROFILE_KEYS = ("model", "speed")


@dataclass(frozen=True)
class VoiceProfileEntry:
    """A ``[voices.<name>]`` table: a Piper model (workspace-relative or absolute) and an optional speed."""

    name: str
    model: Path
    speed: float | None


def read_voice_profiles(path: Path) -> dict[str, VoiceProfileEntry]:
    """The ``[voices.<name>]`` tables of reelforge.toml, checked (exit 4 naming the table and key)."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}  # read_toml_layer reports the broken file
    tables = data.get("voices", {})
    if not isinstance(tables, dict):
        raise InvalidInputError(f"{path}: [voices] must hold tables like [voices.narrator]", file=str(path),
                                hint='write [voices.narrator] with model = "voices/en_GB-alba-medium.onnx"')
    profiles: dict[str, VoiceProfileEntry] = {}
    for name, table in tables.items():
        where = f"{path}: [voices.{name}]"
        if name == "none" or not isinstance(table, dict):
            raise InvalidInputError(f"{where} must be a table and not named 'none'", file=str(path),
                                    hint='write [voices.narrator] with model = "voices/x.onnx"')
        unknown = sorted(set(table) - set(VOICE_PROFILE_KEYS))
        if unknown:
            raise InvalidInputError(f"{where}: unknown key(s) {', '.join(unknown)}", file=str(path),
                                    hint=f"a voice profile has {', '.join(VOICE_PROFILE_KEYS)}")
        model = table.get("model")
        if not isinstance(model, str) or not model.strip():
            raise InvalidInputError(f"{where}: model must be the path of a Piper .onnx voice", file=str(path),
                                    hint='model = "voices/en_US-lessac-medium.onnx" (its .onnx.json beside it)')
        speed = None
        if "speed" in table:
            try:
                speed = _float(0.5, 2.0)(table["speed"])
            except ValueError as exc:
                raise InvalidInputError(f"{where}: speed {exc}", file=str(path), hint="speed = 1.1") from None
        model_path = Path(model).expanduser()
        profiles[str(name)] = VoiceProfileEntry(str(name), model_path if model_path.is_absolute()
                                                else path.parent / model_path, speed)
    return profiles


def _apply_voice_profile(settings: Settings, profiles: Mapping[str, VoiceProfileEntry]) -> None:
    """``voice = NAME`` of a ``[voices.NAME]`` table becomes its model path (the origin keeps the name); the
    profile's speed applies unless --speed or REELFORGE_SPEED set one."""
    voice = settings.values["voice"]
    profile = profiles.get(str(voice.value))
    if profile is None:
        return
    label = f"reelforge.toml [voices.{profile.name}]"
    settings.values["voice"] = Setting(str(profile.model), f"{label} via {voice.origin}")
    if profile.speed is not None and not settings.origin("speed").startswith(("flag:", "env:")):
        settings.values["speed"] = Setting(profile.speed, label)


def read_env_layer(environ: Mapping[str, str]) -> dict[str, Any]:
    layer: dict[str, Any] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or name.endswith(_NON_SETTING_ENV_SUFFIXES):
            continue
        key = name[len(ENV_PREFIX):].lower()
        if key in OPTIONS_BY_KEY:
            layer[key] = value
    return layer


def environ_value(name: str) -> str | None:
    """A non-setting environment value (API keys, base URLs, per-vendor overrides), stripped; None if unset.

    The one place outside ``resolve_settings`` that reads the environment, so every read is auditable here.
    """
    value = os.environ.get(name, "").strip()
    return value or None


def environ_view() -> Mapping[str, str]:
    """A read-only view of the environment for code that looks up provider keys by registry row (the LLM
    writers); kept here so every environment read stays auditable in this module."""
    return MappingProxyType(dict(os.environ))


@dataclass(frozen=True)
class EnvironmentVariable:
    """An environment variable reelforge reads that is not a layered setting (it has no toml key or flag)."""

    name: str
    help: str
    secret: bool = False


# Every non-setting variable read outside the registry's key/base-URL rows, so `config show` can list each with
# its origin. A new read goes through environ_value() and gets a row here (tests/test_environ_reads.py).
ENVIRONMENT: tuple[EnvironmentVariable, ...] = (
    EnvironmentVariable("REELFORGE_RENDER_JOBS", "ffmpeg processes (and card workers) at once; unset: the CPUs "
                        "this process may use"),
    EnvironmentVariable("REELFORGE_CHROMIUM", "the Chromium executable for web capture; unset: the first on PATH"),
    EnvironmentVariable("DISPLAY", "X display for a headed capture browser"),
    EnvironmentVariable("WAYLAND_DISPLAY", "Wayland display for a headed capture browser"),
    EnvironmentVariable("ARK_API_KEY", "BytePlus Ark key: --visual aigc clips and Seedance renders", secret=True),
    EnvironmentVariable("USER", "default reviewer name of a QA record"),
    EnvironmentVariable("REELFORGE_S3_BUCKET", "bucket for `reelforge image upload`"),
    EnvironmentVariable("REELFORGE_S3_BASE_URL", "S3-compatible endpoint for uploads"),
    EnvironmentVariable("AWS_REGION", "region of the upload bucket (default us-east-1)"),
    EnvironmentVariable("AZURE_SPEECH_REGION", "region of AZURE_SPEECH_KEY (--voice azure:...)"),
    EnvironmentVariable("REELFORGE_EDGE_BASE_URL", "edge-tts endpoint override (--voice edge:...)"),
    EnvironmentVariable("REELFORGE_EDGE_TTS", "1: `reelforge voices` lists edge-tts voices (an unofficial online "
                        "service; --voice edge:... works without it)"),
    EnvironmentVariable("REELFORGE_KOKORO_MODEL", "your Kokoro .onnx model file (--voice kokoro:...)"),
    EnvironmentVariable("REELFORGE_KOKORO_VOICES", "your Kokoro voices file, voices-v1.0.bin (--voice kokoro:...)"),
    EnvironmentVariable("REELFORGE_CACHE_DIR", "the per-user cache every workspace shares (the alignment-patched "
                        "Piper voice); unset: $XDG_CACHE_HOME/reelforge, else ~/.cache/reelforge"),
    EnvironmentVariable("XDG_CACHE_HOME", "base of the per-user cache when REELFORGE_CACHE_DIR is unset"),
)
# Set variables with this prefix override one model's price (REELFORGE_PRICE_<MODEL_KEY>).
PRICE_ENV_PREFIX = "REELFORGE_PRICE_"


def describe_environment(extra: Sequence[EnvironmentVariable] = (),
                         environ: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Rows for `config show`: each ENVIRONMENT variable (plus ``extra``, e.g. the provider registry's keys and
    base URLs, and any price override that is set), its value (secrets only as "(set)") and its origin."""
    env = os.environ if environ is None else environ
    prices = [EnvironmentVariable(n, "price override (USD)") for n in sorted(env) if n.startswith(PRICE_ENV_PREFIX)]
    rows = []
    seen: set[str] = set()
    for var in (*ENVIRONMENT, *extra, *prices):
        if var.name in seen:
            continue
        seen.add(var.name)
        raw = env.get(var.name, "").strip()
        value = ("(set)" if var.secret else raw) if raw else None
        rows.append({"key": var.name, "value": value, "origin": f"env:{var.name}" if raw else "unset",
                     "help": var.help})
    return rows


def user_cache_dir() -> Path | None:
    """The per-user cache shared by every workspace: REELFORGE_CACHE_DIR, else $XDG_CACHE_HOME/reelforge (an
    absolute XDG path only, as the XDG spec says), else ~/.cache/reelforge; None when there is no home."""
    explicit = environ_value("REELFORGE_CACHE_DIR")
    if explicit is not None:
        return Path(explicit).expanduser()
    xdg = environ_value("XDG_CACHE_HOME")
    if xdg is not None and Path(xdg).is_absolute():
        return Path(xdg) / "reelforge"
    try:
        return Path.home() / ".cache" / "reelforge"
    except RuntimeError:  # no HOME and no passwd entry
        return None


def render_jobs() -> int | None:
    """REELFORGE_RENDER_JOBS as a whole number >= 1, or None when unset (exit 4 naming it when malformed)."""
    text = environ_value("REELFORGE_RENDER_JOBS")
    if text is None:
        return None
    if not text.isdigit() or int(text) < 1:
        raise InvalidInputError(f"REELFORGE_RENDER_JOBS is {text!r}, not a whole number of at least 1",
                                hint="set it to how many ffmpeg processes may run at once (e.g. 2), or unset it")
    return int(text)


@contextmanager
def child_environ(name: str, value: str) -> Iterator[None]:
    """Set ``name`` in this process's environment for a child started inside the block, then restore it.

    For libraries that copy os.environ into a subprocess and take no env argument (Playwright's driver)."""
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def resolve_settings(*, workspace_root: Path, flags: Mapping[str, Any] | None = None,
                     environ: Mapping[str, str] | None = None) -> Settings:
    """Merge the four layers in order and validate every value, naming its origin on error."""
    env = os.environ if environ is None else environ
    toml_path = workspace_root / "reelforge.toml"
    layers: list[tuple[str, dict[str, Any]]] = [
        ("reelforge.toml", read_toml_layer(toml_path)),
        ("env", read_env_layer(env)),
        ("flag", {k: v for k, v in (flags or {}).items() if v is not None}),
    ]
    settings = Settings({o.key: Setting(o.default, "default") for o in OPTIONS})
    for layer_name, layer in layers:
        for key, raw in layer.items():
            option = OPTIONS_BY_KEY.get(key)
            if option is None:
                if layer_name == "reelforge.toml":
                    raise InvalidInputError(
                        f"{toml_path}: unknown setting '{key}'",
                        hint=f"known settings: {', '.join(OPTIONS_BY_KEY)}", file=str(toml_path))
                continue
            origin = _origin_label(layer_name, key)
            try:
                value = option.parse(raw)
            except ValueError as exc:
                raise InvalidInputError(f"{origin}: {key}={raw!r} {exc}",
                                        hint=f"fix {origin} ({option.help})") from None
            settings.values[key] = Setting(value, origin)
    _apply_voice_profile(settings, read_voice_profiles(toml_path))
    return settings


def _origin_label(layer: str, key: str) -> str:
    if layer == "env":
        return f"env:{ENV_PREFIX}{key.upper()}"
    if layer == "flag":
        return f"flag:--{key.replace('_', '-')}"
    return layer
