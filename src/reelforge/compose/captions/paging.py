"""Group timed words into caption pages: split at punctuation and pauses, balanced chunks, no overlaps.

All times here are integer milliseconds, rounded once from timing.json's seconds, so every file
written from them (ASS centiseconds, SRT/VTT milliseconds) agrees and never shows ",1000".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from reelforge.models.timing import Timing
from reelforge.text.breaking import is_unspaced_char, joins_without_space, phrase_chunks

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


_SOFT_ENDS = ",;:—–-"  # Chinese and Japanese pages keep their 、，；： as written


def page_end(text: str) -> str:
    """The last word of a caption page as shown: a comma, semicolon, colon or dash that only says "more
    follows" is dropped there ("you forgot about;" reads "you forgot about"); sentence ends stay."""
    body = text.rstrip(_TRAILING_CLOSERS)
    kept = body.rstrip(_SOFT_ENDS)
    return kept + text[len(body):] if kept else text


def ends_phrase(text: str) -> bool:
    """True when a word ends with punctuation that closes a phrase ("word," "word." "word!\")."""
    stripped = text.rstrip(_TRAILING_CLOSERS)
    return bool(stripped) and stripped[-1] in BREAK_AFTER


def unspaced_phrases(words: Sequence[TimedWord], max_chars: int) -> list[TimedWord]:
    """Re-cut runs of Chinese/Japanese words into short phrases (text/breaking.py ``phrase_chunks``).

    Timing gives unspaced scripts one word per character (or one word for a whole run): neither is a
    caption unit. Neighbours written without a space are joined into a run, every character gets its
    share of its word's time (by character count), and each phrase runs from its first character's start
    to its last one's end. Spaced words (Latin, Korean) pass through unchanged.
    """
    out: list[TimedWord] = []
    run: list[TimedWord] = []

    def flush() -> None:
        if len(run) == 1 and not any(is_unspaced_char(c) for c in run[0].text):
            out.append(run[0])
        elif run:
            out.extend(_rechunk(run, max_chars))
        run.clear()

    for word in words:
        if run and not joins_without_space(run[-1].text, word.text):
            flush()
        run.append(word)
    flush()
    return out


def _rechunk(run: Sequence[TimedWord], max_chars: int) -> list[TimedWord]:
    char_times: list[tuple[int, int]] = []
    for word in run:
        n, span = len(word.text), word.end_ms - word.start_ms
        for k in range(n):
            char_times.append((word.start_ms + span * k // n, word.start_ms + span * (k + 1) // n))
    text = "".join(w.text for w in run)
    out: list[TimedWord] = []
    pos = 0
    for chunk in phrase_chunks(text, max_chars=max_chars):
        start, end = char_times[pos][0], char_times[pos + len(chunk) - 1][1]
        if out:
            start = max(start, out[-1].end_ms)
        out.append(TimedWord(chunk, start, max(end, start + 1)))
        pos += len(chunk)
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
            words.append(TimedWord(text, start, end))
            last = start
        out.append((unspaced_phrases(words, cjk_piece_chars), seg_end))
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
