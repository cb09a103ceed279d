"""Candidate scenes from a README, in document order: a hook, then per section its prose runs (slides)
and its code examples (code frames, narrated by the sentence that introduces them).

Boilerplate never becomes a scene: installation, licence, sponsor and promo sections, navigation and
"the following output" sentences are dropped (explainer/boilerplate.py). The section map ("covers N
topics") is not a candidate: the draft writes it after choosing, from the sections actually shown.
"""

from __future__ import annotations

import re

from reelforge.explainer.boilerplate import boilerplate_sentence, dropped_heading, promo_section, promo_sentence
from reelforge.explainer.candidates import Candidate, narration_from
from reelforge.explainer.markdown import Block, CodeBlock, Document, Section, clean_inline, sentences
from reelforge.text.onscreen import key_phrase

_BOOST = ("usage", "quick", "getting started", "feature", "example", "overview", "how", "why", "what",
          "introduction", "tutorial", "basic", "api")
_CODE_LANGS = ("python", "py", "pycon", "python3", "shell", "bash", "sh", "console", "")
MIN_SLIDE_WORDS = 6
CODE_MAX_LINES = 14  # what a code frame shows legibly at 16:9 (frames/code.py); longer blocks get a window
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
_CALL = re.compile(r"[A-Za-z_][\w.]*\(")


def keep_sentence(sentence: str, title: str) -> bool:
    return not boilerplate_sentence(sentence) and not promo_sentence(sentence, title)


def clean_sentences(text: str, title: str) -> list[str]:
    """Sentences worth saying: no boilerplate, no fragments ("And that will:")."""
    return [s for s in sentences(text) if keep_sentence(s, title) and len(s.split()) >= 4]


def section_dropped(section: Section, title: str) -> bool:
    prose = [s for p in section.paragraphs for s in sentences(p)]
    return dropped_heading(section.heading) or promo_section(section.heading, prose, title)


def bullet(text: str, max_words: int = 10, *, item: bool = False) -> str:
    """A slide bullet without an ellipsis: short text as it is; a list item's label ("Fast: very high
    performance" -> "Fast"); otherwise the sentence's key phrase, never its cut-off opening."""
    text = re.sub(r"\s*(\.{3}|…)\s*", " ", text).strip().rstrip(".:;")
    if len(text.split()) <= max_words:
        return text
    if item:
        label = re.split(r"[:—–]| - ", text, maxsplit=1)[0].strip()
        if 1 <= len(label.split()) <= max_words and label != text:
            return label
    return key_phrase(text, max_words=5)


def _run_sentences(run: list[Block], title: str) -> list[str]:
    """The run's sentences in order; a paragraph ending in ':' is finished by the list items after it
    ("HTTPX gives you: a requests-compatible API, ..."), which are then not repeated."""
    out: list[str] = []
    k = 0
    while k < len(run):
        block = run[k]
        if block.kind == "para":
            kept = clean_sentences(block.text, title)
            following = []
            j = k + 1
            while j < len(run) and run[j].kind == "item":
                following.append(clean_inline(run[j].text))
                j += 1
            if kept and block.text.rstrip().endswith(":") and following:
                items = [i for i in following if keep_sentence(i, title)]
                if items:
                    kept[-1] = kept[-1].rstrip(":") + " " + _join_items(items)
                k = j
            else:
                k += 1
            out.extend(kept)
        else:
            k += 1
    return out


