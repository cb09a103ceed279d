"""Reading the documents a user hands in (requests, JSONL batches, script.json): one way, one set of errors.

A missing file is NotFoundError (exit 3); a folder or an unreadable file is InvalidInputError (exit 4);
everything about the bytes themselves is decided by ``models.json_input`` (exit 4, naming the field).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reelforge.errors import InvalidInputError, NotFoundError
from reelforge.models.json_input import MAX_BYTES, decode_json, decode_json_lines


def read_bytes(path: Path, *, document: str, flag: str | None = None, max_bytes: int = MAX_BYTES) -> bytes:
    where = f" ({flag})" if flag else ""
    try:
        if path.is_dir():
            raise InvalidInputError(f"{document} {path}{where} is a folder, not a file",
                                    hint="pass the path of a JSON file", file=str(path))
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)  # one byte over is enough to say "too big"
    except FileNotFoundError:
        raise NotFoundError(f"{document} {path}{where} does not exist", hint="check the path and run again",
                            file=str(path)) from None
    except ValueError:  # a NUL in the path
        raise InvalidInputError(f"{document} path{where} contains a NUL character", hint="fix the path") from None
    except OSError as exc:
        raise InvalidInputError(f"{document} {path}{where} cannot be read: {exc.strerror}",
                                hint="check the file's permissions", file=str(path)) from None


def read_json_file(path: Path, *, document: str, flag: str | None = None) -> Any:
    return decode_json(read_bytes(path, document=document, flag=flag), document=document, file=str(path))


def read_json_lines(path: Path, *, document: str, flag: str | None = None) -> list[tuple[int, Any]]:
    return decode_json_lines(read_bytes(path, document=document, flag=flag), document=document, file=str(path))
