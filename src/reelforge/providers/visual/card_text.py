"""What a card says: the scene's onScreenText, else a short hook chosen from its narration.

A hook is a whole sentence, clause or phrase of the narration, never a cut copy: no text here ever ends
in an ellipsis. Spoken word for word it would repeat the caption under it, so the shortest complete
phrase that still says something (2-8 words, 5-20 CJK characters) wins over the whole sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reelforge.text.scripts import is_unspaced

ELLIPSES = ("…", "...", "‥")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？!?])")
_CLAUSE = re.compile(r"\s*[,;:–—،؛]\s+|\s+[-–—]\s+|[、，；：]")
_CONJUNCTION = re.compile(r"\s+(?:and|but|so|so that|because|then|or|while|which|until|unless|instead of|"
                          r"even if|even on)\s+", re.IGNORECASE)
_LEADING_FILLER = re.compile(r"^(?:and|but|so|then|or|also|plus)\s+", re.IGNORECASE)
_TRAILING = ".,;:!?。、，；：！？ "
_KEEP_MARK = "!?！？"


def _size(text: str) -> int:
    """Length in the unit readers count: words, or characters for unspaced scripts."""
    return round(len(text.replace(" ", "")) / 2.5) if is_unspaced(text) else len(text.split())


def _tidy(phrase: str) -> str:
    phrase = _LEADING_FILLER.sub("", phrase.strip())
    keep = phrase[-1] if phrase and phrase[-1] in _KEEP_MARK else ""
    phrase = phrase.rstrip(_TRAILING)
    for mark in ELLIPSES:
        phrase = phrase.replace(mark, " ").strip()
    if phrase and phrase[0].islower():
        phrase = phrase[0].upper() + phrase[1:]
    return (phrase + keep).strip()


def _sentences(narration: str) -> list[str]:
    return [s for s in _SENTENCE.split(narration.strip()) if s.strip()]


def _main_phrases(sentence: str) -> list[str]:
    """The sentence, its first clause, and that clause up to its first conjunction: each a whole phrase
    that can stand alone (later clauses often cannot: "even on weekends")."""
    head = _CLAUSE.split(sentence)[0]
    return [_tidy(sentence), _tidy(head), _tidy(_CONJUNCTION.split(head)[0])]


def hook_phrase(narration: str, *, high: int = 9) -> str:
    """The first sentence, first clause or head phrase of the narration with 2..``high`` words (CJK:
    about 2.5 characters a word), trying the sentences in order; else the shortest whole phrase."""
    sentences = _sentences(narration)
    for sentence in sentences:
        for text in _main_phrases(sentence):
            if 2 <= _size(text) <= high:
                return text
    phrases = [t for s in sentences for t in [*_main_phrases(s), *map(_tidy, _CLAUSE.split(s))] if t]
    if not phrases:
        return ""
    return min(phrases, key=lambda t: (_size(t) if _size(t) >= 2 else 10_000, phrases.index(t)))


def _plain(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def is_cut_copy(text: str, narration: str) -> bool:
    """True for on-screen text that is the narration's start cut off with an ellipsis (an old skeleton's
    habit): it would show a half sentence. Authored text that merely ends in an ellipsis is kept."""
    stripped = text.rstrip()
    if not stripped.endswith(ELLIPSES):
        return False
    head = _plain(stripped.rstrip("…. ‥"))
    return bool(head) and _plain(narration).startswith(head)


def is_full_copy(text: str, narration: str) -> bool:
    """On-screen text that is the whole narration again (more than a hook's length): shown above the
    caption that speaks the same words, it reads twice; a hook from it reads better."""
    return _plain(text) == _plain(narration) and _size(text) > 6


def authored_lines(on_screen_text: Sequence[str], narration: str) -> list[str]:
    """The scene's own onScreenText lines, without blanks, cut copies and whole copies of the narration."""
    lines = [t.strip() for t in on_screen_text if t.strip()]
    if any(is_cut_copy(t, narration) or is_full_copy(t, narration) for t in lines):
        return []
    return lines


def headline_text(on_screen_text: Sequence[str], narration: str, title: str) -> str:
    """The card headline: onScreenText lines (one per line), else a hook from the narration, else the title."""
    lines = authored_lines(on_screen_text, narration)
    if lines:
        return "\n".join(lines)
    hook = hook_phrase(narration)
    if hook:
        return hook
    return hook_phrase(title) or title.strip()


def card_text(on_screen_text: Sequence[str], narration: str, title: str) -> list[str]:
    """The headline as lines (the old list interface used by the visual chain's stock query)."""
    return headline_text(on_screen_text, narration, title).split("\n")
