"""Greedy line wrapping by measured glyph widths (Pillow with the real font at libass's pixel size).

A page is a list of words; words break into atoms: a spaced word (Latin, Korean) is one atom, Chinese and
Japanese break between characters except where kinsoku forbids it (text/breaking.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from reelforge.compose.captions.fonts import FontInfo
from reelforge.compose.captions.paging import ends_phrase
from reelforge.text.breaking import NO_LINE_END, NO_LINE_START, break_units, is_unspaced_char, joins_without_space


@dataclass(frozen=True)
class Atom:
    """The smallest unit a line may break before; ``space_before`` is dropped at a line start."""

    text: str
    word: int
    space_before: bool


Line = tuple[Atom, ...]


def atoms_of(words: Sequence[str]) -> list[Atom]:
    """Break a page's words into atoms: a spaced word (Latin, Korean, ...) is one atom and keeps the space
    before it; Chinese/Japanese text breaks between characters with the kinsoku rules of
    text/breaking.py, also across word seams (a word starting with "。" sticks to the atom before)."""
    atoms: list[Atom] = []
    prev_word = ""
    for index, word in enumerate(words):
        joined = joins_without_space(prev_word, word)
        pieces = break_units(word) if any(is_unspaced_char(c) for c in word) else [word]
        for k, piece in enumerate(pieces):
            space = bool(atoms) and k == 0 and not joined
            if atoms and not space and (piece[0] in NO_LINE_START or atoms[-1].text[-1] in NO_LINE_END):
                last = atoms[-1]
                atoms[-1] = Atom(last.text + piece, last.word, last.space_before)
            else:
                atoms.append(Atom(piece, index, space))
        prev_word = word
    return atoms


def line_text(line: Line) -> str:
    parts: list[str] = []
    for i, atom in enumerate(line):
        if i and atom.space_before:
            parts.append(" ")
        parts.append(atom.text)
    return "".join(parts)


class Measurer:
    """Text widths in pixels as libass will draw them: Pillow (raqm/HarfBuzz when present) at the em
    size libass derives from an ASS Fontsize."""

    def __init__(self, font: FontInfo) -> None:
        self.font = font

    def width(self, text: str, ass_size: float) -> float:
        return _truetype(str(self.font.path), round(self.font.em_px(ass_size), 3)).getlength(text)


@lru_cache(maxsize=64)
def _truetype(path: str, em_px: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(Path(path), size=em_px)


def greedy_wrap(atoms: Sequence[Atom], measure: Measurer, ass_size: float, max_width: float) -> list[Line] | None:
    """Fill each line with as many words as fit, breaking between words; a word (a Japanese or Chinese
    phrase) too wide for a line of its own breaks between its atoms. None if a single atom alone is wider
    than the line."""
    lines: list[Line] = []
    current: list[Atom] = []

    def fits(candidate: Sequence[Atom]) -> bool:
        return measure.width(line_text(candidate), ass_size) <= max_width

    for word in _words(atoms):
        if fits((*current, *word)):
            current.extend(word)
            continue
        if current and fits(word):
            lines.append(tuple(current))
            current = list(word)  # a space before the line's first atom is never drawn (line_text)
            continue
        for atom in word:  # the word does not fit a line of its own: break inside it
            if fits((*current, atom)):
                current.append(atom)
                continue
            if not current or not fits((atom,)):
                return None
            lines.append(tuple(current))
            current = [atom]
    if current:
        lines.append(tuple(current))
    return lines


def balanced(atoms: Sequence[Atom], measure: Measurer, ass_size: float, max_width: float,
             lines: list[Line]) -> list[Line]:
    """The same number of lines as ``lines`` but as even as they go: the narrowest width that still
    wraps into that many lines (so a page never ends on a lone word or a lone "幕。")."""
    if len(lines) < 2:
        return lines
    best, low, high = lines, 0.0, max_width
    for _ in range(8):
        mid = (low + high) / 2
        trial = greedy_wrap(atoms, measure, ass_size, mid)
        if trial is not None and len(trial) <= len(lines):
            best, high = trial, mid
        else:
            low = mid
    return best


def _words(atoms: Sequence[Atom]) -> list[list[Atom]]:
    words: list[list[Atom]] = []
    for atom in atoms:
        if words and words[-1][-1].word == atom.word:
            words[-1].append(atom)
        else:
            words.append([atom])
    return words


@dataclass(frozen=True)
class Fitted:
    """A page's words as laid out: its lines and the ASS font size chosen for it."""

    word_indices: tuple[int, ...]
    lines: tuple[Line, ...]
    size: int


def fit_words(words: Sequence[str], measure: Measurer, *, base_size: int, floor_size: int, min_size: int,
              max_width: float, max_lines: int = 2) -> list[Fitted]:
    """Wrap ``words`` into at most ``max_lines`` lines: shrink the font down to ``floor_size`` first,
    then split the page in two (recursively); one word wider than the line shrinks down to ``min_size``
    and, past that, breaks between characters."""
    return _fit(list(range(len(words))), list(words), measure, base_size, floor_size, min_size,
                max_width, max_lines)


def _fit(indices: list[int], words: list[str], measure: Measurer, base: int, floor: int, min_size: int,
         max_width: float, max_lines: int) -> list[Fitted]:
    page_words = [words[i] for i in indices]
    atoms = _reindex(atoms_of(page_words), indices)
    size = base
    while size >= floor:
        lines = greedy_wrap(atoms, measure, size, max_width)
        if lines is not None and len(lines) <= max_lines:
            return [Fitted(tuple(indices), tuple(balanced(atoms, measure, size, max_width, lines)), size)]
        size = _smaller(size)
    if len(indices) > 1:
        cut = _split_point(page_words)
        return (_fit(indices[:cut], words, measure, base, floor, min_size, max_width, max_lines)
                + _fit(indices[cut:], words, measure, base, floor, min_size, max_width, max_lines))
    return [_fit_single(indices[0], atoms, measure, base, min_size, max_width, max_lines)]


def _fit_single(index: int, atoms: list[Atom], measure: Measurer, base: int, min_size: int,
                max_width: float, max_lines: int) -> Fitted:
    size = base
    while size >= min_size:
        lines = greedy_wrap(atoms, measure, size, max_width)
        if lines is not None and len(lines) <= max_lines:
            return Fitted((index,), tuple(lines), size)
        widest = max(measure.width(a.text, size) for a in atoms)
        size = min(_smaller(size), int(size * max_width / widest)) if widest > max_width else _smaller(size)
    # Still too wide at the smallest size: break between characters (no hyphen), as many lines as needed.
    chars = [Atom(ch, index, False) for a in atoms for ch in a.text]
    lines = greedy_wrap(chars, measure, min_size, max_width) or [tuple(chars)]
    return Fitted((index,), tuple(lines), min_size)


def _reindex(atoms: list[Atom], indices: list[int]) -> list[Atom]:
    return [Atom(a.text, indices[a.word], a.space_before) for a in atoms]


def _smaller(size: int) -> int:
    return min(size - 1, int(size * 0.93))


def _split_point(words: Sequence[str]) -> int:
    """Where to cut a page that does not fit: after punctuation nearest the middle, else the middle."""
    mid = len(words) / 2
    cuts = [i + 1 for i, w in enumerate(words[:-1]) if ends_phrase(w)]
    if cuts:
        return min(cuts, key=lambda c: (abs(c - mid), c))
    return max(1, len(words) // 2)
