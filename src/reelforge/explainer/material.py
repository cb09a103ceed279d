"""The cleaned material an LLM writer is grounded in, and the checks on what it cites.

Only what the key-free draft would narrate is shown: boilerplate sections and sentences are left out,
so a citation can only point at a kept line. Every line is numbered as it is in the file, so a citation
``README.md:42`` or ``README.md:40-52`` is checked against the file itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reelforge.explainer.markdown import clean_inline, parse_markdown, sentences
from reelforge.explainer.scenes_readme import CODE_MAX_LINES, code_ok, keep_sentence, section_dropped
from reelforge.explainer.sources import load_source
from reelforge.explainer.title import project_title

_REF = re.compile(r"^(?P<file>.+?):(?P<start>\d+)(?:-(?P<end>\d+))?$")
MAX_PROMPT_LINES = 900


@dataclass
class Material:
    default_ref: str
    title: str
    lines: dict[str, dict[int, str]] = field(default_factory=dict)  # file -> line -> kept text
    code_spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def prompt_text(self) -> str:
        out = [f"Project: {self.title}"]
        for rel, lines in self.lines.items():
            for no in sorted(lines)[:MAX_PROMPT_LINES]:
                out.append(f"{rel}:{no}: {lines[no]}")
        return "\n".join(out)

    def _parse(self, ref: str) -> tuple[str, int, int] | None:
        m = _REF.match(ref.strip())
        if not m:
            return None
        start = int(m["start"])
        return m["file"], start, int(m["end"] or start)

    def citation_error(self, ref: str) -> str | None:
        parsed = self._parse(ref)
        if parsed is None:
            return "is not FILE:LINE or FILE:START-END"
        rel, start, end = parsed
        if rel not in self.lines:
            return f"names a file that is not in the material ({', '.join(self.lines)})"
        if end < start or not any(start <= no <= end for no in self.lines[rel]):
            return "names lines that were not shown in the material"
        return None

    def cited_text(self, ref: str) -> str:
        parsed = self._parse(ref)
        if parsed is None:
            return ""
        rel, start, end = parsed
        return " ".join(text for no, text in sorted(self.lines.get(rel, {}).items()) if start <= no <= end)

    def visual_ref_error(self, kind: str, ref: str | None) -> str | None:
        if kind != "code":
            file = (ref or self.default_ref).split("#", 1)[0]
            return None if file in self.lines else f"{ref!r} is not a file of the material ({', '.join(self.lines)})"
        parsed = self._parse(ref or "")
        if parsed is None:
            return "a code scene needs visual.ref FILE:START-END inside one code block"
        rel, start, end = parsed
        if not any(a <= start and end <= b for a, b in self.code_spans.get(rel, [])):
            return f"{ref!r} is not inside one code block of the material"
        if end - start + 1 > CODE_MAX_LINES:
            return f"{ref!r} spans {end - start + 1} lines; show at most {CODE_MAX_LINES} (pick the relevant ones)"
        return None


def load_material(source: Path, *, workspace: Path) -> Material:
    """README material as numbered kept lines; for a package or CSV, the files' first lines as they are."""
    loaded = load_source(source, workspace=workspace)
    if loaded.kind != "markdown":
        material = Material(default_ref=loaded.rel, title=loaded.path.name)
        for file in loaded.files[:20]:
            material.lines[file.rel] = {i: line for i, line in enumerate(file.text.split("\n")[:200], start=1)
                                        if line.strip()}
            material.code_spans[file.rel] = [(1, len(file.text.split("\n")))] if file.rel.endswith(".py") else []
        return material
    file = loaded.files[0]
    doc = parse_markdown(file.text, fallback_title="")
    title = project_title(doc, file.path, loaded.root)
    raw = file.text.replace("\r\n", "\n").split("\n")
    material = Material(default_ref=file.rel, title=title)
    kept: dict[int, str] = {}
    spans: list[tuple[int, int]] = []
    dropped_level = 99
    for section in [doc.intro, *doc.sections]:
        if section.heading:
            if section.level > dropped_level:
                continue
            dropped_level = 99
            if section_dropped(section, title):
                dropped_level = section.level
                continue
            kept[section.line] = f"# {section.heading}"
        for block in section.blocks:
            if block.kind == "code":
                if block.code is not None and code_ok(block.code):
                    spans.append((block.line, block.end_line))
                    for no in range(block.line, block.end_line + 1):
                        kept[no] = "    " + raw[no - 1] if no - 1 < len(raw) else ""
                continue
            for no in range(block.line, block.end_line + 1):
                line = clean_inline(raw[no - 1]) if no - 1 < len(raw) else ""
                text = " ".join(s for s in sentences(line) if keep_sentence(s, title))
                if text:
                    kept[no] = text
    material.lines[file.rel] = kept
    material.code_spans[file.rel] = spans
    return material
