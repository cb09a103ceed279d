"""Slide frames: a title and bullets typeset from the scene's on-screen text (markdown-lite).

Line 1 is the title; ``#`` lines are sub-headings; ``-``/``*``/``1.`` lines and plain lines are bullets.
Inline code (backticks) is set in Roboto Mono on a panel; links show their text, images and URLs vanish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from reelforge.explainer.frames.canvas import Geometry, background, ellipsize, font, inline_runs, line_height, wrap
from reelforge.explainer.markdown import clean_inline

_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_SCALES = (1.0, 0.9, 0.8, 0.7, 0.62, 0.55)


@dataclass(frozen=True)
class Token:
    text: str
    code: bool
    space_before: bool


@dataclass
class Block:
    kind: str  # title | heading | bullet
    lines: list[list[tuple[float, Token]]]
    size: int
    height: int


def _tokens(text: str) -> list[Token]:
    out: list[Token] = []
    space = False
    for piece, code in inline_runs(clean_inline(text, keep_code_marks=True)):
        if code:
            out.append(Token(piece.strip(), True, space or (bool(out) and piece[:1] == " ")))
            space = False
            continue
        words = piece.split(" ")
        for j, word in enumerate(words):
            if word:
                out.append(Token(word, False, bool(out) and (space or j > 0)))
                space = False
            elif j > 0 or not out:
                space = True
        space = space or piece.endswith(" ")
    return out


def _faces(kind: str, size: int) -> tuple[ImageFont.FreeTypeFont, ImageFont.FreeTypeFont]:
    text_face = font({"title": "RobotoBold", "heading": "RobotoMedium"}.get(kind, "Roboto"), size)
    return text_face, font("mono-medium", round(size * 0.88))


def _lay_line(tokens: list[Token], kind: str, size: int, max_width: float) -> list[list[tuple[float, Token]]]:
    text_face, code_face = _faces(kind, size)
    space = text_face.getlength(" ")
    pad = size * 0.22
    lines: list[list[tuple[float, Token]]] = [[]]
    x = 0.0
    for tok in tokens:
        face = code_face if tok.code else text_face
        label = tok.text if face.getlength(tok.text) + 2 * pad <= max_width else ellipsize(tok.text, face,
                                                                                          max_width - 2 * pad)
        w = face.getlength(label) + (2 * pad if tok.code else 0)
        gap = space if tok.space_before and lines[-1] else 0.0
        if lines[-1] and x + gap + w > max_width:
            lines.append([])
            x, gap = 0.0, 0.0
        lines[-1].append((x + gap, Token(label, tok.code, tok.space_before)))
        x += gap + w
    return [ln for ln in lines if ln]


def _layout(g: Geometry, texts: list[str], scale: float, width: float) -> list[Block]:
    blocks: list[Block] = []
    base = 44 if not g.portrait else 48
    for i, raw in enumerate(texts):
        if i == 0:
            kind, size, body = "title", g.px(80 * scale), raw.lstrip("# ").strip()
        elif raw.lstrip().startswith("#"):
            kind, size, body = "heading", g.px((base + 6) * scale), raw.lstrip().lstrip("#").strip()
        else:
            kind, size, body = "bullet", g.px(base * scale), _MARKER.sub("", raw)
        indent = size * 1.1 if kind == "bullet" else 0.0
        lines = _lay_line(_tokens(body), kind, size, width - indent)
        if kind == "title" and len(lines) > 3:
            lines = lines[:3]
        face = _faces(kind, size)[0]
        gap_after = g.px(40 * scale) if kind == "title" else round(size * 0.55)
        blocks.append(Block(kind, lines, size, len(lines) * line_height(face, 1.2) + gap_after))
    return blocks


def _title_card(g: Geometry, texts: list[str], footer: str) -> Image.Image:
    """One or two lines (a hook, a chapter): a large title and a muted subtitle, left-aligned, centred high."""
    image = background(g)
    draw = ImageDraw.Draw(image)
    s, p = g.safe, g.palette
    size = g.px(120)
    title_lines: list[str] = []
    while size >= g.px(56):
        title_lines = wrap(clean_inline(texts[0]), font("RobotoBold", size), s.w)
        if len(title_lines) <= 2:
            break
        size -= g.px(8)
    title_face, sub_face = font("RobotoBold", size), font("Roboto", g.px(52))
    subtitle = wrap(clean_inline(texts[1]), sub_face, s.w)[:4] if len(texts) > 1 else []
    lh_t, lh_s = line_height(title_face, 1.1), line_height(sub_face, 1.3)
    total = len(title_lines[:3]) * lh_t + g.px(48) + len(subtitle) * lh_s
    y = s.y0 + max(0, (s.h - total) * 2 // 5)
    for line in title_lines[:3]:
        draw.text((s.x0, y), line, font=title_face, fill=p.text)
        y += lh_t
    draw.rectangle((s.x0, y + g.px(12), s.x0 + g.px(160), y + g.px(22)), fill=p.accent)
    y += g.px(48)
    for line in subtitle:
        draw.text((s.x0, y), line, font=sub_face, fill=p.muted)
        y += lh_s
    if footer:
        foot_face = font("mono", g.px(24))
        draw.text((s.x0, s.y1 - line_height(foot_face, 1.0)), ellipsize(footer, foot_face, s.w), font=foot_face,
                  fill=p.muted)
    return image


def render_slide(g: Geometry, texts: list[str], footer: str) -> Image.Image:
    texts = [t for t in texts if clean_inline(t).strip()] or ["(empty slide)"]
    if len(texts) <= 2 and not any(_MARKER.match(t) or t.lstrip().startswith("#") for t in texts[1:]):
        return _title_card(g, texts, footer)
    image = background(g)
    draw = ImageDraw.Draw(image)
    s = g.safe
    foot_face = font("mono", g.px(24))
    foot_h = line_height(foot_face, 1.0) if footer else 0
    area_h = s.h - (foot_h + g.px(24) if footer else 0)
    blocks: list[Block] = []
    for scale in _SCALES:
        blocks = _layout(g, texts, scale, s.w)
        if sum(b.height for b in blocks) <= area_h:
            break
    while len(blocks) > 1 and sum(b.height for b in blocks) > area_h:
        blocks.pop()  # too much text even at the smallest size: drop trailing bullets, never overflow
    while blocks and sum(b.height for b in blocks) > area_h and len(blocks[0].lines) > 1:
        blocks[0].lines.pop()
        blocks[0].height -= line_height(_faces("title", blocks[0].size)[0], 1.2)
    total = sum(b.height for b in blocks)
    y = s.y0 + max(0, (area_h - total) // 3)  # a little above centre reads better than dead centre
    p = g.palette
    for block in blocks:
        text_face, code_face = _faces(block.kind, block.size)
        lh = line_height(text_face, 1.2)
        ascent = text_face.getmetrics()[0]
        indent = block.size * 1.1 if block.kind == "bullet" else 0.0
        colour = p.text if block.kind != "heading" else p.accent
        if block.kind == "bullet":
            r = max(3, round(block.size * 0.13))
            cy = y + lh * 0.5
            draw.ellipse((s.x0 + r, cy - r, s.x0 + 3 * r, cy + r), fill=p.accent)
        for line in block.lines:
            for x, tok in line:
                left = s.x0 + indent + x
                if tok.code:
                    pad = block.size * 0.22
                    w = code_face.getlength(tok.text) + 2 * pad
                    draw.rounded_rectangle((round(left), round(y + lh * 0.1), round(left + w), round(y + lh * 0.92)),
                                           radius=round(block.size * 0.18), fill=p.panel)
                    cy = y + (ascent - code_face.getmetrics()[0]) + lh * 0.06
                    draw.text((round(left + pad), round(cy)), tok.text, font=code_face, fill=p.accent2)
                else:
                    draw.text((round(left), round(y + lh * 0.06)), tok.text, font=text_face, fill=colour)
            y += lh
        if block.kind == "title":
            bar_y = y + g.px(6)
            draw.rectangle((s.x0, bar_y, s.x0 + g.px(120), bar_y + g.px(8)), fill=p.accent)
        y += block.height - len(block.lines) * lh
    if footer:
        draw.text((s.x0, s.y1 - foot_h), ellipsize(footer, foot_face, s.w), font=foot_face, fill=p.muted)
    return image
