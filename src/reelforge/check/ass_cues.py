"""Read back a captions.ass as reelforge writes it: caption pages (what is on screen when) and the timed words
(the highlighted word of each event, or the first word of each page for styles without a highlight)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reelforge.compose.captions.ass import HIGHLIGHT_BGR

_TAG = re.compile(r"\{[^}]*\}")
_POS = re.compile(r"\\pos\((-?\d+(?:\.\d+)?),\s*(-?\d+(?:\.\d+)?)\)")
_HIGHLIGHT = re.compile(r"\{\\1c" + re.escape(HIGHLIGHT_BGR) + r"\}(.*?)\{\\1c&H[0-9A-Fa-f]+&\}")
_TIME = re.compile(r"(\d+):(\d\d):(\d\d)[.](\d\d)")


@dataclass(frozen=True)
class Page:
    start: float
    end: float
    text: str
    pos: tuple[float, float] | None

    @property
    def mid(self) -> float:
        return (self.start + self.end) / 2


@dataclass(frozen=True)
class TimedWord:
    text: str
    start: float


@dataclass(frozen=True)
class AssCues:
    play_res: tuple[int, int] | None
    pages: list[Page]
    words: list[TimedWord]
    highlight: bool


def _seconds(stamp: str) -> float:
    m = _TIME.fullmatch(stamp.strip())
    if not m:
        raise ValueError(f"bad ASS time {stamp!r}")
    h, mi, s, cs = (int(g) for g in m.groups())
    return h * 3600 + mi * 60 + s + cs / 100


def plain(text: str) -> str:
    return _TAG.sub("", text).replace("\\N", " ").replace("\\n", " ").replace("\\h", " ").strip()


def read_ass(path: Path) -> AssCues:
    res_x = res_y = None
    events: list[tuple[float, float, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("PlayResX:"):
            res_x = int(line.split(":", 1)[1])
        elif line.startswith("PlayResY:"):
            res_y = int(line.split(":", 1)[1])
        elif line.startswith("Dialogue:"):
            fields = line.split(":", 1)[1].split(",", 9)
            if len(fields) < 10 or "\\p1" in fields[9]:
                continue  # a drawing (the lower-third panel), not text
            events.append((_seconds(fields[1]), _seconds(fields[2]), fields[9]))
    events.sort(key=lambda e: e[0])
    pages: list[Page] = []
    words: list[TimedWord] = []
    highlight = any(_HIGHLIGHT.search(text) for _s, _e, text in events)
    for start, end, text in events:
        pos_m = _POS.search(text)
        pos = (float(pos_m.group(1)), float(pos_m.group(2))) if pos_m else None
        shown = plain(text)
        if pages and pages[-1].text == shown and pages[-1].pos == pos and abs(pages[-1].end - start) < 0.02:
            pages[-1] = Page(pages[-1].start, end, shown, pos)
        else:
            pages.append(Page(start, end, shown, pos))
            if not highlight and shown:
                words.append(TimedWord(shown.split()[0], start))
        if highlight:
            m = _HIGHLIGHT.search(text)
            if m and plain(m.group(1)):
                words.append(TimedWord(plain(m.group(1)), start))
    play_res = (res_x, res_y) if res_x and res_y else None
    return AssCues(play_res=play_res, pages=pages, words=words, highlight=highlight)
