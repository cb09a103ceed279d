"""Shared pieces of the JSON contracts: the schema version, enums, hashes and strict parsing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

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



@dataclass(frozen=True)
class ModeLimits:
    """How long a video of one mode may be, and how many scenes it may have."""

    mode: str
    max_sec: float
    max_scenes: int

    @property
    def label(self) -> str:
        return f"{self.max_sec / 60:g} min" if self.max_sec >= 600 else f"{self.max_sec:g} s"


# Shorts keep the platform's shape: YouTube Shorts takes vertical videos of up to 3 min, the longest of the
# short-form platforms (docs/platforms.md). Explainer and demo videos are 16:9 and may run 30 min: a
# lecture-length explainer fits, and one run stays small on one machine (a 10-minute 1080p explainer is
# measured in bench/long_render.py: its narration track is 119 MB of int16 in memory, its render ~200
# independent segments). 300 scenes over 30 min is one every 6 s on average, the pace of a brisk
# explainer (shorts: 40 in 180 s, one every 4.5 s); each scene is a card, a wav and an ffmpeg input.
MODE_LIMITS: dict[str, ModeLimits] = {
    "shorts": ModeLimits("shorts", 180.0, 40),
    "explainer": ModeLimits("explainer", 1800.0, 300),
    "demo": ModeLimits("demo", 1800.0, 300),
}
LONG_MODE = "explainer"  # what a refusal of a too-long short suggests instead
SCENE_MAX_SEC = max(limit.max_sec for limit in MODE_LIMITS.values())  # a scene alone; its mode checks the total
MAX_SCENES_ANY = max(limit.max_scenes for limit in MODE_LIMITS.values())


def limits_for(mode: str) -> ModeLimits:
    """The limits of ``mode``; an unknown mode gets the strictest (shorts)."""
    return MODE_LIMITS.get(mode, MODE_LIMITS["shorts"])


def longer_video_fix(mode: str) -> str:
    """What to do about a script over its mode's limits."""
    long = MODE_LIMITS[LONG_MODE]
    if mode == "shorts":
        return (f"shorten it, or use mode {LONG_MODE} (16:9, up to {long.label}, {long.max_scenes} scenes) "
                "for a longer video")
    return "shorten it or split it into parts (one video per part)"

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


class SettledRequest(Contract):
    """A job request file as validated, plus what the runner uses once it is settled: the normalized record
    (camelCase, every default chosen, as request.json keeps it) and the file it came from."""

    _data: dict[str, Any] = PrivateAttr(default_factory=dict)
    _source: str | None = PrivateAttr(default=None)

    @property
    def data(self) -> dict[str, Any]:
        return self._data

    @property
    def source(self) -> str | None:
        return self._source


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
