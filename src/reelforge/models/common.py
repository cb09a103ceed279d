"""Shared pieces of the JSON contracts: the schema version, enums, hashes and strict parsing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reelforge.errors import FieldIssue, SchemaValidationError

SCHEMA_VERSION = "1.0"
SchemaVersion = Literal["1.0"]

Mode = Literal["shorts", "explainer", "demo"]
Aspect = Literal["9:16", "16:9", "1:1"]
CaptionStyle = Literal["word-highlight", "karaoke", "pop", "hook", "lower-third", "minimal", "tiktok", "none"]
Platform = Literal["tiktok", "reels", "shorts", "generic"]
TransitionKind = Literal["cut", "fade", "slide", "wipe"]
PathTaken = Literal["real", "fallback"]

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="lowercase hex sha256")]
NonNegFloat = Annotated[float, Field(ge=0)]

MAX_DURATION_SEC = 180.0
MAX_SCENES = 40

FRAME_SIZES: dict[str, tuple[int, int]] = {"9:16": (1080, 1920), "16:9": (1920, 1080), "1:1": (1080, 1080)}

# Music beds reelforge synthesizes itself (the seed tool's five moods); anything else is "none" or a file.
MUSIC_MOODS: tuple[str, ...] = ("calm", "upbeat", "cinematic", "lofi", "piano")
MUSIC_CHOICES = f"{' | '.join(MUSIC_MOODS)} | none | PATH to an audio file"


def music_kind(value: str) -> Literal["none", "mood", "path"]:
    """Classify a ``music`` value. A bare word that is no mood is refused (ValueError) rather than looked
    up as a file, so a typo such as ``clam`` is named as a bad choice; write ``./clam`` for a file."""
    text = value.strip()
    if text == "none":
        return "none"
    if text in MUSIC_MOODS:
        return "mood"
    if "/" in text or "\\" in text or "." in text:
        return "path"
    raise ValueError(f"must be one of {MUSIC_CHOICES} (a file path has a suffix or a '/')")


class Contract(BaseModel):
    """Base of every JSON contract: camelCase keys as written, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=False)

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


M = TypeVar("M", bound=BaseModel)


def issues_from(error: ValidationError) -> list[FieldIssue]:
    """Every failing field of a pydantic error, as dotted paths (``scenes.2.durationSec``)."""
    issues: list[FieldIssue] = []
    for err in error.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "<root>"
        issues.append(FieldIssue(path=loc, message=err["msg"]))
    return issues


def parse_document(model: type[M], data: Any, *, document: str, file: str | None = None) -> M:
    """Validate ``data`` as ``model``; raise SchemaValidationError naming every bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SchemaValidationError(document, issues_from(exc), file=file) from None


def load_document(model: type[M], path: Path, *, document: str) -> M:
    """Read a JSON file and validate it; every malformed file (encoding, JSON, limits) is a schema error."""
    from reelforge.errors import InvalidInputError, NotFoundError
    from reelforge.models.json_input import MAX_BYTES, decode_json

    try:
        if not path.is_file():
            raise NotFoundError(f"{document} not found: {path}", hint=f"check the path of {document}",
                                file=str(path))
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InvalidInputError(f"{document} {path} cannot be read: {exc.strerror}", file=str(path)) from None
    data = decode_json(raw, document=document, file=str(path))
    return parse_document(model, data, document=document, file=str(path))
