"""Candidate scenes from a Python package: a hook, the import graph, hub modules, one code scene per module."""

from __future__ import annotations

from reelforge.errors import InvalidInputError
from reelforge.explainer.candidates import MAX_BULLET_WORDS, Candidate, narration_from, trim_words
from reelforge.explainer.markdown import parse_markdown, sentences
from reelforge.explainer.pysource import Definition, Module, analyse_package
from reelforge.explainer.sources import Source, SourceFile, nothing_to_explain, read_text_file
from reelforge.workspace.paths import is_inside


def _listing(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def main_definition(module: Module) -> Definition | None:
    """The definition a code frame shows: a documented public class first, then the longest public one."""
    public = [d for d in module.definitions if d.public] or module.definitions
    if not public:
        return None
    return max(public, key=lambda d: (bool(d.doc), d.kind == "class", min(d.end_line - d.line, 200), -d.line))


def _module_candidate(module: Module, order: float) -> Candidate | None:
    main = main_definition(module)
    public = [d.name for d in module.definitions if d.public]
    if not module.doc and not public:
        return None
    parts: list[str] = []
    if module.doc:
        parts.append(narration_from([module.doc], limit=24))
    if public:
        # The shown definition first, then the biggest: size is a fair proxy for what a module is about.
        by_size = sorted((d for d in module.definitions if d.public and d is not main),
                         key=lambda d: (-(d.end_line - d.line), d.line))
        lead = [main.name] if main and main.public else []
        shown = lead + [d.name for d in by_size][: 4 - len(lead)]
        more = f", among {len(public)} public names" if len(public) > len(shown) else ""
        parts.append(f"It defines {_listing(shown)}{more}.")
    if main and main.doc:
        parts.append(f"{main.name}: {narration_from([main.doc], limit=20)}")
    narration = " ".join(p for p in parts if p)
    if main:
        ref = f"{module.rel}:{main.line}-{main.end_line}"
        subtitle = f"{main.kind} {main.name}"
    else:
        ref = f"{module.rel}:1-{min(module.lines, 40)}"
        subtitle = "module"
    return Candidate(kind="code", ref=ref, narration=narration, on_screen=[module.rel, subtitle],
                     score=module.score(), order=order)


def _diversity(modules: list[Module]) -> dict[str, float]:
    """Score per module, lowered for each better-scoring sibling, so one big subpackage cannot fill the video."""
    out: dict[str, float] = {}
    by_dir: dict[str, list[Module]] = {}
    for m in modules:
        by_dir.setdefault(m.rel.rsplit("/", 1)[0], []).append(m)
    for siblings in by_dir.values():
        for rank, m in enumerate(sorted(siblings, key=lambda m: (-m.score(), m.name))):
            out[m.name] = m.score() - 2.0 * rank
    return out


def _readme(source: Source) -> SourceFile | None:
    found = next((f for f in source.files if not f.rel.endswith(".py")), None)
    if found or not is_inside(source.path.parent, source.root):
        return found
    # An sdist layout (project/README.md beside project/pkg/): the README one level up names the project.
    for name in ("README.md", "README.rst", "README.markdown", "README.txt"):
        candidate = source.path.parent / name
        if candidate.is_file():
            try:
                return read_text_file(candidate, source.root, what="README")
            except InvalidInputError:
                return None
    return None


def package_candidates(source: Source) -> tuple[str, list[Candidate]]:
    readme = _readme(source)
    modules = [m for m in analyse_package(source.files, source.rel) if not m.parse_error]
    if not modules:
        raise nothing_to_explain(source.path, "no module could be parsed as Python")
    top = min(modules, key=lambda m: (m.name.count("."), m.name))
    package = top.name.split(".")[0] if top.name != "__init__" else source.path.name
    doc = parse_markdown(readme.text, fallback_title=package) if readme else None
    title = doc.title if doc else package
    out: list[Candidate] = []

    tagline = ""
    if doc:
        tagline = narration_from([s for p in doc.intro.paragraphs for s in sentences(p)][:2], limit=40)
    tagline = tagline or narration_from([top.doc], limit=40)
    n_public = sum(1 for m in modules for d in m.definitions if d.public)
    facts = f"{package} has {len(modules)} modules with {n_public} public classes and functions."
    hook = f"{tagline} {facts}".strip() if tagline else facts
    out.append(Candidate(kind="slide", ref=source.rel, narration=hook,
                         on_screen=[title, trim_words(sentences(tagline)[0], MAX_BULLET_WORDS) if tagline else facts],
                         score=100.0, order=0.0, pinned=True))

    ranked = sorted(modules, key=lambda m: (-m.score(), m.name))
    if len(modules) >= 3 and any(m.imports for m in modules):
        hubs = [m.short for m in sorted(modules, key=lambda m: (-m.importers, m.name))[:3] if m.importers]
        narration = f"This map shows which modules import which. The most used are {_listing(hubs)}." if hubs \
            else "This map shows which modules import which."
        out.append(Candidate(kind="diagram", ref=source.rel, narration=narration,
                             on_screen=[f"{package}: module map"], score=50.0, order=0.5))
    for hub in [m for m in ranked if m.importers >= 3][:2]:
        users = sorted((m for m in modules if hub.name in m.imports), key=lambda m: (-m.score(), m.name))
        names = [m.short for m in users[:4]]
        out.append(Candidate(kind="diagram", ref=hub.rel, order=2.0 + ranked.index(hub) / 100, score=hub.score(),
                             narration=f"{hub.short} is imported by {hub.importers} modules, "
                                       f"including {_listing(names)}.", on_screen=[f"Who uses {hub.short}"]))
    scores = _diversity(modules)
    for rank, module in enumerate(sorted(modules, key=lambda m: m.rel)):
        cand = _module_candidate(module, 1.0 + (rank + 1) / (len(modules) + 1))
        if cand:
            cand.score = scores[module.name]
            out.append(cand)
    names = [n for n in top.exports if not n.startswith("__")]
    if names:
        out.append(Candidate(kind="slide", ref=top.rel, score=20.0, order=3.0,
                             narration=f"The package exports {len(names)} public names, among them "
                                       f"{_listing(names[:5])}.",
                             on_screen=["Public API", *[f"`{n}`" for n in names[:8]]]))
    if len(out) == 1:
        raise nothing_to_explain(source.path, "no module has a docstring or a public definition")
    return title, out
