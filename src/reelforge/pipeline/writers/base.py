"""What every script writer takes and gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from reelforge.models.script import Script


class Grounding(Protocol):
    """Material a grounded script must cite (explainer): numbered lines and the checks on citations."""

    default_ref: str  # the source file a slide/diagram scene points at

    def prompt_text(self) -> str:
        """The cleaned material, every kept line numbered as FILE:LINE."""
        ...

    def citation_error(self, ref: str) -> str | None:
        """None when ``ref`` (FILE:LINE or FILE:START-END) names lines that were shown; else why not."""
        ...

    def cited_text(self, ref: str) -> str:
        ...

    def visual_ref_error(self, kind: str, ref: str | None) -> str | None:
        ...


@dataclass(frozen=True)
class WriteRequest:
    brief: str
    mode: str
    aspect: str
    locale: str
    duration: float | None  # target seconds; None: as long as the material needs
    transition: str
    call_to_action: str
    words_per_second: float
    grounding: Grounding | None = None


@dataclass
class WriteResult:
    script: Script
    provider: str  # skeleton | explainer-draft | openai:gpt-4.1-mini | ...
    path_taken: str  # real | fallback
    params: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # written into the run dir (raw replies)
    usd: float = 0.0  # spent, priced from the reply's token counts


class ScriptWriter(Protocol):
    id: str

    def estimate_usd(self, request: WriteRequest) -> float:
        """Upper bound of what ``write`` may spend (both asks), before any call."""
        ...

    def write(self, request: WriteRequest, run_dir: Path) -> WriteResult:
        ...
