"""On-screen text that adds to the narration: a key phrase or label, never a copy or a cut-off copy."""

from __future__ import annotations

import re

from reelforge.text.spoken_numbers import NUMBER_WORDS, number_value

_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+")
_STOP = frozenset("""a an the and or but so if then than that this these those there here it its it's is are
was were be been being am do does did doing have has had having i me my we our you your yours he she him her
his they them their to of in on at by for with from as into onto about over under up down out off not no
just really very also too can could will would should may might must shall let lets let's get gets got
make makes made keep keeps put puts take takes use uses try tries start starts stop stops go goes going
what which who whom whose when where why how all any each every some more most much many few own same
such only one ones something anything everything thing things way ways first second third next last
finally then now today here's there's that's it's don't doesn't isn't aren't won't can't because even
around always never often again still yet both either whether though although until unless since during
without within through across against between among per via before after once twice right left
anything else whatever instead anyway already ever perhaps maybe almost quite rather enough""".split())
_CONJUNCTIONS = frozenset({"and", "or", "but", "nor", "so", "yet"})
_COUNTED = re.compile(r"\b(\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(?:\w+\s+){0,2}?"
                      r"(tips|ways|reasons|steps|mistakes|habits|things|rules|ideas|facts|signs|lessons|tricks)\b",
                      re.I)
_NUMBER_PHRASE = re.compile(r"\b(\d+(?:[.,]\d+)?\s*(?:%|percent|°\w?|degrees|hours?|minutes?|seconds?|days?|"
                            r"weeks?|months?|years?|times|x|k|m|million|billion|dollars?|euros?|calories|"
                            r"glasses|cups|steps|km|miles|kg|pounds|grams?|g|litres?|liters?|ml|centimetres?|"
                            r"centimeters?|cm|metres?|meters?))\b", re.I)


_SPELLED_AMOUNT = re.compile(rf"\b({NUMBER_WORDS})\s+(percent|dollars|euros|hours|minutes|seconds|"
                             r"days|weeks|months|years|times|degrees|calories|glasses|cups|steps|miles|pounds)\b",
                             re.I)
_FRACTION = re.compile(r"\b((?:a|one)\s+(?:half|third|quarter|fifth|tenth)|half|(?:two|three)\s+(?:thirds|quarters))"
                       r"\s+(?:of\s+)?(?:the\s+|its\s+|your\s+|their\s+)?([a-z]+)\b", re.I)
_MONEY = {"dollars": "$", "euros": "€"}


def _spelled_amount(text: str) -> str | None:
    """'10%' for 'ten percent', '$40' for 'forty dollars', '8 hours' for 'eight hours': digits read faster."""
    m = _SPELLED_AMOUNT.search(text)
    if m is None:
        return None
    value, unit = number_value(m.group(1)), m.group(2).lower()
    if unit == "percent":
        return f"{value}%"
    if unit in _MONEY:
        return f"{_MONEY[unit]}{value}"
    return f"{value} {unit}"


def _fraction(text: str) -> str | None:
    """'A third of the power' in '... uses about a third of the power of a resistive heater'."""
    m = _FRACTION.search(text)
    if m is None or m.group(2).lower() in _STOP:
        return None
    phrase = text[m.start():m.end()]
    return phrase[:1].upper() + phrase[1:]


