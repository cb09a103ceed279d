"""Code frames: Pygments-highlighted lines with numbers, the lines the narration names highlighted.

The ref's span is shown whole: a long span gets smaller type (down to a legible minimum). A span that
still does not fit is never cropped silently: the frame shows the lines that fit and says, on the frame,
how many more lines the ref holds (drafted scripts pick a window of at most 14 lines, so this only
happens for hand-written refs). Highlighted lines are the ``def``/``class`` (or assignment) lines of
names the narration mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image, ImageDraw
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name, get_lexer_for_filename
from pygments.styles import get_style_by_name
from pygments.token import Token, _TokenType
from pygments.util import ClassNotFound

from reelforge.explainer.frames.canvas import RGB, Geometry, background, ellipsize, font, line_height
from reelforge.explainer.refs import Ref

STYLE = "github-dark"
_FENCE = re.compile(r"^\s{0,3}(?:`{3,}|~{3,})\s*([\w+.#-]*)")
_FENCE_LANG = {"pycon": "pycon", "console": "console", "shell": "bash", "sh": "bash", "py": "python"}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DEF = re.compile(r"^\s*(?:async\s+def|def|class)\s+([A-Za-z_][A-Za-z0-9_]*)|^\s*([A-Za-z_][A-Za-z0-9_]*)\s*[:=]")


def _lexer_for(ref: Ref, lines: list[str]) -> Lexer:
    options = {"stripnl": False, "ensurenl": False, "tabsize": 4}
    if ref.path.suffix.lower() in (".md", ".markdown", ".rst", ".txt"):
        for line in reversed(lines[: ref.start - 1]):
            m = _FENCE.match(line)
            if m:
                name = m.group(1).lower()
                try:
                    return get_lexer_by_name(_FENCE_LANG.get(name, name), **options) if name else TextLexer()
                except ClassNotFound:
                    return TextLexer()
        return TextLexer()
    try:
        return get_lexer_for_filename(ref.path.name, **options)
    except ClassNotFound:
        return TextLexer()


def highlighted_lines(lines: list[str], start: int, end: int, narration: str) -> set[int]:
    """Line numbers (1-based) in [start, end] that define a name the narration mentions."""
    named = {w for w in _IDENT.findall(narration) if len(w) >= 3}
    hits: set[int] = set()
    for no in range(start, min(end, len(lines)) + 1):
        m = _DEF.match(lines[no - 1])
        name = m and (m.group(1) or m.group(2))
        if name and name in named and (m.group(1) or lines[no - 1][:1] not in " \t"):
            hits.add(no)
    if not hits and start <= len(lines) and re.match(r"^\s*(@|def |class |async def )", lines[start - 1]):
        hits.add(start)
    return hits


def _coloured_lines(text: str, lexer: Lexer) -> list[list[tuple[str, _TokenType]]]:
    out: list[list[tuple[str, _TokenType]]] = [[]]
    for ttype, value in lexer.get_tokens(text):
        parts = value.split("\n")
        for k, part in enumerate(parts):
            if k:
                out.append([])
            if part:
                out[-1].append((part.replace("\t", "    "), ttype))
    return out


def _hex(value: str, fallback: RGB) -> RGB:
    value = value.lstrip("#")
    if len(value) != 6:
        return fallback
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


@dataclass(frozen=True)
class CodeLayout:
    top: int  # y of the code panel
    size: int  # font size in px
    first: int  # first and last line shown
    last: int
    hidden: int  # lines of the span not shown (then the frame says so)


def code_layout(g: Geometry, lines: list[str], start: int, end: int, hits: set[int], titles: list[str]) -> CodeLayout:
    """Where the panel starts, the type size and which lines of [start, end] fit: the whole span if it can."""
    s = g.safe
    path_face, title_face = font("mono", g.px(26)), font("RobotoBold", g.px(54))
    y = s.y0 + line_height(path_face, 1.3)
    if titles:
        y += line_height(title_face, 1.25)
    y += g.px(12)
    pad = g.px(24)
    span = lines[start - 1:end]
    longest = max((len(ln.replace("\t", "    ").rstrip()) for ln in span), default=1)
    digits = len(str(end))
    inner_w = s.w - 2 * pad
    # Size the font so the longest line (up to 90 columns) fits; Roboto Mono advances 0.6 em per column ...
    columns = max(24, min(longest, 90)) + digits + 2
    # Short snippets get bigger type (up to 44 pt), long spans stay at or under 34 pt ...
    cap = g.px(44) if end - start < 12 else g.px(34)
    size = max(g.px(18), min(cap, int(inner_w / (columns * 0.6))))
    # ... and smaller still, down to a legible minimum, until the whole span fits in height.
    while True:
        lh = line_height(font("mono", size), 1.45)
        rows = max(1, (s.y1 - y - 2 * pad) // lh)
        if rows >= end - start + 1 or size <= g.px(18):
            break
        size -= 1
    first, hidden = start, 0
    if end - start + 1 > rows:
        rows = max(1, rows - 1)  # one row says what is not shown
        focus = min(hits) if hits else start
        first = max(start, min(focus - rows // 4, end - rows + 1))
        hidden = (end - start + 1) - rows
    return CodeLayout(top=y, size=size, first=first, last=min(end, first + rows - 1), hidden=hidden)


def render_code(g: Geometry, ref: Ref, text: str, narration: str, titles: list[str]) -> Image.Image:
    image = background(g)
    draw = ImageDraw.Draw(image)
    s, p = g.safe, g.palette
    lines = text.replace("\r\n", "\n").split("\n")
    start = min(ref.start or 1, len(lines))
    end = min(ref.end or len(lines), len(lines))
    hits = highlighted_lines(lines, start, end, narration)

    path_face, title_face = font("mono", g.px(26)), font("RobotoBold", g.px(54))
    y = s.y0
    draw.text((s.x0, y), ellipsize(f"{ref.rel}:{start}-{end}", path_face, s.w), font=path_face, fill=p.muted)
    if titles:
        draw.text((s.x0, y + line_height(path_face, 1.3)), ellipsize(titles[0], title_face, s.w), font=title_face,
                  fill=p.text)
    layout = code_layout(g, lines, start, end, hits, titles)
    y, size, first, last, hidden = layout.top, layout.size, layout.first, layout.last, layout.hidden

    style = get_style_by_name(STYLE)
    code_bg = _hex(style.background_color, (13, 17, 23))
    default = _hex(style.style_for_token(Token)["color"] or "", (230, 237, 243))
    pad = g.px(24)
    digits = len(str(end))
    face, bold = font("mono", size), font("mono-bold", size)
    lh = line_height(face, 1.45)
    panel_h = (last - first + 1 + (1 if hidden else 0)) * lh + 2 * pad
    draw.rounded_rectangle((s.x0, y, s.x1 - 1, y + panel_h), radius=g.px(18), fill=code_bg)

    # Code files are lexed from line 1 (a docstring may open above the window); a README block from its start.
    lex_from = 1 if ref.path.suffix.lower() not in (".md", ".markdown", ".rst", ".txt") else start
    lexed = [[] for _ in range(lex_from - 1)]
    lexed += _coloured_lines("\n".join(lines[lex_from - 1: last]), _lexer_for(ref, lines))
    gutter = face.getlength("0" * digits) + size
    text_x = s.x0 + pad + gutter
    max_w = s.x1 - pad - text_x
    row_y = y + pad
    for no in range(first, last + 1):
        if no in hits:
            draw.rectangle((s.x0 + g.px(4), row_y, s.x1 - g.px(4) - 1, row_y + lh - 1), fill=(38, 52, 74))
            draw.rectangle((s.x0 + g.px(4), row_y, s.x0 + g.px(10), row_y + lh - 1), fill=p.accent)
        num = str(no)
        draw.text((text_x - size - face.getlength(num), row_y + lh * 0.12), num, font=face,
                  fill=p.accent if no in hits else (110, 118, 129))
        x = text_x
        for value, ttype in lexed[no - 1] if no - 1 < len(lexed) else []:
            spec = style.style_for_token(ttype)
            colour, is_bold = _hex(spec["color"] or "", default), bool(spec["bold"])
            f = bold if is_bold else face
            width = f.getlength(value)
            if x + width > text_x + max_w:
                clipped = ellipsize(value, f, text_x + max_w - x)
                if clipped.strip("…"):
                    draw.text((x, row_y + lh * 0.12), clipped, font=f, fill=colour)
                break
            draw.text((x, row_y + lh * 0.12), value, font=f, fill=colour)
            x += width
        row_y += lh
    if hidden:
        before, after = first - start, end - last
        note = f"… {hidden} more line{'s' if hidden != 1 else ''} of {ref.rel}:{start}-{end} not shown" + (
            f" ({before} above, {after} below)" if before and after else " above" if before else " below")
        draw.text((text_x, row_y + lh * 0.12), ellipsize(note, face, max_w), font=face, fill=p.accent)
    return image

