"""captions.srt and captions.vtt from integer milliseconds (so never ",1000"); empty cues are skipped.

Narration is text, never markup: players read ``<b>``, ``<font color=...>`` and ASS blocks like
``{\\an8}`` or ``{\\pos(0,0)}`` inside SRT, and SRT has no escape, so those tags are stripped there (the
words inside them stay); VTT escapes ``& < >`` as entities, which also disarms its own tags.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# An HTML-like tag (<b>, </i>, <font color="red">, <c.yellow>) or an ASS override block ({\an8}, {\pos(0,0)}).
_SRT_MARKUP = re.compile(r"</?[A-Za-z][^<>]*>|\{\\[^{}]*\}")
# What is left of a tag a page break cut in two ("<font" on one cue, 'color="red">' on the next).
_SRT_TAG_START = re.compile(r"<(?=[A-Za-z/])")


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


def strip_srt_markup(text: str) -> str:
    """``text`` without anything an SRT player would take as formatting; the words stay."""
    text = _SRT_MARKUP.sub("", text)
    text = _SRT_TAG_START.sub("‹", text).replace("{\\", "{")
    return " ".join(text.split())


def render_srt(cues: Sequence[Cue]) -> str:
    blocks: list[str] = []
    for cue in cues:
        lines = [strip_srt_markup(line) for line in _clean(cue.lines)]
        if cue.empty or not any(lines):
            continue
        text = "\n".join(line for line in lines if line)
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
