"""English numbers, money and percentages as they are said: "$40" -> "forty dollars", "10%" -> "ten percent".

A transcript and a script often write the same speech differently: whisper writes "10 %" and "$40" for a voice
that said "ten percent" and "forty dollars", and a script may hold the digits a voice reads out as words.
Comparing the spoken forms lets both sides agree on what was said.
"""

from __future__ import annotations

import re

_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINAL_WORDS = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
                  "nine": "ninth", "twelve": "twelfth"}
_CURRENCIES = {"$": ("dollar", "dollars"), "€": ("euro", "euros"), "£": ("pound", "pounds")}
_SYMBOLS = {"&": "and", "%": "percent", "+": "plus", "@": "at"}
_NUMBER = re.compile(r"(?P<currency>[$€£])?(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?"
                     r"(?P<ordinal>st|nd|rd|th)?(?P<percent>\s?%)?", re.IGNORECASE)
_LARGEST = 10**15
_WORD_VALUES = {**{word: n for n, word in enumerate(_ONES)}, **{word: 10 * n for n, word in enumerate(_TENS) if word},
                "hundred": 100}
# a number written in words, up to 'ninety-nine' or 'a hundred': for regular expressions that read amounts
NUMBER_WORDS = rf"(?:(?:{'|'.join(w for w in _TENS if w)})[- ](?:{'|'.join(_ONES[1:10])})|" \
               rf"{'|'.join(sorted(_WORD_VALUES, key=len, reverse=True))})"


def number_value(word: str) -> int | None:
    """The value of a number written in words ('forty-five' -> 45, 'Ten' -> 10); None for anything else."""
    parts = word.lower().replace("-", " ").split()
    if not 1 <= len(parts) <= 2 or any(part not in _WORD_VALUES for part in parts):
        return None
    if len(parts) == 2 and not (_WORD_VALUES[parts[0]] in range(20, 100, 10) and 1 <= _WORD_VALUES[parts[1]] <= 9):
        return None
    return sum(_WORD_VALUES[part] for part in parts)


def cardinal(n: int) -> str:
    """``n`` >= 0 in words, without "and": 305 -> "three hundred five"."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {cardinal(rest)}" if rest else "")
    for size, name in _SCALES:
        if n >= size:
            head, rest = divmod(n, size)
            return f"{cardinal(head)} {name}" + (f" {cardinal(rest)}" if rest else "")
    raise AssertionError("unreachable")


def ordinal(n: int) -> str:
    """21 -> "twenty first", 12 -> "twelfth", 40 -> "fortieth"."""
    words = cardinal(n).split()
    last = words[-1]
    if last in _ORDINAL_WORDS:
        words[-1] = _ORDINAL_WORDS[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def _year(n: int) -> str | None:
    """1100-1999 and 2010-2099 as years are said: "nineteen ninety", "twenty twenty six"."""
    if not (1100 <= n <= 1999 or 2010 <= n <= 2099):
        return None
    head, tail = divmod(n, 100)
    if tail == 0:
        return f"{cardinal(head)} hundred"
    return f"{cardinal(head)} " + (f"oh {cardinal(tail)}" if tail < 10 else cardinal(tail))


def _number(match: re.Match[str]) -> str:
    raw = match["digits"].replace(",", "")
    value = int(raw)
    if value >= _LARGEST:
        return " ".join(_ONES[int(d)] for d in raw)
    currency, fraction, suffix = match["currency"], match["fraction"], (match["ordinal"] or "").lower()
    if suffix and not fraction:
        words = ordinal(value)
    elif not currency and not fraction and not match["percent"] and "," not in match["digits"] and len(raw) == 4:
        words = _year(value) or cardinal(value)
    else:
        words = cardinal(value)
        if suffix:
            words += f" {suffix}"
    cents = currency is not None and fraction is not None and len(fraction) == 3  # "$3.50": "three dollars fifty"
    if fraction and not cents:
        words += " point " + " ".join(_ONES[int(d)] for d in fraction[1:])
    if currency:
        one, many = _CURRENCIES[currency]
        cent_value = int(fraction[1:]) if cents and fraction else 0
        words += f" {one if value == 1 and (not fraction or cents) else many}"
        if cent_value:
            words += f" {cardinal(cent_value)}"
    if match["percent"]:
        words += " percent"
    return f" {words} "


def spoken_english(text: str) -> str:
    """``text`` with its numbers, money, percentages and a few symbols written out as English speech."""
    if not any(ch.isdigit() or ch in _SYMBOLS or ch in _CURRENCIES for ch in text):
        return text
    spelled = _NUMBER.sub(_number, text)
    for symbol, word in _SYMBOLS.items():
        spelled = spelled.replace(symbol, f" {word} ")
    return " ".join(spelled.split())