def normalise(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", text.lower()).split())


def copies_narration(line: str, narration: str) -> bool:
    """True when a line of on-screen text repeats the narration rather than adding to it."""
    shown, said = normalise(line), normalise(narration)
    if not shown or not said:
        return False
    shown_words, said_words = shown.split(), said.split()
    if shown == said:
        return True
    sentences = [normalise(s) for s in _SENTENCE.split(narration) if s.strip()]
    if len(shown_words) >= 4 and shown in sentences:
        return True
    if len(shown_words) >= 5 and said.startswith(shown):
        return True  # a cut-off copy of the narration's opening
    return len(shown_words) >= 6 and f" {shown} " in f" {said} " and len(shown_words) >= 0.6 * len(said_words)


def counted_noun(text: str) -> str | None:
    """'tips' in 'Three tips for better sleep', so later scenes can be labelled 'Tip 1', 'Tip 2'."""
    m = _COUNTED.search(text)
    return m.group(2).lower() if m else None


def counted_label(text: str) -> str | None:
    """'3 tips' for 'Three tips for better sleep'."""
    m = _COUNTED.search(text)
    if not m:
        return None
    n = m.group(1).lower()
    return f"{number_value(n) or n} {m.group(2).lower()}"


def merged_count(label: str, phrase: str, source: str) -> str | None:
    """'3 money habits' for the label '3 habits' and the phrase 'Three money habits': one line where the
    phrase names the label's noun again (shown as two, the card read '3 habits / Three money habits').
    None when the phrase says something else. Words keep their case in ``source`` (the narration the
    phrase came from): '5 Google tricks', '3 money habits'."""
    number, _, noun = label.partition(" ")
    words = phrase.split()
    if not noun or noun.lower() not in {re.sub(r"[^\w]", "", w).lower() for w in words}:
        return None
    if words and (number_value(words[0]) is not None or words[0] == number):
        words = words[1:]
    elif words and re.search(rf"(?<![\w'’-]){re.escape(words[0].lower())}(?![\w'’-])", source):
        words[0] = words[0].lower()  # key_phrase capitalized it; the narration has it in lower case
    return " ".join([number, *words])


_OPENERS = frozenset({"same"})  # may open a key phrase ('Same time every day'), never end one ('at the same')


def _is_opener(token: str) -> bool:
    return re.sub(r"[^\w'’-]", "", token).lower() in _OPENERS


def _is_content(token: str) -> bool:
    word = re.sub(r"[^\w'’-]", "", token).lower()
    return bool(word) and word not in _STOP and not word.isdigit()


def key_phrase(text: str, *, max_words: int = 4, earliest: bool = False) -> str:
    """A short phrase lifted from ``text``: a number with its unit if there is one, else the contiguous run
    of at most ``max_words`` words that starts and ends on a content word and holds the most of them
    (ties: the later run, where a sentence usually lands its point; with ``earliest``, the first, for a
    listed item that opens on what to do: 'Dim your screens an hour')."""
    m = _NUMBER_PHRASE.search(text)
    if m:
        return m.group(1).strip()
    amount = _spelled_amount(text) or _fraction(text)
    if amount:
        return amount
    tokens = text.split()
    best: tuple[int, int, int, int] | None = None  # (content words, -length, start, end)
    for start in range(len(tokens)):
        if not _is_content(tokens[start]) and not _is_opener(tokens[start]):
            continue
        for end in range(start, min(len(tokens), start + max_words)):
            if end > start and re.search(r"[.!?;:,]$", tokens[end - 1]):
                break  # a phrase does not run across a sentence or clause end
            if re.sub(r"[^\w]", "", tokens[end]).lower() in _CONJUNCTIONS:
                break  # "banking app and look": a phrase stops before a conjunction
            if not _is_content(tokens[end]):
                continue
            content = sum(_is_content(t) for t in tokens[start:end + 1]) + _is_opener(tokens[start])
            key = (content, -(end - start), start, end)
            if best is None or key[:2] > best[:2] or (key[:2] == best[:2] and start > best[2] and not earliest):
                best = key
    if best is None:
        return ""
    phrase = " ".join(tokens[best[2]:best[3] + 1]).strip(" ,.;:!?\"'()")
    return phrase[:1].upper() + phrase[1:]


def lead_phrase(clause: str, *, max_words: int = 6) -> str:
    """What a listed item says to do, from the start of its clause: the whole clause when it is short
    ('Keep your bedroom cool'), else up to its second content word, its first word counting as one because
    a listed item opens on its verb ('Wake up at the same time', 'Kill the subscriptions'). '' when
    nothing short enough ends on a content word."""
    tokens = clause.strip(" ,.;:!?").split()
    if not tokens:
        return ""
    if len(tokens) <= 4:
        phrase = " ".join(tokens)
    else:
        content, end = 1, 0
        for i in range(1, min(len(tokens), max_words)):
            if _is_content(tokens[i]):
                content, end = content + 1, i
                if content == 2:
                    break
        if content < 2:
            return ""
        phrase = " ".join(tokens[:end + 1])
    phrase = phrase.strip(" ,.;:!?\"'()")
    return phrase[:1].upper() + phrase[1:]
