"""Group timed words into caption pages: split at punctuation and pauses, balanced chunks, no overlaps.

All times here are integer milliseconds, rounded once from timing.json's seconds, so every file
written from them (ASS centiseconds, SRT/VTT milliseconds) agrees and never shows ",1000".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from reelforge.compose.captions.fonts import is_cjk_char
from reelforge.models.timing import Timing

BREAK_AFTER = frozenset(".,!?;:…。，、！？；：")
_TRAILING_CLOSERS = "\"'”’»)]}」』）】"


def to_ms(seconds: float) -> int:
    """Seconds to integer milliseconds, half up (0.9996 s -> 1000 ms)."""
    return math.floor(seconds * 1000.0 + 0.5)


@dataclass(frozen=True)
class TimedWord:
    text: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Page:
    """Words shown together; ``end_ms`` is clipped to the scene's segment and to the next page."""

    words: tuple[TimedWord, ...]
    start_ms: int
    end_ms: int
    segment_index: int
    group_index: int

    @property
    def text_words(self) -> list[str]:
        return [w.text for w in self.words]


def ends_phrase(text: str) -> bool:
    """True when a word ends with punctuation that closes a phrase ("word," "word." "word!\")."""
    stripped = text.rstrip(_TRAILING_CLOSERS)
    return bool(stripped) and stripped[-1] in BREAK_AFTER


def split_cjk_word(word: TimedWord, max_chars: int) -> list[TimedWord]:
    """A run of CJK text timed as one word is cut into pieces of at most ``max_chars`` characters
    (after punctuation where possible), with time shared by character count."""
    text = word.text
    if len(text) <= max_chars or sum(is_cjk_char(c) for c in text) < len(text) // 2:
        return [word]
    pieces: list[str] = []
    current = ""
    for ch in text:
        current += ch
        if len(current) >= max_chars or (ch in BREAK_AFTER and len(current) >= 2):
            pieces.append(current)
            current = ""
    if current:
        if len(current) == 1 and pieces and current in BREAK_AFTER:
            pieces[-1] += current
        else:
            pieces.append(current)
    total = len(text)
    out: list[TimedWord] = []
    done = 0
    span = word.end_ms - word.start_ms
    for piece in pieces:
        start = word.start_ms + span * done // total
        done += len(piece)
        end = word.start_ms + span * done // total
        out.append(TimedWord(piece, start, max(end, start + 1)))
    return out


def split_phrases(words: Sequence[TimedWord], *, pause_ms: int) -> list[list[TimedWord]]:
    """Runs of words ended by phrase punctuation or by a pause longer than ``pause_ms``."""
    phrases: list[list[TimedWord]] = []
    current: list[TimedWord] = []
    for i, word in enumerate(words):
        current.append(word)
        nxt = words[i + 1] if i + 1 < len(words) else None
        if nxt is None or ends_phrase(word.text) or nxt.start_ms - word.end_ms > pause_ms:
            phrases.append(current)
            current = []
    return phrases


def chunk_balanced(words: Sequence[TimedWord], max_words: int) -> list[list[TimedWord]]:
    """Split into the fewest chunks of at most ``max_words``, sizes differing by at most one (4 -> 2+2)."""
    n = len(words)
    if n == 0:
        return []
    k = math.ceil(n / max_words)
    base, extra = divmod(n, k)
    chunks: list[list[TimedWord]] = []
    pos = 0
    for i in range(k):
        size = base + (1 if i < extra else 0)
        chunks.append(list(words[pos:pos + size]))
        pos += size
    return chunks


def segment_words(timing: Timing, *, cjk_piece_chars: int) -> list[tuple[list[TimedWord], int]]:
    """Each segment's words in integer ms (clamped inside the segment), with the segment's end in ms."""
    out: list[tuple[list[TimedWord], int]] = []
    for seg in timing.segments:
        seg_start, seg_end = to_ms(seg.start_sec), to_ms(seg.end_sec)
        words: list[TimedWord] = []
        last = seg_start
        for w in seg.words:
            text = " ".join(w.t.split())
            if not text:
                continue
            start = min(max(to_ms(w.start_sec), last), seg_end - 1)
            end = min(max(to_ms(w.end_sec), start + 1), seg_end)
            if end <= start:
                continue
            words.extend(split_cjk_word(TimedWord(text, start, end), cjk_piece_chars))
            last = start
        out.append((words, seg_end))
    return out


def group_words(timing: Timing, *, max_words: int, pause_ms: int,
                cjk_piece_chars: int) -> list[tuple[list[TimedWord], int, int]]:
    """Word groups (not yet timed as pages): (words, segment index, segment end ms)."""
    groups: list[tuple[list[TimedWord], int, int]] = []
    for index, (words, seg_end) in enumerate(segment_words(timing, cjk_piece_chars=cjk_piece_chars)):
        for phrase in split_phrases(words, pause_ms=pause_ms):
            for chunk in chunk_balanced(phrase, max_words):
                groups.append((chunk, index, seg_end))
    return groups


def time_pages(groups: Sequence[tuple[Sequence[TimedWord], int, int]], *, hold_ms: int,
               bridge_ms: int) -> list[Page]:
    """Give each group its display interval: from its first word to its last word plus ``hold_ms``,
    bridged to the next page when the gap is under ``bridge_ms``, never past the next page's start
    nor past the end of its segment."""
    pages: list[Page] = []
    for i, (words, seg_index, seg_end) in enumerate(groups):
        if not words:
            continue
        start = words[0].start_ms
        end = words[-1].end_ms + hold_ms
        nxt = groups[i + 1] if i + 1 < len(groups) else None
        if nxt is not None and nxt[0]:
            next_start = nxt[0][0].start_ms
            if nxt[1] == seg_index and next_start - words[-1].end_ms < bridge_ms:
                end = next_start
            end = min(end, next_start)
        end = min(end, seg_end)
        if end <= start:
            continue
        pages.append(Page(tuple(words), start, end, seg_index, i))
    return pages
