"""Pure data contracts (pydantic), no I/O beyond parsing."""

from reelforge.models.common import SCHEMA_VERSION, load_document, parse_document
from reelforge.models.envelope import ManifestEnvelope, envelope_from
from reelforge.models.manifest import AssetRecord, Manifest, StageRecord
from reelforge.models.qa import QARecord
from reelforge.models.render_spec import RenderSpec
from reelforge.models.requests import ImageRequest, RenderRequest
from reelforge.models.script import Scene, Script
from reelforge.models.timing import Segment, Timing, Word

__all__ = [
    "SCHEMA_VERSION",
    "AssetRecord",
    "ImageRequest",
    "Manifest",
    "ManifestEnvelope",
    "QARecord",
    "RenderRequest",
    "RenderSpec",
    "Scene",
    "Script",
    "Segment",
    "StageRecord",
    "Timing",
    "Word",
    "envelope_from",
    "load_document",
    "parse_document",
]
