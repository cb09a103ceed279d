"""The writer's prompts: package files (pipeline/writers/prompts/*.md), filled with string.Template and
hashed, so the manifest says exactly which wording produced a script."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from string import Template

PROMPT_FILES = ("system.md", "mode-shorts.md", "mode-explainer.md", "mode-demo.md", "user.md", "repair.md")


def prompt_text(name: str) -> str:
    return resources.files("reelforge.pipeline.writers").joinpath("prompts", name).read_text(encoding="utf-8")


def prompt_hashes() -> dict[str, str]:
    return {name: hashlib.sha256(prompt_text(name).encode()).hexdigest() for name in PROMPT_FILES}


def fill(name: str, **values: object) -> str:
    return Template(prompt_text(name)).substitute({k: str(v) for k, v in values.items()})


@dataclass(frozen=True)
class Prompt:
    system: str
    user: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(f"{self.system}\n\x00\n{self.user}".encode()).hexdigest()
