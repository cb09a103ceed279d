"""Read any manifest.json reelforge writes (video run, image job, render job, old or new) as one envelope."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from reelforge.errors import InvalidInputError
from reelforge.models.envelope import ManifestEnvelope, envelope_from
from reelforge.workspace.documents import read_json_file


def read_envelope(path: Path) -> ManifestEnvelope:
    """The envelope of the manifest at ``path`` (missing: exit 3; not a reelforge manifest: exit 4)."""
    data = read_json_file(path, document="manifest")
    if not isinstance(data, dict):
        raise InvalidInputError(f"{path} is not a JSON object", file=str(path), hint="point at a manifest.json")
    try:
        return envelope_from(data)
    except (ValueError, ValidationError, KeyError) as exc:
        raise InvalidInputError(f"{path} is not a reelforge manifest: {exc}".splitlines()[0], file=str(path),
                                hint="point at the manifest.json of a video run, image job or render job") from None
