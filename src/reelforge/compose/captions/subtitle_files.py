"""captions.srt and captions.vtt from integer milliseconds (so never ",1000"); empty cues are skipped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return self.end_ms <= self.start_ms or not any(line.strip() for line in self.lines)


def clock(ms: int, sep: str) -> str:
    """``HH:MM:SS<sep>mmm`` from a non-negative millisecond count."""
    ms = max(0, ms)
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{sep}{millis:03d}"


def _clean(lines: Sequence[str]) -> list[str]:
    # A blank line would end the cue early in both formats.
    return [" ".join(line.split()) for line in lines if line.strip()]


def render_srt(cues: Sequence[Cue]) -> str:
    blocks: list[str] = []
    for cue in cues:
        if cue.empty:
            continue
        text = "\n".join(_clean(cue.lines))
        blocks.append(f"{len(blocks) + 1}\n{clock(cue.start_ms, ',')} --> {clock(cue.end_ms, ',')}\n{text}\n")
    return "\n".join(blocks)


def _escape_vtt(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_vtt(cues: Sequence[Cue]) -> str:
    blocks = ["WEBVTT\n"]
    for cue in cues:
        if cue.empty:
            continue
        text = "\n".join(_escape_vtt(line) for line in _clean(cue.lines))
        blocks.append(f"{clock(cue.start_ms, '.')} --> {clock(cue.end_ms, '.')}\n{text}\n")
    return "\n".join(blocks)
