"""What a brief asks of the writer, told apart from what the video should say (English briefs).

People write briefs as instructions: "Explain how a heat pump heats a home. Keep it upbeat." Read aloud
as they stand, the video opens with "Explain how a heat pump heats a home" and closes with "Keep it upbeat".
The key-free writer turns an opening request into a line a narrator would say ("Here's how a heat pump
heats a home.") and leaves directions about tone, length or platform out of the narration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reelforge.text.spoken_numbers import NUMBER_WORDS, number_value

_PLEASE = r"(?:please\s+)?(?:can you\s+|could you\s+)?"
_AUDIENCE = r"(?:\s+(?:to\s+)?(?:me|us|you|people|viewers|everyone|beginners|kids|parents|students|"\
            r"(?:\w+\s+){0,2}(?:viewers|people|owners|users|beginners|audience)))?"
_WH = r"(how|why|what|when|where|which|who|whether)"
_EXPLAIN_WH = re.compile(rf"^{_PLEASE}(?:explain|show|tell|teach|describe)"
                         rf"{_AUDIENCE}\s+{_WH}\b\s*(.+)$", re.I)
_MEDIUM = r"(?:a|an|the|one|my|our)?\s*(?:short|quick|fun|simple|brief|\d+[- ](?:second|minute)s?)?\s*(?:[\w-]+\s+)?" \
          r"(?:video|short|reel|tiktok|clip|explainer|script|story|post)"
_MAKE_ABOUT = re.compile(rf"^{_PLEASE}(?:make|create|write|produce|generate|do|give me|i want|i need)\s+{_MEDIUM}"
                         rf"\s+(?:about|on|explaining|showing|covering|for)\s+(.+)$", re.I)
_WALK_THROUGH = re.compile(rf"^{_PLEASE}(?:walk|talk|take)\s+(?:me|us|viewers|people|everyone)\s+through\s+(.+)$",
                           re.I)
# how the brief wants it told, not what to tell: dropped from the topic ('in 30 seconds' is, but 'how to nap
# in 20 minutes' is a topic: videos are counted in seconds)
_MANNER = re.compile(r"\s+(?:in (?:simple|plain|easy|everyday) (?:terms|words|english|language)|simply|step by step|"
                     r"for (?:kids|children|beginners|newcomers|a general audience|non-experts|everyone|"
                     r"(?:a |an )?\w+ audience)\b.*|in (?:under )?\d+ (?:s|sec|seconds))$", re.I)
_EXPLAIN_TOPIC = re.compile(rf"^{_PLEASE}(?:explain|describe|introduce|break\s+down|present)\s+(.+)$", re.I)
_DIRECTION = re.compile(
    r"^(?:please\s+)?(?:"
    r"keep (?:it|the (?:video|tone|script))\s+(?:short|brief|simple|light|upbeat|fun|punchy|casual|friendly|"
    r"positive|tight|under\s+\d+\s*(?:s|sec|seconds|minutes?))"
    r"|(?:use|with|in|write (?:it )?in)\s+an?\s+[\w-]+(?:\s+[\w-]+)?\s+(?:tone|voice|style)"
    r"|make it\s+(?:fun|punchy|engaging|short|upbeat|snappy|friendly|catchy|simple)"
    r"|(?:aim|target|go)\s+for\s+(?:about\s+)?\d+\s*(?:s|sec|seconds)"
    r"|(?:it(?:'s| is)|this is|made)\s+for\s+(?:tiktok|reels|instagram|youtube|shorts)"
    r"|(?:tone|style|length|audience|format|platform)\s*:"
    r")(?:\b|(?<=:))", re.I)


@dataclass(frozen=True)
class Opening:
    narration: str  # what the narrator says
    title: str  # the video's title (and file name)
    telling: str = ""  # the words about the video, not its topic: 'Make a 30 second video about', 'in 30 seconds'


def _sentence(text: str) -> tuple[str, str]:
    stripped = text.strip()
    return stripped.rstrip(".!?"), (stripped[-1] if stripped[-1:] in ("!", "?") else ".")


def spoken_opening(sentence: str) -> Opening | None:
    """A request to the writer as the narrator would open with it; None when ``sentence`` is no request.

    'Explain how a heat pump heats a home.' -> 'Here's how a heat pump heats a home.' (title 'How a heat pump
    heats a home'); 'Make a video about three money habits.' -> 'Three money habits.'; 'Explain heat pumps.'
    -> 'Heat pumps, explained.'"""
    body, end = _sentence(sentence)
    telling: list[str] = []
    while (manner := _MANNER.search(body)) is not None:  # "in simple terms for kids": both go
        telling.append(manner.group(0))
        body = body[:manner.start()]
    about = _MAKE_ABOUT.match(body)
    if about is not None:
        telling.append(body[:about.start(1)])
    opening = _opening(body, end)
    return None if opening is None else Opening(opening.narration, opening.title, " ".join(telling).strip())


def _opening(body: str, end: str) -> Opening | None:
    walk = _WALK_THROUGH.match(body)
    if walk is not None:
        return Opening(f"{_capital(walk.group(1))}, step by step.", _capital(walk.group(1)))
    m = _EXPLAIN_WH.match(body)
    if m is None:
        about = _MAKE_ABOUT.match(body)
        if about is not None:
            inner = about.group(1)
            return _opening(f"explain {inner}", end) if re.match(rf"{_WH}\b", inner, re.I) else _plain(inner, end)
        topic = _EXPLAIN_TOPIC.match(body)
        if topic is None or len(topic.group(1).split()) > 8:
            return None
        return Opening(f"{_capital(topic.group(1))}, explained.", _capital(topic.group(1)))
    wh, rest = m.group(1).lower(), m.group(2).strip()
    if not rest:
        return None
    end = "." if end == "?" else end
    return Opening(f"Here's {wh} {rest}{end}", f"{_capital(wh)} {rest}")


def _plain(topic: str, end: str) -> Opening:
    return Opening(f"{_capital(topic)}{end}", _capital(topic))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def is_direction(sentence: str) -> bool:
    """True for a direction about tone, length or platform ('Keep it upbeat.', 'Use a friendly tone.')."""
    return _DIRECTION.match(sentence.strip()) is not None


_LENGTH = re.compile(r"\b(under|at most|no more than|less than|max(?:imum)?|up to)?\s*(\d+(?:\.\d+)?|"
                     rf"{NUMBER_WORDS})[- ]?(s|secs?|seconds?|minutes?|mins?)\b", re.I)


@dataclass(frozen=True)
class Length:
    seconds: float
    at_most: bool  # "under 30 seconds": a cap, not a target


def asked_length(sentence: str) -> Length | None:
    """The length a request or direction asks for: 'a 30-second video' -> 30 s, 'keep it under a minute'
    is not read (no number), 'under 45 seconds' -> at most 45 s."""
    m = _LENGTH.search(sentence)
    if m is None:
        return None
    spelled = number_value(m.group(2))
    value = float(spelled) if spelled is not None else float(m.group(2))
    seconds = value * 60 if m.group(3).lower().startswith("m") else value
    return Length(seconds, m.group(1) is not None) if seconds > 0 else None


@dataclass(frozen=True)
class ReadBrief:
    sentences: list[str]  # what the narration is written from
    title: str | None  # the title the opening request names, if the brief opened with one
    left_out: list[str]  # directions to the writer, not narrated
    length: Length | None = None  # the length the request or a direction asks for


def read_brief(sentences: list[str]) -> ReadBrief:
    """The brief's sentences with directions left out and an opening request said as a narrator would.
    A brief made only of directions is kept as it is: something must be said."""
    kept = [s for s in sentences if not is_direction(s)]
    left_out = [s for s in sentences if is_direction(s)] if kept else []
    kept = kept or list(sentences)
    opening = spoken_opening(kept[0]) if kept else None
    asked = [opening.telling] if opening is not None else []  # 'the 10-second rule' is a topic, not a length
    if opening is not None:
        kept[0] = opening.narration
    lengths = [length for length in map(asked_length, asked + left_out) if length is not None]
    return ReadBrief(kept, opening.title if opening else None, left_out, lengths[0] if lengths else None)
