"""Read a Python package with ``ast`` (never imported or run): modules, docstrings, definitions, imports."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from reelforge.explainer.markdown import clean_inline, sentences
from reelforge.explainer.sources import SourceFile


@dataclass(frozen=True)
class Definition:
    name: str
    kind: str  # "class" | "function"
    line: int
    end_line: int
    doc: str  # first paragraph of the docstring, plain text

    @property
    def public(self) -> bool:
        return not self.name.startswith("_")


@dataclass
class Module:
    name: str  # dotted, relative to the package's parent ("httpx._client")
    rel: str  # workspace-relative path
    doc: str  # first paragraph of the module docstring
    lines: int
    definitions: list[Definition] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)  # internal modules only
    exports: list[str] = field(default_factory=list)  # __all__
    parse_error: str = ""
    importers: int = 0

    @property
    def short(self) -> str:
        return self.name.rsplit(".", 1)[-1] if "." in self.name else self.name

    def score(self) -> float:
        public = [d for d in self.definitions if d.public]
        documented = sum(1 for d in public if d.doc)
        return (3.0 * min(self.importers, 10) + min(len(public), 12) + min(documented, 8)
                + (4.0 if self.doc else 0.0) + min(self.lines, 1500) / 300.0 - 1.5 * self.name.count("."))


_UNDERLINE = re.compile(r"^\s*[~=\-^*#+]{3,}\s*$")


def _prose_like(text: str) -> bool:
    words = text.split()
    if len(words) < 2 or ">>>" in text or " = " in text or text.rstrip().endswith(("{", "(")):
        return False
    return sum(1 for w in words if re.fullmatch(r"[A-Za-z][A-Za-z'’,.;:()-]*", w)) >= 0.6 * len(words)


def first_paragraph(doc: str | None) -> str:
    """The first prose paragraph of a docstring: RST title blocks (``pkg.mod`` + ``~~~``) and examples skipped."""
    if not doc:
        return ""
    for para in re.split(r"\n\s*\n", doc.strip()):
        lines = [ln for ln in para.splitlines() if not _UNDERLINE.match(ln)]
        text = clean_inline(" ".join(lines))
        if len(lines) < len(para.splitlines()) and len(text.split()) <= 2:
            continue  # a title with an underline
        if _prose_like(text):
            return text
    return ""


def doc_sentences(doc: str, limit: int) -> list[str]:
    return sentences(doc)[:limit]


def module_name(rel: str, package_rel: str) -> str:
    """Dotted name of a module, counted from the package directory's parent."""
    base = PurePosixPath(package_rel).parent if package_rel not in ("", ".") else PurePosixPath("")
    parts = list(PurePosixPath(rel).relative_to(base).with_suffix("").parts) if base.parts else list(
        PurePosixPath(rel).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts = parts[:-1] or ["__init__"]
    return ".".join(parts)


def _resolve_import(node: ast.ImportFrom | ast.Import, current: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = node.module or ""
    if node.level:
        parts = current.split(".")
        if not is_package:
            parts = parts[:-1]
        parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
        prefix = ".".join(parts)
        base = f"{prefix}.{base}" if base and prefix else (base or prefix)
    names = [base] if base else []
    names.extend(f"{base}.{a.name}" if base else a.name for a in node.names if a.name != "*")
    return names


def analyse_module(file: SourceFile, package_rel: str) -> Module:
    name = module_name(file.rel, package_rel)
    lines = file.text.count("\n") + 1
    try:
        tree = ast.parse(file.text, filename=file.rel)
    except (SyntaxError, ValueError) as exc:
        return Module(name=name, rel=file.rel, doc="", lines=lines, parse_error=str(exc))
    module = Module(name=name, rel=file.rel, doc=first_paragraph(ast.get_docstring(tree)), lines=lines)
    is_package = file.rel.endswith("__init__.py")
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            kind = "class" if isinstance(node, ast.ClassDef) else "function"
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            module.definitions.append(Definition(node.name, kind, start, node.end_lineno or node.lineno,
                                                 first_paragraph(ast.get_docstring(node))))
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__"
                                                  for t in node.targets):
            if isinstance(node.value, ast.List | ast.Tuple):
                module.exports = [e.value for e in node.value.elts
                                  if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            module.imports.update(_resolve_import(node, name, is_package))
    return module


def analyse_package(files: tuple[SourceFile, ...], package_rel: str) -> list[Module]:
    """Every module, with imports narrowed to modules of this package and importer counts filled in."""
    modules = [analyse_module(f, package_rel) for f in files if f.rel.endswith(".py")]
    known = {m.name for m in modules}
    for m in modules:
        internal: set[str] = set()
        for target in m.imports:
            # "pkg.mod.Name" -> "pkg.mod": the longest known prefix.
            parts = target.split(".")
            for cut in range(len(parts), 0, -1):
                candidate = ".".join(parts[:cut])
                if candidate in known:
                    if candidate != m.name:
                        internal.add(candidate)
                    break
        m.imports = internal
    for m in modules:
        for target in m.imports:
            next(x for x in modules if x.name == target).importers += 1
    return modules
