"""A small, dependency-free reader for README-style markdown (and setext/RST-style underlined headings).

It keeps what an explainer needs: sections with their line spans, prose paragraphs, list items and fenced
code blocks, and it turns inline markdown into plain text (no ``#``, backticks, link URLs, badges or HTML).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

_ATX = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})\s*([\w+.#-]*)")
_UNDERLINE = re.compile(r"^(=+|-+|~+|\^+|\*+|\++|\"+)\s*$")
_LIST = re.compile(r"^\s{0,6}(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_TABLE = re.compile(r"^\s*\|.*\|\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)|!\[([^\]]*)\]\[[^\]]*\]")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\[[^\]]*\]")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_AUTOLINK = re.compile(r"<(?:https?|ftp|mailto):[^>\s]+>")
_BARE_URL = re.compile(r"\b(?:https?|ftp)://(?:www\.)?([^/\s<>()]+)[^\s<>()]*|\bwww\.([^/\s<>()]+)[^\s<>()]*")
_RST_OPTION = re.compile(r"^\s+:[\w-]+:")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\w)"
                       r"|(?<![\w])_(?=\S)([^_]+?)(?<=\S)_(?![\w])")
_RST_ROLE = re.compile(r":[a-z:]+:`([^`<]*?)(?:\s*<[^>]*>)?`")
_RST_LINK = re.compile(r"`([^`<]+?)\s*<[^>]+>`_+")
_SUMMARY = re.compile(r"^\s*<summary>(.*?)</summary>\s*$", re.I)
_DETAILS = re.compile(r"^\s*</?details[^>]*>\s*$", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")


@dataclass
class CodeBlock:
    language: str
    first_line: int  # 1-based line of the first code line (after the fence)
    last_line: int
    text: str
    lead: str = ""  # the paragraph just before the block, which usually says what it shows


@dataclass(frozen=True)
class Block:
    """One piece of a section in document order: a paragraph, a list item or a code block."""

    kind: str  # para | item | code
    line: int  # 1-based first line
    end_line: int
    text: str  # plain text (para), inline markdown kept (item), or the code
    code: CodeBlock | None = None


@dataclass
class Section:
    heading: str  # plain text
    level: int
    line: int  # 1-based line of the heading
    end_line: int
    anchor: str = ""
    paragraphs: list[str] = field(default_factory=list)  # plain text
    items: list[str] = field(default_factory=list)  # list items, inline markdown kept (for slides)
    code: list[CodeBlock] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)  # everything above, in document order

    @property
    def prose_words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


@dataclass
class Document:
    title: str
    intro: Section  # the text before the first heading below the title
    sections: list[Section]
    title_from: str = "h1"  # h1 | html | fallback: where the title came from


def clean_inline(text: str, *, keep_code_marks: bool = False) -> str:
    """Inline markdown/RST/HTML -> plain text: images and URLs dropped, links as their text."""
    text = _HTML_COMMENT.sub(" ", text)
    text = _IMAGE.sub("", text)
    text = _RST_LINK.sub(r"\1", text)
    text = _RST_ROLE.sub(r"`\1`", text)
    text = _LINK.sub(lambda m: m.group(1) or m.group(2) or "", text)
    text = _AUTOLINK.sub(lambda m: m.group(0)[1:-1], text)
    text = _HTML_TAG.sub(" ", text)
    # A URL is never read out in full: its host name stays, so "available at <link>" still ends in a name.
    text = _BARE_URL.sub(lambda m: (m.group(1) or m.group(2) or "").rstrip(".,;:"), text)
    text = text.replace("``", "`")
    if not keep_code_marks:
        text = text.replace("`", "")
    for _ in range(2):
        text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or m.group(4) or "", text)
    text = html.unescape(text).replace("\\ ", "")
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+([,.;:!?])", r"\1", text)


def sentences(text: str) -> list[str]:
    """Split plain text into sentences; fragments without a letter are dropped."""
    out: list[str] = []
    for part in _SENTENCE_END.split(text):
        part = part.strip()
        if part and re.search(r"[A-Za-z]", part):
            out.append(part)
    return out


def anchor_of(heading: str, seen: dict[str, int]) -> str:
    """A GitHub-style anchor (lowercase, punctuation dropped, spaces to dashes), made unique."""
    base = re.sub(r"[^\w\- ]", "", heading.lower()).strip().replace(" ", "-")
    base = re.sub(r"[^a-z0-9_-]", "", base) or "section"
    count = seen.get(base, 0)
    seen[base] = count + 1
    return base if count == 0 else f"{base}-{count}"


def _is_badge_line(line: str) -> bool:
    """A line made only of images/links/HTML (shields badges, logos) carries nothing to narrate."""
    stripped = _IMAGE.sub("", _HTML_TAG.sub("", _HTML_COMMENT.sub("", line)))
    stripped = _LINK.sub("", stripped)
    return not re.search(r"[A-Za-z]{2}", stripped) and bool(line.strip())


def parse_markdown(text: str, *, fallback_title: str) -> Document:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    sections: list[Section] = []
    current = Section(heading="", level=0, line=1, end_line=len(lines))
    para: list[str] = []
    para_start = 0
    item: list[str] = []
    item_start = 0
    last_level = 1
    fence: tuple[str, str, int] | None = None
    fence_lines: list[str] = []
    in_comment = False
    lead_for_fence = ""
    after_fence = False  # a block's lead must be the paragraph right before it, not one before an earlier block

    def flush(end: int = 0) -> None:
        nonlocal after_fence
        if para:
            after_fence = False
            joined = clean_inline(" ".join(para))
            if re.search(r"[A-Za-z]{2}", joined):
                current.paragraphs.append(joined)
                current.blocks.append(Block("para", para_start, para_start + len(para) - 1, joined))
            para.clear()
        if item:
            joined = " ".join(item).strip()
            if re.search(r"[A-Za-z]{2}", clean_inline(joined)):
                current.items.append(joined)
                current.blocks.append(Block("item", item_start, item_start + len(item) - 1, joined))
            item.clear()

    def start(heading: str, level: int, line_no: int) -> None:
        nonlocal current, last_level
        flush()
        current.end_line = line_no - 1
        sections.append(current)
        last_level = level
        current = Section(heading=clean_inline(heading), level=level, line=line_no, end_line=len(lines))

    i = 0
    while i < len(lines):
        line, no = lines[i], i + 1
        if fence is not None:
            if line.strip().startswith(fence[0]) and not line.strip().strip(fence[0][0]):
                block = CodeBlock(fence[1], fence[2], no - 1, "\n".join(fence_lines), lead_for_fence)
                current.code.append(block)
                current.blocks.append(Block("code", block.first_line, block.last_line, block.text, block))
                fence, fence_lines, after_fence = None, [], True
            else:
                fence_lines.append(line)
            i += 1
            continue
        if in_comment or ("<!--" in line and "-->" not in line.split("<!--", 1)[1]):
            in_comment = "-->" not in line or line.rfind("<!--") > line.rfind("-->")
            i += 1
            continue
        summary = _SUMMARY.match(line)
        if summary and clean_inline(summary.group(1)):
            # <details><summary>Log</summary>: a collapsed sub-section of the heading above it
            level = min(6, last_level + 1)
            start(summary.group(1), level, no)
            last_level = level - 1
            i += 1
            continue
        if _DETAILS.match(line):
            flush()
            i += 1
            continue
        m = _FENCE.match(line)
        if m:
            flush()
            lead_for_fence = current.paragraphs[-1] if current.paragraphs and not after_fence else ""
            fence = (m.group(1), m.group(2).lower(), no + 1)
            i += 1
            continue
        m = _ATX.match(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if m:
            start(m.group(2), len(m.group(1)), no)
        elif (line.strip() and not _LIST.match(line) and _UNDERLINE.match(nxt)
              and len(nxt.strip()) >= max(3, len(line.strip()) - 2) and not para):
            start(line.strip(), 1 if nxt.strip()[0] in "=#" else 2, no)
            i += 1
        elif _RULE.match(line) or _TABLE.match(line) or _REF_DEF.match(line) or _is_badge_line(line):
            flush()
        elif not line.strip() or _RST_OPTION.match(line):
            flush()
        elif line.lstrip().startswith((">",)):
            if not para:
                para_start = no
            para.append(line.lstrip()[1:])
        elif _LIST.match(line):
            flush()
            item_start = no
            item.append(_LIST.match(line).group(1))  # type: ignore[union-attr]
        elif item and line.startswith((" ", "\t")):
            item.append(line.strip())
        elif line.startswith(("   ", "\t")) and not para:
            flush()  # an indented code block (markdown) or literal block (RST): kept out of the prose
        elif line.strip().startswith((".. ", "::")):
            flush()  # RST directives
        else:
            if item:
                flush()
            if not para:
                para_start = no
            para.append(line.strip())
        i += 1
    if fence is not None:
        block = CodeBlock(fence[1], fence[2], len(lines), "\n".join(fence_lines))
        current.code.append(block)
        current.blocks.append(Block("code", block.first_line, block.last_line, block.text, block))
    flush()
    current.end_line = len(lines)
    sections.append(current)

    intro = sections[0]
    body = [s for s in sections[1:] if s.heading]
    title = ""
    if body and body[0].level == 1 and sum(1 for s in body if s.level == 1) == 1:
        head = body.pop(0)
        title = head.heading
        intro.paragraphs.extend(head.paragraphs)
        intro.items.extend(head.items)
        intro.code.extend(head.code)
        intro.blocks.extend(head.blocks)
    title_from = "h1"
    if not title:
        title = _title_from_intro(text)
        title_from = "html" if title else "fallback"
        title = title or fallback_title
    seen: dict[str, int] = {}
    for section in body:
        section.anchor = anchor_of(section.heading, seen)
    return Document(title=title, intro=intro, sections=body, title_from=title_from)


def _title_from_intro(text: str) -> str:
    """HTML-led READMEs often put the name in <strong>/<h1>/alt text before any markdown heading."""
    for pattern in (r"<h1[^>]*>(.*?)</h1>", r"<strong>(.*?)</strong>", r"alt=['\"]([^'\"]+)['\"]"):
        m = re.search(pattern, text[:4000], re.S | re.I)
        if m and clean_inline(m.group(1)):
            return clean_inline(m.group(1))
    return ""
