"""Demo footage: ingest a screen recording (--source file) or record a browser session (--source web).

Both produce ``capture.mp4`` in the run dir (H.264 yuv420p), hashed, described by a CaptureAsset.
"""

from reelforge.capture.guide import capture_required, guided_protocol
from reelforge.capture.ingest import ingest_file
from reelforge.capture.mask import SecretUrl, mask_url
from reelforge.capture.options import DEVICE_VIEWPORTS, StopRule, WebCaptureOptions, parse_stop, viewport_for
from reelforge.capture.result import CAPTURE_FILE, CaptureAsset
from reelforge.capture.web import capture_web

__all__ = [
    "CAPTURE_FILE",
    "DEVICE_VIEWPORTS",
    "CaptureAsset",
    "SecretUrl",
    "StopRule",
    "WebCaptureOptions",
    "capture_required",
    "capture_web",
    "guided_protocol",
    "ingest_file",
    "mask_url",
    "parse_stop",
    "viewport_for",
]
