"""Find, check and read the material an explainer is drafted from: a README, a Python package dir or a CSV.

Every refusal is an InvalidInputError (exit 4) that names the path and the fix, except a source outside
the workspace, which is a SafetyError (exit 2). Source text is only ever read as data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reelforge.errors import InvalidInputError, SafetyError
from reelforge.workspace.paths import canonical, is_inside

SourceKind = Literal["markdown", "package", "data"]

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".rst", ".txt")
DATA_SUFFIXES = (".csv", ".tsv")
MAX_TEXT_BYTES = 4 * 1024 * 1024
MAX_PACKAGE_FILES = 2000
SKIP_DIRS = frozenset({"tests", "test", "docs", "doc", "build", "dist", "examples", "node_modules", "venv",
                       "site-packages", "__pycache__", "scripts", "benchmarks", "external"})
FLAG = "--source"


@dataclass(frozen=True)
class SourceFile:
    path: Path  # canonical
    rel: str  # workspace-relative POSIX path (what visual.ref points at)
    text: str


@dataclass(frozen=True)
class Source:
    kind: SourceKind
    root: Path  # canonical workspace
    path: Path  # canonical source path (file or dir)
    rel: str
    files: tuple[SourceFile, ...]  # one for markdown/data; every .py module (+ a README if present) for package


def rel_to(path: Path, workspace: Path) -> str:
    rel = canonical(path).relative_to(canonical(workspace)).as_posix()
    return rel or "."


def read_text_file(path: Path, workspace: Path, *, what: str = "source") -> SourceFile:
    """Read a UTF-8 text file or refuse: unreadable, binary, too large."""
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise InvalidInputError(
                f"{what} {path} is {size} bytes; the explainer reads at most {MAX_TEXT_BYTES} bytes",
                hint=f"pass a smaller file to {FLAG} (a README, one package, or a CSV extract)", file=str(path))
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"{what} {path} cannot be read: {exc.strerror or exc}",
                                hint=f"check the file's permissions, or pass another file to {FLAG}",
                                file=str(path)) from None
    if b"\x00" in data[:8192]:
        raise _binary(path, what)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _binary(path, what) from None
    return SourceFile(path=canonical(path), rel=rel_to(path, workspace), text=text)


def _binary(path: Path, what: str) -> InvalidInputError:
    return InvalidInputError(
        f"{what} {path} is a binary file, not text the explainer can read",
        hint=f"pass a UTF-8 README (.md), a Python package directory or a .csv file to {FLAG}", file=str(path))


def nothing_to_explain(path: Path, why: str) -> InvalidInputError:
    return InvalidInputError(
        f"source {path} has nothing to explain: {why}",
        hint=f"pass a README with prose, a package with modules/docstrings, or a CSV with a numeric column to "
             f"{FLAG}, or write script.json yourself and pass --script", file=str(path))


def load_source(source: Path, *, workspace: Path) -> Source:
    """Resolve ``source`` (relative paths are taken from the workspace), check it, and read it."""
    root = canonical(workspace)
    path = canonical(source if source.is_absolute() else root / source)
    if not is_inside(path, root):
        raise SafetyError(f"source {path} is outside the workspace {root}",
                          hint="copy the material into the workspace, or run with --workspace set to a folder "
                               "that contains it", file=str(path))
    if not path.exists():
        raise InvalidInputError(f"source {path} does not exist",
                                hint=f"check the path given to {FLAG} (relative paths start at the workspace)",
                                file=str(path))
    if path.is_dir():
        return _load_package(path, root)
    if not path.is_file():
        raise InvalidInputError(f"source {path} is not a regular file or directory",
                                hint=f"pass a file or a directory to {FLAG}", file=str(path))
    suffix = path.suffix.lower()
    if suffix in DATA_SUFFIXES:
        kind: SourceKind = "data"
    elif suffix in MARKDOWN_SUFFIXES or not suffix:
        kind = "markdown"
    elif suffix == ".py":
        return _single_module(path, root)
    else:
        file = read_text_file(path, root)  # refuses binaries first: that is the more useful message
        raise InvalidInputError(f"source {file.path} has an unsupported type {suffix!r}",
                                hint=f"pass a README (.md), a Python package directory or a .csv file to {FLAG}",
                                file=str(path))
    file = read_text_file(path, root)
    if not file.text.strip():
        raise nothing_to_explain(path, "the file is empty")
    return Source(kind=kind, root=root, path=path, rel=file.rel, files=(file,))


def _single_module(path: Path, root: Path) -> Source:
    file = read_text_file(path, root)
    if not file.text.strip():
        raise nothing_to_explain(path, "the file is empty")
    return Source(kind="package", root=root, path=path.parent, rel=rel_to(path.parent, root), files=(file,))


def _load_package(path: Path, root: Path) -> Source:
    modules: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(path):
        here = Path(dirpath)
        # Sorted walk: the module order (and so the script) never depends on the filesystem's order.
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d.lower() not in SKIP_DIRS
                             and not d.endswith(".egg-info") and here.joinpath(d).resolve().is_relative_to(path))
        modules.extend(here / f for f in sorted(filenames) if f.endswith(".py") and not f.startswith("."))
        if len(modules) > MAX_PACKAGE_FILES:
            raise InvalidInputError(f"source {path} holds more than {MAX_PACKAGE_FILES} Python files",
                                    hint=f"pass one package directory to {FLAG}, not a whole tree", file=str(path))
    if not modules:
        raise nothing_to_explain(path, "no Python modules (.py files) were found in the directory")
    files = [read_text_file(m, root) for m in modules]
    readme = next((path / n for n in ("README.md", "README.rst", "README.markdown", "README.txt", "README")
                   if (path / n).is_file()), None)
    if readme is not None:
        files.insert(0, read_text_file(readme, root, what="README"))
    return Source(kind="package", root=root, path=path, rel=rel_to(path, root), files=tuple(files))
