"""Script writers behind one protocol (the ``script_writer`` setting, ``--writer``).

    skeleton   key-free: the brief's own sentences (pipeline/skeleton.py), or for an explainer with
               --source the grounded draft (reelforge.explainer)
    openai     OpenAI Chat Completions, structured output (OPENAI_API_KEY)
    gemini     Gemini generateContent, response schema (GEMINI_API_KEY or GOOGLE_API_KEY)
    local      any OpenAI-compatible server at ``writer_url`` (Ollama, llama.cpp server, vLLM); no key

``plan_writer`` runs the key-free writer at once (bad input fails before a run dir exists, and the
fallback is ready); an LLM writer is asked later, inside the run, after its cost passed the guardrail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reelforge.pipeline.writers.base import ScriptWriter, WriteRequest, WriteResult
from reelforge.pipeline.writers.llm import LLMWriter

if TYPE_CHECKING:
    import httpx

__all__ = ["LLMWriter", "ScriptWriter", "WritePlan", "WriteRequest", "WriteResult", "plan_llm_writer"]


@dataclass
class WritePlan:
    request: WriteRequest
    key_free: WriteResult
    llm: LLMWriter | None = None  # None: the key-free result is the script


def plan_llm_writer(vendor: str, *, model: str, url: str, env: Mapping[str, str], key_free: WriteResult,
                    transport: httpx.BaseTransport | None = None) -> LLMWriter:
    from reelforge.providers.writer import WriterCallError, choose_model
    from reelforge.providers.writer.base import ModelInfo
    from reelforge.providers.writer.registry import ModelChoice

    def fallback() -> WriteResult:
        return WriteResult(script=key_free.script, provider=key_free.provider, path_taken="fallback",
                           params=dict(key_free.params), warnings=list(key_free.warnings))

    try:
        choice = choose_model(vendor, model=model, url=url, env=env, transport=transport)
    except WriterCallError as exc:
        info = ModelInfo(vendor, model or "unknown", None, url)
        return LLMWriter(ModelChoice(info, None), None, fallback, unavailable=str(exc))
    client = None if choice.missing_key else choice.client(env, transport=transport)
    return LLMWriter(choice, client, fallback)


def run_dir_files(result: WriteResult, run_dir: Path) -> list[Path]:
    return [p for p in result.files if p.is_file() and p.is_relative_to(run_dir)]
