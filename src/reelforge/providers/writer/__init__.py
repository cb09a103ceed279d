"""Text-model adapters for the script writer: OpenAI Chat Completions, Gemini generateContent, and any
OpenAI-compatible server (Ollama, llama.cpp server, vLLM). Vendor knowledge only: wire shapes, key
variables, structured-output schema dialects and list prices. Validation and repair live in
``reelforge.pipeline.writers``."""

from reelforge.providers.writer.base import Reply, TextModel, Turn, WriterCallError
from reelforge.providers.writer.registry import ModelChoice, choose_model

__all__ = ["ModelChoice", "Reply", "TextModel", "Turn", "WriterCallError", "choose_model"]
