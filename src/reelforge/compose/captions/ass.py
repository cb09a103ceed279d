"""captions.ass for burn-in by libass: explicit line breaks (WrapStyle 2), explicit positions, and the
preset's effect as plain override tags (no script, no randomness). Written by hand so the bytes are
deterministic.

Effects: ``highlight`` is one Dialogue per word interval with the spoken word recoloured; ``pop`` is one
Dialogue per word interval where the words not yet spoken are transparent (they keep their place, so
the layout is fixed from the first word; only while a word grows do its line neighbours close up) and
the new word grows from 60 % to full size in 100 ms (never larger than measured);
``karaoke`` is one Dialogue per page with a ``\\kf`` fill per word; ``static`` is one Dialogue per page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reelforge.compose.captions.layout import Metrics, PlacedPage
from reelforge.compose.captions.presets import CaptionLook, CaptionStyle, ass_color, ass_inline_color

HIGHLIGHT_BGR = ass_inline_color(CaptionLook().highlight)  # the default spoken-word gold, &H00D7FF&
SHADOW_ALPHA = 0x80  # 50 % transparent shadow in the outline colour's darkness
PANEL_BGR = "&H000000&"  # the lower-third panel: black, 38 % transparent (alpha 0x60)
PANEL_ALPHA = "&H60&"
POP_MS = 100  # how long a popped-in word takes to grow to full size
POP_FROM = 60  # ... from this percentage of its size

STYLE_FORMAT = ("Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, "
                "Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, "
                "Shadow, Alignment, MarginL, MarginR, MarginV, Encoding")
EVENT_FORMAT = "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text"


def ass_time(ms: int) -> str:
    """Milliseconds as ASS ``H:MM:SS.cc`` (centiseconds, half up)."""
    cs = (ms + 5) // 10
    hours, rest = divmod(cs, 360_000)
    minutes, rest = divmod(rest, 6_000)
    seconds, centis = divmod(rest, 100)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{centis:02d}"


def escape_ass(text: str) -> str:
    """Text that libass shows literally: braces open override blocks and \\N, \\n, \\h are escapes."""
    return text.replace("\\", "/").replace("{", "(").replace("}", ")")


def _style_line(style: CaptionStyle, m: Metrics, family: str, look: CaptionLook) -> str:
    # karaoke: PrimaryColour is the fill that sweeps in, SecondaryColour the text before it is sung.
    primary = ass_color(look.highlight if style.effect == "karaoke" else look.color)
    secondary = ass_color(look.color)
    fields = ["Caption", family, str(m.base_size), primary, secondary, ass_color(look.outline_color),
              ass_color("#000000", SHADOW_ALPHA),
              "0", "0", "0", "0", "100", "100", "0", "0", "1", str(m.outline), str(m.shadow),
              str(m.alignment), "0", "0", "0", "1"]
    return "Style: " + ",".join(fields)


WordTag = Callable[[int], str]


def _text(page: PlacedPage, m: Metrics, tag: WordTag | None, *, every_word: bool = False,
          initial: str = "", close_word: int | None = None) -> str:
    """The page's lines; ``tag(word)`` gives the override block that word starts with (emitted only
    when it differs from the previous word's, unless ``every_word``: each karaoke word needs its own).
    ``initial`` is the block the style's own values already amount to (not repeated at the start); after
    the last atom of ``close_word`` on each line, ``initial`` is restored (the highlighted word is closed, so
    readers such as check/ass_cues.py find it between two colour tags)."""
    head = f"{{\\an{m.alignment}\\pos({page.x},{page.y})" + (
        f"\\fs{page.size}" if page.size != m.base_size else "") + "}"
    rendered: list[str] = []
    current = initial
    last_word = -1
    for line in page.lines:
        parts: list[str] = []
        for i, (text, word, space) in enumerate(line):
            if i and space:
                parts.append(" ")
            if tag is not None and word != last_word:
                block = tag(word)
                if block != current or every_word:
                    parts.append(block)
                    current = block
            last_word = word
            parts.append(escape_ass(text))
            if word == close_word and (i == len(line) - 1 or line[i + 1][1] != word) and current != initial:
                parts.append(initial)
                current = initial
        rendered.append("".join(parts))
    return head + "\\N".join(rendered)


def _highlight_tag(active: int, look: CaptionLook) -> WordTag:
    on, off = f"{{\\1c{ass_inline_color(look.highlight)}}}", f"{{\\1c{ass_inline_color(look.color)}}}"
    return lambda word: on if word == active else off


def _pop_tag(active: int) -> WordTag:
    def tag(word: int) -> str:
        if word < active:
            return "{\\alpha&H00&\\fscx100\\fscy100}"
        if word == active:
            return (f"{{\\alpha&HFF&\\fscx{POP_FROM}\\fscy{POP_FROM}"
                    f"\\t(0,{POP_MS},\\alpha&H00&\\fscx100\\fscy100)}}")
        return "{\\alpha&HFF&\\fscx100\\fscy100}"

    return tag


def _karaoke_tag(page: PlacedPage) -> WordTag:
    """``\\kf`` centiseconds per word: from the page's start, each word fills until the next one starts."""
    bounds = word_bounds(page)
    start_cs = (page.page.start_ms + 5) // 10
    marks = [max(0, (b + 5) // 10 - start_cs) for b in bounds]
    return lambda word: f"{{\\kf{marks[word + 1] - marks[word]}}}"


def _panel_drawing(panel: tuple[int, int, int, int]) -> str:
    left, bottom, w, h = panel
    return (f"{{\\an1\\pos({left},{bottom})\\bord0\\shad0\\1c{PANEL_BGR}\\1a{PANEL_ALPHA}\\p1}}"
            f"m 0 0 l {w} 0 {w} {h} 0 {h}{{\\p0}}")


def _dialogue(start_ms: int, end_ms: int, text: str, layer: int = 1) -> str | None:
    start, end = ass_time(start_ms), ass_time(end_ms)
    if (end_ms + 5) // 10 <= (start_ms + 5) // 10:
        return None
    return f"Dialogue: {layer},{start},{end},Caption,,0,0,0,,{text}"


def word_bounds(page: PlacedPage) -> list[int]:
    """len(words) + 1 instants: word i is active from bounds[i] until the next word starts (bounds[i + 1])."""
    bounds = [page.page.start_ms]
    for word in page.page.words[1:]:
        bounds.append(min(max(word.start_ms, bounds[-1]), page.page.end_ms))
    bounds.append(page.page.end_ms)
    return bounds


def word_intervals(page: PlacedPage) -> list[tuple[int, int, int]]:
    """(word index, start ms, end ms): each word is active from its start until the next word starts."""
    bounds = word_bounds(page)
    return [(i, bounds[i], bounds[i + 1]) for i in range(len(page.page.words)) if bounds[i + 1] > bounds[i]]


def _page_events(page: PlacedPage, style: CaptionStyle, m: Metrics, look: CaptionLook) -> list[str | None]:
    start, end = page.page.start_ms, page.page.end_ms
    if style.effect == "highlight":
        off = _highlight_tag(-1, look)(0)
        return [_dialogue(s, e, _text(page, m, _highlight_tag(word, look), initial=off, close_word=word))
                for word, s, e in word_intervals(page)]
    if style.effect == "pop":
        return [_dialogue(s, e, _text(page, m, _pop_tag(word), initial=_pop_tag(word)(word - 1)))
                for word, s, e in word_intervals(page)]
    events: list[str | None] = []
    if page.panel is not None:
        events.append(_dialogue(start, end, _panel_drawing(page.panel), layer=0))
    tag = _karaoke_tag(page) if style.effect == "karaoke" else None
    events.append(_dialogue(start, end, _text(page, m, tag, every_word=True)))
    return events


def render_ass(pages: Sequence[PlacedPage], style: CaptionStyle, m: Metrics, *, width: int, height: int,
               family: str, look: CaptionLook | None = None) -> str:
    look = look or CaptionLook()
    lines = [
        "[Script Info]",
        "; written by reelforge: line breaks and positions are explicit, do not re-wrap",
        "ScriptType: v4.00+",
        f"PlayResX: {width}",
        f"PlayResY: {height}",
        "WrapStyle: 2",
        "ScaledBorderAndShadow: yes",
        "YCbCr Matrix: None",
        "",
        "[V4+ Styles]",
        STYLE_FORMAT,
        _style_line(style, m, family, look),
        "",
        "[Events]",
        EVENT_FORMAT,
    ]
    for page in pages:
        lines.extend(event for event in _page_events(page, style, m, look) if event)
    return "\n".join(lines) + "\n"
