"""Candidate scenes from a README: a hook, a section map, one slide per section, its code examples."""

from __future__ import annotations

from reelforge.explainer.candidates import MAX_BULLET_WORDS, Candidate, narration_from, trim_words
from reelforge.explainer.markdown import CodeBlock, Document, Section, clean_inline, sentences

_BOOST = ("install", "usage", "quick", "getting started", "feature", "example", "overview", "how", "why",
          "what", "introduction", "tutorial", "basic", "api")
_DEMOTE = ("license", "licence", "contribut", "changelog", "change log", "credit", "author", "acknowledg",
           "sponsor", "support", "thank", "donat", "citation", "contents", "badge", "security", "funding",
           "maintainer", "release", "history", "code of conduct")
_CODE_LANGS = ("python", "py", "pycon", "python3", "shell", "bash", "sh", "console", "")


def bullets_for(section: Section, limit: int = 6) -> list[str]:
    if section.items:
        raw = [clean_inline(i, keep_code_marks=True) for i in section.items]
    else:
        raw = [s for p in section.paragraphs for s in sentences(clean_inline(p, keep_code_marks=True))]
    return [trim_words(b, MAX_BULLET_WORDS) for b in raw if b][:limit]


def section_score(section: Section) -> float:
    name = section.heading.lower()
    score = 10.0 - 2.0 * max(0, section.level - 2) + min(section.prose_words + 4 * len(section.items), 120) / 20
    if any(k in name for k in _BOOST):
        score += 4.0
    if any(k in name for k in _DEMOTE):
        score -= 8.0
    return score


def _code_ok(block: CodeBlock) -> bool:
    return block.language in _CODE_LANGS and bool(block.text.strip()) and block.first_line <= block.last_line


def _code_candidate(rel: str, block: CodeBlock, heading: str, score: float, order: float) -> Candidate | None:
    if not _code_ok(block):
        return None
    lead = narration_from([block.lead]) if block.lead else ""
    language = {"py": "Python", "python": "Python", "python3": "Python", "pycon": "Python"}.get(block.language)
    fallback = f"Here is an example in {language}." if language else "Here is an example."
    narration = lead or (f"Here is the {heading} example." if heading else fallback)
    title = heading or "Example"
    return Candidate(kind="code", ref=f"{rel}:{block.first_line}-{block.last_line}", narration=narration,
                     on_screen=[title], score=score - 2.0 + (1.0 if block.language else 0.0), order=order)


def readme_candidates(doc: Document, rel: str) -> list[Candidate]:
    out: list[Candidate] = []
    intro_sentences = [s for p in doc.intro.paragraphs for s in sentences(p)]
    hook_text = narration_from(intro_sentences[:2], limit=40) if intro_sentences else ""
    if not hook_text and doc.sections:
        first = doc.sections[0]
        hook_text = narration_from(first.paragraphs, limit=40) or narration_from(first.items, limit=40)
    if not hook_text:
        hook_text = f"This is {doc.title}."
    tagline = trim_words(sentences(hook_text)[0], MAX_BULLET_WORDS) if sentences(hook_text) else ""
    out.append(Candidate(kind="slide", ref=rel, narration=hook_text, on_screen=[doc.title, tagline][: 2 if tagline
                         else 1], score=100.0, order=0.0, pinned=True))
    leads = {s for b in doc.intro.code if b.lead and _code_ok(b) for s in sentences(b.lead)}
    rest = [s for s in intro_sentences[2:] if s not in leads]
    if rest:
        out.append(Candidate(kind="slide", ref=rel, narration=narration_from(rest),
                             on_screen=[doc.title, *[trim_words(s, MAX_BULLET_WORDS) for s in rest[:4]]],
                             score=9.0, order=0.2))
    for j, block in enumerate(doc.intro.code[:2]):
        cand = _code_candidate(rel, block, "", 9.0, 0.3 + j / 100)
        if cand:
            out.append(cand)
    top = [s for s in doc.sections if s.level <= 2] or doc.sections
    if len(top) >= 3:
        names = [s.heading for s in top[:8]]
        listed = ", ".join(names[:-1]) + f" and {names[-1]}"
        out.append(Candidate(kind="diagram", ref=rel, narration=f"{doc.title} covers {len(top)} topics: {listed}.",
                             on_screen=[doc.title], score=12.0, order=0.5))
    for i, section in enumerate(doc.sections, start=1):
        score = section_score(section)
        ref = f"{rel}#{section.anchor}"
        # A sentence that introduces a code block is narrated over that block, not twice.
        leads = {b.lead for b in section.code if b.lead and _code_ok(b)}
        prose = [p for p in section.paragraphs if p not in leads]
        narration = narration_from(prose) or narration_from([clean_inline(x) for x in section.items])
        if narration:
            out.append(Candidate(kind="slide", ref=ref, narration=narration,
                                 on_screen=[section.heading, *bullets_for(section)], score=score, order=float(i)))
        for j, block in enumerate(section.code[:2]):
            cand = _code_candidate(rel, block, section.heading, score - j, i + 0.1 + j / 100)
            if cand:
                out.append(cand)
    return out