def _join_items(items: list[str]) -> str:
    """List items said as the end of a sentence; "name - what it is" items by their names only."""
    labelled = [re.match(r"^(\S+(?: \S+){0,3}?)\s+[-–—:]\s+\S", i) for i in items[:4]]
    if len(items) > 2 and all(labelled):
        items = [m.group(1) for m in labelled if m]
    parts = [i.rstrip(".;,") for i in items[:4]]

    def lower_first(text: str) -> str:
        first = text.split()[0] if text.split() else ""
        acronym = len(first) > 1 and first.isupper()
        return text if acronym or not text[:1].isupper() else text[:1].lower() + text[1:]

    parts = [lower_first(p) for p in parts]
    return (", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]) + "."


def section_score(section: Section) -> float:
    name = section.heading.lower()
    score = 10.0 - 2.0 * max(0, section.level - 2) + min(section.prose_words + 4 * len(section.items), 120) / 20
    if any(k in name for k in _BOOST):
        score += 4.0
    return score


def code_ok(block: CodeBlock) -> bool:
    return block.language in _CODE_LANGS and bool(block.text.strip()) and block.first_line <= block.last_line


def code_window(block: CodeBlock, narration: str, max_lines: int = CODE_MAX_LINES) -> tuple[int, int]:
    """The block's span, or for a long block the ``max_lines`` window with the most relevant lines: those
    naming what the narration names, then calls and definitions (never a silent crop: the ref is the window)."""
    lines = block.text.split("\n")
    if len(lines) <= max_lines:
        return block.first_line, block.last_line
    named = {w for w in _IDENT.findall(narration)}
    weights = []
    for line in lines:
        w = 0.0
        if any(n in line for n in named):
            w += 2.0
        if _CALL.search(line):
            w += 1.0
        if re.match(r"\s*(def|class|async def)\b", line):
            w += 1.0
        if line.strip():
            w += 0.1
        weights.append(w)
    best = max(range(len(lines) - max_lines + 1), key=lambda s: (sum(weights[s:s + max_lines]), -s))
    first = best
    while first < best + max_lines - 1 and not lines[first].strip():
        first += 1
    last = best + max_lines - 1
    while last > first and not lines[last].strip():
        last -= 1
    return block.first_line + first, block.first_line + last


def _code_candidate(rel: str, block: CodeBlock, lead: str, heading: str, title: str, score: float,
                    order: float) -> Candidate | None:
    if not code_ok(block):
        return None
    said = narration_from(clean_sentences(lead, title)) if lead else ""
    language = {"py": "Python", "python": "Python", "python3": "Python", "pycon": "Python"}.get(block.language)
    if said.endswith((" with.", " using.", " by running.")):
        thing = "command" if block.language in ("shell", "bash", "sh", "console") else "code"
        said = f"{said[:-1]} the {thing} shown."
    named = re.sub(r"(?i)^the\s+", "", heading)
    narration = said or (f"Here is the {named} example." if named else
                         f"Here is an example in {language}." if language else "Here is an example.")
    first, last = code_window(block, narration)
    return Candidate(kind="code", ref=f"{rel}:{first}-{last}", narration=narration, on_screen=[heading or "Example"],
                     score=score - 2.0 + (1.0 if block.language else 0.0), order=order, section=heading)


def _runs(section: Section) -> list[list[Block]]:
    """Blocks split into runs at code blocks: prose, code, prose, ... (each code block its own run)."""
    runs: list[list[Block]] = [[]]
    for block in section.blocks:
        if block.kind == "code":
            runs.append([block])
            runs.append([])
        else:
            runs[-1].append(block)
    return [r for r in runs if r]


def section_candidates(section: Section, rel: str, title: str, index: int) -> list[Candidate]:
    """A section's scenes; each after its first scores 4 less, so a long section cannot crowd out others."""
    out = _section_candidates(section, rel, title, index)
    for k, cand in enumerate(out):
        cand.score -= 4.0 * k
    return out


def _section_candidates(section: Section, rel: str, title: str, index: int) -> list[Candidate]:
    out: list[Candidate] = []
    score = section_score(section)
    runs = _runs(section)
    ref = f"{rel}#{section.anchor}"
    first_slide = True
    for k, run in enumerate(runs):
        if run[0].kind == "code":
            code = run[0].code
            assert code is not None
            previous = runs[k - 1] if k else []
            lead = clean_inline(previous[-1].text) if previous and previous[-1].kind in ("para", "item") else ""
            cand = _code_candidate(rel, code, lead, section.heading, title, score - 0.5 * k / len(runs),
                                   index + run[0].line / 1e6)
            if cand:
                out.append(cand)
            continue
        nxt = runs[k + 1] if k + 1 < len(runs) else []
        introduces_code = bool(nxt) and nxt[0].kind == "code" and nxt[0].code is not None and code_ok(nxt[0].code)
        if introduces_code:
            run = run[:-1]  # the paragraph or item before a code block is narrated over that block
        items = [b for b in run if b.kind == "item"]
        said = _run_sentences(run, title)
        listed = [clean_inline(b.text) for b in items if keep_sentence(clean_inline(b.text), title)]
        narration = narration_from(said) or narration_from(listed)
        if len(narration.split()) < MIN_SLIDE_WORDS:
            continue  # "Now go to 127.0.0.1:8000.": a pointer, not an idea
        bullets = [bullet(clean_inline(b.text, keep_code_marks=True), item=True) for b in items][:5] or \
            [bullet(s) for s in said[1:5]]
        bullets = [b for b in bullets if b and b.lower() != section.heading.lower()]
        out.append(Candidate(kind="slide", ref=ref, narration=narration, on_screen=[section.heading, *bullets[:4]],
                             score=score - (0 if first_slide else 1.0), order=index + run[0].line / 1e6,
                             section=section.heading))
        first_slide = False
    return out


def readme_candidates(doc: Document, rel: str, title: str) -> list[Candidate]:
    out: list[Candidate] = []
    intro_sentences = _run_sentences([b for b in doc.intro.blocks if b.kind != "code"], title)
    hook_text = narration_from(intro_sentences[:2], limit=40) if intro_sentences else ""
    if not hook_text and doc.sections:
        first = doc.sections[0]
        hook_text = narration_from([s for p in first.paragraphs for s in clean_sentences(p, title)], limit=40)
    if not hook_text:
        hook_text = f"This is {title}."
    tagline = bullet(sentences(hook_text)[0]) if sentences(hook_text) else ""
    out.append(Candidate(kind="slide", ref=rel, narration=hook_text,
                         on_screen=[title, tagline] if tagline and tagline != title else [title],
                         score=100.0, order=0.0, pinned=True))
    rest = intro_sentences[2:]
    if rest:
        out.append(Candidate(kind="slide", ref=rel, narration=narration_from(rest),
                             on_screen=[title, *[bullet(s) for s in rest[:4]]], score=9.0, order=0.2))
    for j, block in enumerate(doc.intro.code[:2]):
        cand = _code_candidate(rel, block, block.lead, "", title, 9.0, 0.3 + j / 100)
        if cand:
            out.append(cand)
    said: set[str] = set(sentences(out[0].narration))  # the hook's; later scenes are checked in order
    dropped_parent = 99
    for i, section in enumerate(doc.sections, start=1):
        if section.level > dropped_parent:
            continue  # a sub-section of a dropped section goes with it
        dropped_parent = 99
        if section_dropped(section, title):
            dropped_parent = section.level
            continue
        out.extend(section_candidates(section, rel, title, i))
    return [_without_repeats(c, said) for c in out[:1]] + [c for c in (_without_repeats(c, said) for c in out[1:]) if c]


def _without_repeats(cand: Candidate, said: set[str]) -> Candidate | None:
    """A sentence is narrated once: a later scene repeating it loses it (a code scene falls back to a
    plain introduction, a slide with nothing new is dropped)."""
    if cand.pinned:
        return cand
    kept = [s for s in sentences(cand.narration) if s not in said]
    if len(kept) == len(sentences(cand.narration)):
        said.update(kept)
        return cand
    if cand.kind == "code":
        fallback = f"Here is the {cand.section} example." if cand.section else "Here is an example."
        if fallback in said:
            fallback = "Here is another example."
        cand.narration = " ".join(kept) or ("And here is one more." if fallback in said else fallback)
        said.add(cand.narration)
        said.update(kept)
        return cand
    if not kept:
        return None
    cand.narration = " ".join(kept)
    said.update(kept)
    return cand
