"""Where a line of text may break, per script.

* Spaced scripts (Latin, Cyrillic, Greek, Arabic, **Hangul**): break at spaces only, keep the spaces.
  Korean is written with spaces between words (eojeol), so it wraps like English.
* Unspaced scripts (Han, Kana, Thai): a line may break between any two characters, except where the
  line-start/line-end rules (kinsoku shori, JIS X 4051) forbid it: closing brackets, sentence
  punctuation, the long-vowel mark and small kana never start a line; opening brackets never end one.

``break_units`` turns a space-free run of text into the pieces a line may break between;
``joins_without_space`` says whether two neighbouring words were written without a space;
``phrase_chunks`` groups the characters of an unspaced run into short phrases for caption pages.
"""

from __future__ import annotations

from collections.abc import Sequence

from reelforge.text.scripts import UNSPACED_SCRIPTS, char_script

# Kinsoku: characters that never begin a line (they stay with the character before them).
NO_LINE_START = frozenset(
    "、。，．・：；？！‼⁇⁈⁉ー－〜～…‥）］｝〕〉》」』】〙〗〟’”»"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ々〻ゝゞヽヾ"
    "!),.:;?]}%"
)
# Kinsoku: characters that never end a line (they stay with the character after them).
NO_LINE_END = frozenset("（［｛〔〈《「『【〘〖〝‘“«([{")
# A Japanese phrase may run this many characters past max_chars to keep its hiragana tail (暗くしましょう。).
_TAIL_ALLOWANCE = 3
# Punctuation of the CJK blocks: written without spaces around it like the letters it follows.
_CJK_PUNCT_RANGES = ((0x3000, 0x303F), (0xFF00, 0xFF65), (0x30FB, 0x30FC))


def is_unspaced_char(ch: str) -> bool:
    """True for a character of a script written without spaces (Han, Kana, Thai) or CJK punctuation."""
    if char_script(ch) in UNSPACED_SCRIPTS:
        return True
    cp = ord(ch)
    return any(low <= cp <= high for low, high in _CJK_PUNCT_RANGES)


def joins_without_space(before: str, after: str) -> bool:
    """True when ``after`` follows ``before`` with no space in the written text: either side at the
    seam is an unspaced-script character (Japanese 'AIを', Chinese '你好。'), never for Korean or Latin."""
    if not before or not after:
        return False
    return is_unspaced_char(before[-1]) or is_unspaced_char(after[0])


def break_units(text: str) -> list[str]:
    """``text`` (no spaces) cut into the smallest pieces a line may break between: each unspaced
    character alone, runs of other characters whole, kinsoku characters glued to their neighbour."""
    raw: list[str] = []
    run = ""
    for ch in text:
        if is_unspaced_char(ch) or ch in NO_LINE_START or ch in NO_LINE_END:
            if run:
                raw.append(run)
                run = ""
            raw.append(ch)
        else:
            run += ch
    if run:
        raw.append(run)
    return glue_kinsoku(raw)


def glue_kinsoku(pieces: Sequence[str]) -> list[str]:
    """Join pieces so no piece starts with a no-line-start character or ends with a no-line-end one."""
    out: list[str] = []
    carry = ""  # opening brackets waiting for the piece they open
    for piece in pieces:
        piece = carry + piece
        carry = ""
        if out and piece[0] in NO_LINE_START:
            out[-1] += piece
        else:
            out.append(piece)
        if out[-1] and out[-1][-1] in NO_LINE_END:
            carry = out.pop()
    if carry:
        if out:
            out[-1] += carry
        else:
            out.append(carry)
    return out


def _kind(ch: str) -> str:
    """Character class for Japanese phrase (bunsetsu) boundaries."""
    script = char_script(ch)
    if script == "kana":
        cp = ord(ch)
        return "hiragana" if 0x3040 <= cp <= 0x309F else "katakana"
    if script == "han":
        return "han"
    if ch in NO_LINE_START or ch in NO_LINE_END or not ch.isalnum():
        return "punct"
    return "other"


def phrase_chunks(text: str, *, max_chars: int) -> list[str]:
    """An unspaced run cut into short phrases for caption pages, each at most ``max_chars`` long
    (kinsoku characters aside).

    Japanese: a phrase is a run of kanji/katakana/Latin followed by its hiragana (okurigana and
    particles: 寝る|前の|一時間は|画面を), which approximates bunsetsu without a dictionary. Chinese
    (Han only): balanced pieces of at most ``max_chars``, cut after punctuation where there is some.
    """
    units = break_units(text)
    if not units:
        return []
    has_kana = any(char_script(c) == "kana" for c in text)
    chunks: list[list[str]] = [[]]
    prev_kind = ""
    for unit in units:
        kind = _kind(unit.lstrip("".join(NO_LINE_END))[:1] or unit[0])
        current = chunks[-1]
        length = sum(len(u) for u in current)
        boundary = bool(current) and (
            (has_kana and prev_kind == "hiragana" and kind in ("han", "katakana", "other"))
            or (prev_kind == "punct_end")
            or length + len(unit) > max_chars + (_TAIL_ALLOWANCE if has_kana and kind in ("hiragana", "punct") else 0)
        )
        if boundary:
            chunks.append([unit])
        else:
            current.append(unit)
        last = unit[-1]
        prev_kind = "punct_end" if last in "。、，！？；：,.!?" else _kind(last)
    out = ["".join(c) for c in chunks if c]
    return out if has_kana else _balance(units, max_chars)


def _balance(units: list[str], max_chars: int) -> list[str]:
    """Han-only runs: within each punctuation-delimited phrase, pieces of near-equal length (10 -> 4+3+3)."""
    phrases: list[list[str]] = [[]]
    for unit in units:
        phrases[-1].append(unit)
        if unit[-1] in "。、，！？；：,.!?":
            phrases.append([])
    out: list[str] = []
    for phrase in phrases:
        if not phrase:
            continue
        total = sum(len(u) for u in phrase)
        parts = -(-total // max_chars)
        current, done, cut = "", 0, 1
        for unit in phrase:
            if current and cut < parts and done + len(unit) > total * cut / parts + 0.5:
                out.append(current)
                current, cut = "", cut + 1
            current += unit
            done += len(unit)
        if current:
            out.append(current)
    return out
