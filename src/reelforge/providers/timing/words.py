"""Script words and the clamp that every timing source ends with.

A script word is a whitespace-separated token as written (punctuation attached, so captions show it);
tokens with no letter or digit ("—", "...") are glued to their neighbour, and Chinese/Japanese runs are
split per character because they carry no spaces (Korean keeps its space-separated words).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from reelforge.text.spoken_numbers import spoken_english

MIN_WORD_SEC = 0.03


@dataclass(frozen=True)
class WordSpan:
    t: str
    start_sec: float
    end_sec: float


def _is_wordy(ch: str) -> bool:
    return unicodedata.category(ch)[0] in ("L", "N")


def _is_cjk(ch: str) -> bool:
    """Kana and Han: written without spaces, so timed per character. Hangul is not here: Korean puts
    spaces between words, and timing it per syllable made captions chop it ("잠을잘")."""
    code = ord(ch)
    return (0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF
            or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FA1F)


def _split_cjk(token: str) -> list[str]:
    if not any(_is_cjk(c) for c in token):
        return [token]
    parts: list[str] = []
    for ch in token:
        if _is_cjk(ch) or not parts or (_is_cjk(parts[-1][-1]) and _is_wordy(ch)):
            parts.append(ch)
        else:
            parts[-1] += ch
    return parts


def script_words(text: str) -> list[str]:
    """The words of a narration in order, each exactly as written (joined with spaces they give the text
    back, modulo whitespace and CJK spacing)."""
    words: list[str] = []
    pending = ""
    for token in unicodedata.normalize("NFC", text).split():
        for part in _split_cjk(token):
            if not any(_is_wordy(c) for c in part):
                sep = " " if part == token else ""  # a whole token stood apart in the text: keep the space
                if words:
                    words[-1] = words[-1] + sep + part
                else:
                    pending += part + sep
                continue
            words.append(pending + part)
            pending = ""
    return words


def word_key(word: str) -> str:
    """Lowercase letters and digits only: what a transcript and the script can agree on."""
    return "".join(c for c in unicodedata.normalize("NFKC", word).lower() if _is_wordy(c))


def spoken_key(word: str, language: str) -> str:
    """``word_key`` of the word as it is said: in English "$40" -> "fortydollars", "10%" -> "tenpercent", so a
    transcript that writes digits and a script that spells them (or the other way round) agree."""
    return word_key(spoken_english(word) if language.lower().startswith("en") else word)


def _weight(word: str) -> float:
    return float(len(word_key(word)) + 1)


def _fill_unknown(words: Sequence[str], spans: list[tuple[float, float] | None], lo: float, hi: float,
                  min_dur: float) -> list[tuple[float, float]]:
    """Give words without a span a share of the gap around them (by character count), widening the gap
    over known neighbours when it is too small to hold them."""
    out = list(spans)
    n = len(out)
    i = 0
    while i < n:
        if out[i] is not None:
            i += 1
            continue
        j = i
        while j < n and out[j] is None:
            j += 1
        a, b = i, j  # run [a, b) is unknown; widen over neighbours until the gap fits
        while True:
            left = out[a - 1][1] if a > 0 and out[a - 1] is not None else lo  # type: ignore[index]
            right = out[b][0] if b < n and out[b] is not None else hi  # type: ignore[index]
            if right - left >= min_dur * (b - a) or (a == 0 and b == n):
                break
            if a > 0:
                a -= 1
            if b < n:
                b += 1
            while b < n and out[b] is None:
                b += 1
        left = out[a - 1][1] if a > 0 else lo  # type: ignore[index]
        right = out[b][0] if b < n else hi  # type: ignore[index]
        left, right = min(left, right), max(left, right)
        weights = [_weight(words[k]) for k in range(a, b)]
        total = sum(weights)
        cursor = left
        for k, w in zip(range(a, b), weights, strict=True):
            step = (right - left) * w / total
            out[k] = (cursor, cursor + step)
            cursor += step
        i = b
    return [s for s in out if s is not None]


def finalize(words: Sequence[str], spans: Sequence[tuple[float, float] | None], lo: float, hi: float,
             *, min_dur: float = MIN_WORD_SEC) -> list[WordSpan]:
    """Fill gaps, then clamp: ordered, non-overlapping, every word at least ``min_dur`` long, all inside
    [lo, hi]. Times are rounded to the millisecond."""
    if not words:
        return []
    lo, hi = math.ceil(lo * 1000 - 1e-6) / 1000, math.floor(hi * 1000 + 1e-6) / 1000
    if hi <= lo:
        raise ValueError(f"empty timing window [{lo}, {hi}]")
    min_dur = min(min_dur, (hi - lo) / len(words))
    filled = _fill_unknown(words, list(spans), lo, hi, min_dur)
    starts = [max(lo, min(s, hi)) for s, _ in filled]
    ends = [max(lo, min(e, hi)) for _, e in filled]
    prev = lo
    for k in range(len(words)):
        starts[k] = max(starts[k], prev)
        ends[k] = max(ends[k], starts[k] + min_dur)
        prev = ends[k]
    nxt = hi
    for k in range(len(words) - 1, -1, -1):
        ends[k] = min(ends[k], nxt)
        starts[k] = min(starts[k], ends[k] - min_dur)
        nxt = starts[k]
    result: list[WordSpan] = []
    for word, s, e in zip(words, starts, ends, strict=True):
        rs, re_ = round(s, 3), round(e, 3)
        if result and rs < result[-1].end_sec:
            rs = result[-1].end_sec
        if re_ <= rs:
            re_ = round(rs + 0.001, 3)
        result.append(WordSpan(word, rs, re_))
    return result
