"""The project's name for an explainer's title: never the folder the README happens to sit in.

In order: the README's only H1; the package metadata beside it (pyproject.toml ``[project] name``,
setup.cfg ``[metadata] name``, PKG-INFO/METADATA ``Name:``), looking up to two folders up inside the
workspace; an HTML <h1>/<strong>/logo alt text; the subject of the first "X is a ..." sentence; the
word most headings start with ("Rich Print", "Rich REPL"); the file name without "README".
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path

from reelforge.explainer.markdown import Document, sentences
from reelforge.workspace.paths import is_inside

_IS_A = re.compile(r"^([A-Z][\w.+-]*(?: [A-Z][\w.+-]*){0,2}) (?:is|are)(?: an?| the)? ")


def metadata_name(readme: Path, workspace: Path) -> str | None:
    folder = readme.parent
    for _ in range(3):
        if not is_inside(folder, workspace):
            break
        name = _name_in(folder)
        if name:
            return name
        folder = folder.parent
    return None


def _name_in(folder: Path) -> str | None:
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            name = data.get("project", {}).get("name") or data.get("tool", {}).get("poetry", {}).get("name")
            if isinstance(name, str) and name.strip():
                return name.strip()
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
            pass
    for meta in ("PKG-INFO", "METADATA"):
        path = folder / meta
        if path.is_file():
            m = re.search(r"^Name:\s*(\S+)", path.read_text(encoding="utf-8", errors="replace")[:4000], re.M)
            if m:
                return m.group(1)
    setup_cfg = folder / "setup.cfg"
    if setup_cfg.is_file():
        m = re.search(r"^\[metadata\][^\[]*?^name\s*=\s*(\S+)", setup_cfg.read_text(encoding="utf-8", errors="replace"),
                      re.M | re.S)
        if m:
            return m.group(1)
    return None


def _subject(doc: Document) -> str | None:
    for paragraph in doc.intro.paragraphs[:3] + [p for s in doc.sections[:1] for p in s.paragraphs[:1]]:
        for sentence in sentences(paragraph)[:1]:
            m = _IS_A.match(sentence)
            if m:
                return m.group(1)
    return None


def _heading_word(doc: Document) -> str | None:
    words = Counter(s.heading.split()[0] for s in doc.sections if s.heading.split())
    if not words:
        return None
    word, count = words.most_common(1)[0]
    return word if count >= 3 and word[:1].isupper() else None


def _stem(readme: Path) -> str | None:
    stem = re.sub(r"(?i)[-_. ]*readme[-_. ]*", " ", readme.stem).strip(" -_.")
    return stem or None


def project_title(doc: Document, readme: Path, workspace: Path) -> str:
    if doc.title_from == "h1":
        return doc.title
    meta = metadata_name(readme, workspace)
    if meta:
        # Prefer the README's own spelling of the name ("FastAPI" over "fastapi").
        spelled = re.search(rf"\b({re.escape(meta)})\b", " ".join(doc.intro.paragraphs[:3]), re.I)
        return spelled.group(1) if spelled else meta
    if doc.title_from == "html":
        return doc.title
    return _subject(doc) or _heading_word(doc) or _stem(readme) or "Explainer"
