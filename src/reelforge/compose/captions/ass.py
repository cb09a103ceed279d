"""captions.ass for burn-in by libass: explicit line breaks (WrapStyle 2), explicit positions, one
Dialogue per word interval for the moving highlight. Written by hand so the bytes are deterministic."""

from __future__ import annotations

from collections.abc import Sequence

from reelforge.compose.captions.layout import CaptionStyle, Metrics, PlacedPage

WHITE = "&H00FFFFFF"
BLACK = "&H00000000"
SHADOW = "&H80000000"  # 50 % transparent black
PANEL_BGR = "&H000000&"  # the lower-third panel: black, 38 % transparent (alpha 0x60)
PANEL_ALPHA = "&H60&"
HIGHLIGHT_BGR = "&H00D7FF&"  # gold (#FFD700) as an inline \1c colour (BGR)
TEXT_BGR = "&HFFFFFF&"

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


def _style_line(style: CaptionStyle, m: Metrics, family: str) -> str:
    alignment = 1 if style.anchor == "bottom-left" else 2
    fields = ["Caption", family, str(m.base_size), WHITE, WHITE, BLACK, SHADOW,
              "0", "0", "0", "0", "100", "100", "0", "0", "1", str(m.outline), str(m.shadow),
              str(alignment), "0", "0", "0", "1"]
    return "Style: " + ",".join(fields)


def _text(page: PlacedPage, style: CaptionStyle, m: Metrics, active: int | None) -> str:
    an = 1 if style.anchor == "bottom-left" else 2
    head = f"{{\\an{an}\\pos({page.x},{page.y})" + (f"\\fs{page.size}" if page.size != m.base_size else "") + "}"
    rendered: list[str] = []
    for line in page.lines:
        parts: list[str] = []
        for i, (text, word, space) in enumerate(line):
            if i and space:
                parts.append(" ")
            on = active is not None and word == active
            if on and (i == 0 or line[i - 1][1] != active):
                parts.append(f"{{\\1c{HIGHLIGHT_BGR}}}")
            parts.append(escape_ass(text))
            if on and (i == len(line) - 1 or line[i + 1][1] != active):
                parts.append(f"{{\\1c{TEXT_BGR}}}")
        rendered.append("".join(parts))
    return head + "\\N".join(rendered)


def _panel_drawing(panel: tuple[int, int, int, int]) -> str:
    left, bottom, w, h = panel
    return (f"{{\\an1\\pos({left},{bottom})\\bord0\\shad0\\1c{PANEL_BGR}\\1a{PANEL_ALPHA}\\p1}}"
            f"m 0 0 l {w} 0 {w} {h} 0 {h}{{\\p0}}")


def _dialogue(start_ms: int, end_ms: int, text: str, layer: int = 1) -> str | None:
    start, end = ass_time(start_ms), ass_time(end_ms)
    if (end_ms + 5) // 10 <= (start_ms + 5) // 10:
        return None
    return f"Dialogue: {layer},{start},{end},Caption,,0,0,0,,{text}"


def word_intervals(page: PlacedPage) -> list[tuple[int, int, int]]:
    """(word index, start ms, end ms): each word is active from its start until the next word starts."""
    bounds = [page.page.start_ms]
    for word in page.page.words[1:]:
        bounds.append(min(max(word.start_ms, bounds[-1]), page.page.end_ms))
    bounds.append(page.page.end_ms)
    return [(i, bounds[i], bounds[i + 1]) for i in range(len(page.page.words)) if bounds[i + 1] > bounds[i]]


def render_ass(pages: Sequence[PlacedPage], style: CaptionStyle, m: Metrics, *, width: int, height: int,
               family: str) -> str:
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
        _style_line(style, m, family),
        "",
        "[Events]",
        EVENT_FORMAT,
    ]
    for page in pages:
        if style.highlight:
            for word, start, end in word_intervals(page):
                event = _dialogue(start, end, _text(page, style, m, word))
                if event:
                    lines.append(event)
        else:
            if page.panel is not None:
                panel = _dialogue(page.page.start_ms, page.page.end_ms, _panel_drawing(page.panel), layer=0)
                if panel:
                    lines.append(panel)
            event = _dialogue(page.page.start_ms, page.page.end_ms, _text(page, style, m, None))
            if event:
                lines.append(event)
    return "\n".join(lines) + "\n"
