"""Line breaking for card headlines: words for spaced scripts, characters with kinsoku for Japanese/Chinese.

Small and local to cards (captions have their own breaking in text/breaking.py). A line never starts
with closing punctuation or small kana (。、」）ー ...) and never ends with opening brackets; a Latin word
inside CJK text stays whole. A word wider than the line on its own is split between characters (with a
hyphen in alphabetic scripts), never cut off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from reelforge.text.scripts import UNSPACED_SCRIPTS, char_script

Measure = Callable[[str], float]  # a line's advance width in pixels

NO_LINE_START = frozenset(
    "、。，．,.・：；:;？！?!‼⁇⁈⁉゛゜ヽヾゝゞ々〻ー）)］]｝}〕〉》」』】〙〗〟’”»›…‥〜～％%℃"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
)
NO_LINE_END = frozenset("（(［[｛{〔〈《「『【〘〖〝‘“«‹")


@dataclass(frozen=True)
class Unit:
    """An unbreakable piece of a line and whether a space separates it from the piece before."""

    text: str
    space_before: bool


def is_unspaced_char(ch: str) -> bool:
    return char_script(ch) in UNSPACED_SCRIPTS


_is_unspaced_char = is_unspaced_char


def units(text: str) -> list[Unit]:
    """Split ``text`` into the pieces a line may break between."""
    return list(_units(text))


@lru_cache(maxsize=256)
def _units(text: str) -> tuple[Unit, ...]:
    out: list[Unit] = []
    word = ""
    space = False
    for ch in text:
        if ch.isspace():
            if word:
                out.append(Unit(word, space))
                word = ""
            space = bool(out)
            continue
        if _is_unspaced_char(ch) or ch in NO_LINE_START or ch in NO_LINE_END:
            if word:
                out.append(Unit(word, space))
                word, space = "", False
            out.append(Unit(ch, space))
            space = False
            continue
        word += ch
    if word:
        out.append(Unit(word, space))
    return tuple(_kinsoku(out))


def _kinsoku(pieces: list[Unit]) -> list[Unit]:
    """Glue line-start-forbidden pieces to the one before and line-end-forbidden ones to the one after."""
    glued: list[Unit] = []
    carry = ""
    carry_space = False
    for piece in pieces:
        if glued and not carry and not piece.space_before and piece.text[0] in NO_LINE_START:
            last = glued.pop()
            glued.append(Unit(last.text + piece.text, last.space_before))
            continue
        if piece.text[-1] in NO_LINE_END and all(c in NO_LINE_END for c in piece.text):
            if not carry:
                carry_space = piece.space_before
            carry += piece.text
            continue
        if carry:
            glued.append(Unit(carry + piece.text, carry_space))
            carry = ""
        else:
            glued.append(piece)
    if carry:
        glued.append(Unit(carry, carry_space))
    return glued


def join(pieces: list[Unit]) -> str:
    return "".join((" " if i and p.space_before else "") + p.text for i, p in enumerate(pieces))


def _split_long(piece: Unit, measure: Measure, max_width: float) -> list[Unit]:
    """A single piece wider than a line, split between characters (hyphenated in alphabetic scripts)."""
    # Korean breaks between syllables without a hyphen; Latin, Cyrillic and the like take one
    hyphen = "-" if any(ch.isalpha() and char_script(ch) not in (*UNSPACED_SCRIPTS, "hangul")
                        for ch in piece.text) else ""
    parts: list[Unit] = []
    current = ""
    for ch in piece.text:
        if current and measure(current + ch + hyphen) > max_width:
            parts.append(Unit(current + hyphen, piece.space_before if not parts else False))
            current = ch
        else:
            current += ch
    parts.append(Unit(current, piece.space_before if not parts else False))
    return parts


class _Widths:
    """Line widths as the sum of piece widths and spaces: one shaping call per distinct piece instead of
    one per trial line (shaping with raqm costs ~0.25 ms a call). Kerning across a break point is ignored;
    fit_text measures the final lines for real."""

    def __init__(self, measure: Measure) -> None:
        self.measure = measure
        self.cache: dict[str, float] = {}

    def of(self, text: str) -> float:
        if text not in self.cache:
            self.cache[text] = self.measure(text)
        return self.cache[text]

    def line(self, pieces: list[Unit]) -> float:
        return sum(self.of(p.text) + (self.of(" ") if i and p.space_before else 0.0)
                   for i, p in enumerate(pieces))


def _pieces(paragraph: str, widths: _Widths, max_width: float) -> list[Unit]:
    out: list[Unit] = []
    for piece in units(paragraph):
        out.extend([piece] if widths.of(piece.text) <= max_width else _split_long(piece, widths.of, max_width))
    return out


def wrap(text: str, measure: Measure | _Widths, max_width: float) -> list[str]:
    """Greedy lines no wider than ``max_width`` (explicit newlines kept); every character is kept."""
    widths = measure if isinstance(measure, _Widths) else _Widths(measure)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[Unit] = []
        width = 0.0
        for part in _pieces(paragraph, widths, max_width):
            extra = widths.of(part.text) + (widths.of(" ") if line and part.space_before else 0.0)
            if line and width + extra > max_width:
                lines.append(join(line))
                line, width = [Unit(part.text, False)], widths.of(part.text)
            else:
                line.append(part)
                width += extra
        if line:
            lines.append(join(line))
    return lines


# Japanese reads best broken after a particle or punctuation, not inside a word (a cheap stand-in for
# phrase (bunsetsu) boundaries); Chinese after punctuation where it can. A break elsewhere costs
# BAD_BREAK, one more line LINE_COST, and each line its squared share of empty width.
_PUNCT_BREAK_AFTER = frozenset("、。，．！？」』）】,.!?")
_PARTICLES = frozenset("はがをにでともへやのね")
_HIRAGANA = frozenset(chr(c) for c in range(0x3041, 0x3097))
LINE_COST = 0.3
BAD_BREAK = {"ja": 1.0, "zh": 0.5}


def _break_penalty(before: Unit, after: Unit, language: str | None) -> float:
    if language is None or after.space_before:
        return 0.0
    last, first = before.text[-1], after.text[0]
    if last in _PUNCT_BREAK_AFTER or (language == "ja" and last in _PARTICLES):
        return 0.0
    if _is_unspaced_char(last) != _is_unspaced_char(first):
        return 0.1  # a script change (kanji/kana to Latin or digits) is a fair place
    if language == "ja" and last in _HIRAGANA and char_script(first) == "han":
        return 0.2  # okurigana then a new kanji word: usually a phrase boundary
    return BAD_BREAK[language]


def _unspaced_language(text: str) -> str | None:
    if any(ch in _HIRAGANA for ch in text):
        return "ja"
    return "zh" if any(_is_unspaced_char(ch) for ch in text) else None


def break_cost(lines: list[str]) -> float:
    """How badly the breaks between ``lines`` cut Japanese/Chinese phrases (0 for spaced scripts)."""
    text = "".join(lines)
    language = _unspaced_language(text)
    if language is None:
        return 0.0
    return sum(_break_penalty(Unit(a[-1], False), Unit(b[0], False), language)
               for a, b in pairwise(lines) if a and b)


def balanced_wrap(text: str, measure: Measure, max_width: float, max_lines: int | None = None) -> list[str]:
    """Lines no wider than ``max_width``, at most ``max_lines`` (default: the greedy count), as even as
    possible (no lone word over a long line), Japanese/Chinese broken at phrase ends where they can be.
    Dynamic programming over the break points; falls back to the greedy lines."""
    if "\n" in text:  # authored lines stay lines; each is balanced on its own
        return [line for para in text.split("\n") for line in balanced_wrap(para, measure, max_width)]
    widths = _Widths(measure)
    greedy = wrap(text, widths, max_width)
    limit = max(len(greedy), max_lines or 0)
    if len(greedy) <= 1 and limit <= 1:
        return greedy
    pieces = _pieces(text, widths, max_width)
    n = len(pieces)
    if n > 160:
        return greedy
    language = _unspaced_language(text)
    space = widths.of(" ")
    start = [0.0]  # start[j] - start[i] - space before piece i = width of pieces[i:j] on one line
    for p in pieces:
        start.append(start[-1] + widths.of(p.text) + (space if p.space_before else 0.0))

    def line_width(i: int, j: int) -> float:
        return start[j] - start[i] - (space if pieces[i].space_before else 0.0)

    inf = float("inf")
    # best[k][j]: cost of setting pieces[:j] in k lines; choice[k][j]: where the last of them starts
    best = [[inf] * (n + 1) for _ in range(limit + 1)]
    choice = [[0] * (n + 1) for _ in range(limit + 1)]
    best[0][0] = 0.0
    for k in range(1, limit + 1):
        for j in range(1, n + 1):
            for i in range(j - 1, -1, -1):
                w = line_width(i, j)
                if w > max_width:
                    break
                if best[k - 1][i] == inf:
                    continue
                slack = (max_width - w) / max_width
                penalty = _break_penalty(pieces[j - 1], pieces[j], language) if j < n else 0.0
                cost = best[k - 1][i] + slack * slack + penalty + LINE_COST
                if cost < best[k][j]:
                    best[k][j], choice[k][j] = cost, i
    k = min(range(1, limit + 1), key=lambda c: (best[c][n], c))
    if best[k][n] == inf:
        return greedy
    lines: list[str] = []
    j = n
    while k > 0:
        i = choice[k][j]
        lines.append(join([Unit(pieces[i].text, False), *pieces[i + 1:j]]))
        j, k = i, k - 1
    return lines[::-1]
