"""Containment by construction: the one place that decides whether a path may be written.

Every write of the tool (atomic JSON/bytes, folders, lock files, moves) resolves its path at the moment
of use, symlinks included, and refuses it (SafetyError, exit 2) when it lands outside the roots that the
current operation is confined to. A symlink planted anywhere inside the workspace therefore cannot carry a
write outside it, whichever caller does the writing.

Writes aimed directly at the system temp folder (providers' scratch files) are allowed; a write aimed at
the workspace that lands anywhere else is not. The roots are a context variable: an entry point
(image/render API, ``video generate``) says ``with confine(workspace.root): ...`` and everything below it
is checked, including worker threads started with ``contextvars.copy_context()``. Outside any ``confine``
nothing is restricted (a library user writing files of their own).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from reelforge.errors import InvalidInputError, SafetyError

_ROOTS: ContextVar[tuple[Path, ...] | None] = ContextVar("reelforge_confined_roots", default=None)


def _canonical(path: Path) -> Path:
    return Path(os.path.realpath(os.fspath(path)))


@contextmanager
def confine(*roots: Path) -> Iterator[None]:
    """Check every write below this block against ``roots`` (resolved now)."""
    token = _ROOTS.set(tuple(_canonical(Path(r)) for r in roots))
    try:
        yield
    finally:
        _ROOTS.reset(token)


def allow_also(root: Path) -> None:
    """Add a root to the current confinement (``--allow-external-out``); a no-op when nothing is confined."""
    current = _ROOTS.get()
    if current is not None:
        _ROOTS.set((*current, _canonical(root)))


def active_roots() -> tuple[Path, ...] | None:
    return _ROOTS.get()


def _inside(resolved: Path, roots: tuple[Path, ...]) -> bool:
    return any(resolved == r or resolved.is_relative_to(r) for r in roots)


def _scratch(path: Path, resolved: Path) -> bool:
    """A write aimed straight at the system temp folder (a provider's scratch files), not through the workspace.

    Aimed at the workspace (lexically inside a root) and landing elsewhere is exactly the escape refused."""
    lexical = Path(os.path.abspath(path))
    roots = _ROOTS.get() or ()
    if _inside(lexical, roots):
        return False
    tmp = Path(tempfile.gettempdir())
    return _inside(lexical, (tmp.absolute(), _canonical(tmp))) and _inside(resolved, (_canonical(tmp),))


def _refuse_nul(path: Path, what: str) -> None:
    if "\x00" in os.fspath(path):
        raise InvalidInputError(f"{what} contains a NUL character", hint="remove the \\0 from the path")


def checked(path: Path, *, what: str = "path", roots: tuple[Path, ...] | None = None,
            scope: str = "the workspace") -> Path:
    """The path with every symlink resolved; SafetyError when it leaves the confinement roots."""
    _refuse_nul(path, what)
    resolved = _canonical(path)
    limits = roots if roots is not None else _ROOTS.get()
    if limits is not None and not _inside(resolved, limits) and not (roots is None and _scratch(path, resolved)):
        where = " or ".join(str(r) for r in limits)
        raise SafetyError(f"{what} {path} resolves to {resolved}, outside {scope} {where}",
                          hint="remove the symlink (or move the folder) so every output stays inside the workspace",
                          file=str(path))
    return resolved


def inside(path: Path, root: Path, *, what: str = "path") -> Path:
    """``path`` resolved and checked against one explicit root (e.g. an asset folder)."""
    return checked(path, what=what, roots=(_canonical(root),), scope="its folder")


def mkdir(path: Path, *, what: str = "folder") -> Path:
    """Create a folder (and its parents) after checking where it really lands; return the resolved folder."""
    real = checked(path, what=what)
    if real.exists() and not real.is_dir():
        raise InvalidInputError(f"{what} {path} is a file, not a folder", hint="move the file away or pick another "
                                "folder", file=str(path))
    try:
        real.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InvalidInputError(f"{what} {path} cannot be created: part of it is a file", file=str(path)) from None
    except NotADirectoryError:
        raise InvalidInputError(f"{what} {path} cannot be created: part of it is a file", file=str(path)) from None
    return checked(path, what=what)  # again: a symlink swapped in meanwhile is caught here


def target(path: Path, *, what: str = "file") -> Path:
    """Where a write of ``path`` must go: the resolved, checked parent plus the name itself.

    The final name is deliberately not followed: an atomic rename replaces a symlink planted under that
    name instead of writing through it."""
    _refuse_nul(path, what)
    parent = mkdir(path.parent, what=f"folder of {what}")
    final = parent / path.name
    if final.is_dir() and not final.is_symlink():
        raise InvalidInputError(f"{what} {path} is a folder", hint="move the folder away", file=str(path))
    return final


def own_file(path: Path) -> bool:
    """True for a regular file (not a symlink) at ``path``: one this tool may reuse as its own output."""
    try:
        return path.is_file() and not path.is_symlink()
    except (OSError, ValueError):
        return False


def replace(src: Path, dst: Path, *, what: str = "file") -> Path:
    """Move ``src`` over ``dst`` atomically; both ends checked. Returns the destination."""
    checked(src, what=what)
    final = target(dst, what=what)
    os.replace(src, final)
    return final


def open_lock(path: Path) -> int:
    """Open (creating) a lock file after checking where it lands; never follows a symlink at the name."""
    final = target(path, what="lock file")
    return os.open(final, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)


def resolve_request_dir(root: Path, value: str, *, field: str) -> Path:
    """A request's output folder (``localAssetDir``, ``localOutputDir``): inside ``root`` (exit 2), a folder
    if it exists (exit 4). Relative values are relative to the workspace."""
    if "\x00" in value:
        raise InvalidInputError(f"{field} contains a NUL character", hint=f"remove the \\0 from {field}")
    path = Path(value)
    path = path if path.is_absolute() else root / path
    real = _canonical(path)
    if not _inside(real, (_canonical(root),)):
        raise SafetyError(f"{field} {path} resolves to {real}, outside the workspace {_canonical(root)}",
                          hint=f"choose a {field} inside the workspace", file=str(path))
    if real.exists() and not real.is_dir():
        raise InvalidInputError(f"{field} {value} names a file, not a folder",
                                hint=f"set {field} to a folder (e.g. assets/<assetId>)", file=str(path))
    return real
