"""Which text model a ``script_writer`` setting means here: vendor, model, key variable, base URL.

Keys and base URLs come from the environment mapping given (the CLI passes os.environ once); a key is
held in memory only and never written, logged or put in a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reelforge.providers.writer.base import ModelInfo, TextModel, WriterCallError, mask_url

if TYPE_CHECKING:  # httpx costs ~0.1 s to import; a key-free run never calls a writer
    import httpx

DEFAULT_MODEL = {"openai": "gpt-4.1-mini", "gemini": "gemini-2.5-flash"}
KEY_ENVS = {"openai": ("OPENAI_API_KEY",), "gemini": ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
            "local": ("REELFORGE_WRITER_API_KEY",)}
BASE_URL_ENV = {"openai": "REELFORGE_OPENAI_BASE_URL", "gemini": "REELFORGE_GEMINI_BASE_URL"}
DEFAULT_BASE = {"openai": "https://api.openai.com/v1", "gemini": "https://generativelanguage.googleapis.com"}


@dataclass(frozen=True)
class ModelChoice:
    info: ModelInfo
    key: str | None  # None: missing (hosted vendors fall back to the key-free writer)

    @property
    def missing_key(self) -> bool:
        return self.info.vendor != "local" and not self.key

    def __repr__(self) -> str:  # never show the key
        return f"ModelChoice({self.info!r}, key={'set' if self.key else 'missing'})"

    def client(self, env: Mapping[str, str], *, transport: httpx.BaseTransport | None = None,
               **kwargs: Any) -> TextModel:
        from reelforge.providers.writer.gemini import GeminiText
        from reelforge.providers.writer.openai_chat import OpenAIChat
        from reelforge.providers.writer.transport import Retry

        retry = Retry.from_env(env)
        if self.info.vendor == "gemini":
            return GeminiText(self.info, key=self.key, retry=retry, transport=transport, **kwargs)
        return OpenAIChat(self.info, key=self.key, retry=retry, transport=transport, **kwargs)


def choose_model(vendor: str, *, model: str, url: str, env: Mapping[str, str],
                 transport: httpx.BaseTransport | None = None) -> ModelChoice:
    """Resolve vendor + model + key. ``local`` without a model asks the server's /models for its first."""
    names = KEY_ENVS[vendor]
    key_env = next((n for n in names if env.get(n, "").strip()), names[0])
    key = env.get(key_env, "").strip() or None
    if vendor == "local":
        base = url.rstrip("/")
        chosen = model or first_served_model(base, key, transport=transport)
        return ModelChoice(ModelInfo("local", chosen, key_env if key else None, base), key)
    base = env.get(BASE_URL_ENV[vendor], "").strip() or DEFAULT_BASE[vendor]
    return ModelChoice(ModelInfo(vendor, model or DEFAULT_MODEL[vendor], key_env, base), key)


def first_served_model(base: str, key: str | None, *, transport: httpx.BaseTransport | None = None) -> str:
    """GET {base}/models (OpenAI shape, served by Ollama, llama.cpp and vLLM): the first model id."""
    import httpx

    headers = {"Authorization": f"Bearer {key}"} if key else {}
    try:
        with httpx.Client(timeout=10.0, transport=transport) as client:
            response = client.get(f"{base}/models", headers=headers)
        data = response.json()
        first = data["data"][0]["id"]
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError):
        raise WriterCallError("unavailable", f"the OpenAI-compatible server at {mask_url(base)} did not list a model "
                              "(GET /models)") from None
    return str(first)
