"""The contact sheet's scene thumbnails, made per segment inside the render.

A scene's thumbnail is its middle frame (``scene_middle``), resized to the sheet's width. The render makes
each one from the segment that holds that frame, right after the segment is encoded (or fetched from the
cache), in the segment's own task, so the thumbnails of a rerun's reused segments come from the cache with
the segment instead of from decoding the joined output. The join is a stream copy, so the frame decoded
from the segment is the frame decoded from the output.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import av
from PIL import Image

from reelforge.compose.timeline import Segment
from reelforge.errors import RenderError
from reelforge.models.render_spec import RenderSpec, SceneSpec

THUMB_WIDTH = 270


def scene_middle(scene: SceneSpec) -> int:
    """The output frame a scene's thumbnail shows."""
    return scene.from_frame + scene.duration_in_frames // 2


def thumbnail(image: Image.Image, width: int) -> Image.Image:
    """``image`` resized to ``width`` wide, keeping its aspect (the contact sheet's one resize)."""
    return image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)


def png_bytes(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def decode_frames(video: Path, indexes: Iterable[int]) -> dict[int, Image.Image]:
    """The frames numbered ``indexes`` (0 = the file's first frame, in presentation order), decoded from the
    file's start (a segment starts with an IDR frame) and no further than the last one wanted. Frames no
    other frame refers to are skipped unless wanted (the decoder's skip_frame=NONREF): the wanted frames'
    pixels do not change, and a segment's middle costs about half the decoding."""
    wanted = sorted(set(indexes))
    if not wanted:
        return {}
    found: dict[int, Image.Image] = {}
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        packets = [p for p in container.demux(stream) if p.pts is not None]  # decode order, no pixels read
        shown = sorted(p.pts for p in packets)
        if wanted[-1] >= len(shown):
            raise RenderError(f"{video.name} has {len(shown)} frames; frame {wanted[-1]} was asked for",
                              file=str(video))
        targets = {shown[i]: i for i in wanted}
        decoder = stream.codec_context
        for packet in [*packets, None]:
            if packet is not None:
                decoder.skip_frame = "DEFAULT" if packet.pts in targets else "NONREF"
            for frame in decoder.decode(packet):
                if frame.pts in targets:
                    found[targets[frame.pts]] = frame.to_image()
            if len(found) == len(targets):
                break
    missing = [i for i in wanted if i not in found]
    if missing:
        raise RenderError(f"frame {missing[0]} of {video.name} did not decode", file=str(video))
    return found


@dataclass(frozen=True)
class SegmentThumbnails:
    """The thumbnails one segment holds: ``frames`` maps a scene index to its middle frame's number within
    the segment; the PNGs are written into ``folder``."""

    segment: int
    frames: dict[int, int]
    folder: Path
    width: int

    @classmethod
    def plan(cls, spec: RenderSpec, segment: Segment, folder: Path, width: int) -> SegmentThumbnails:
        frames = {i: scene_middle(s) - segment.start for i, s in enumerate(spec.scenes)
                  if segment.start <= scene_middle(s) < segment.end}
        return cls(segment.index, frames, folder, width)

    def key(self) -> dict[str, object]:
        """What the segment's cache key says about the thumbnails its entry holds."""
        return {"width": self.width, "frames": sorted(set(self.frames.values()))}

    def files(self) -> dict[str, Path]:
        """Cache entry name -> file. Named by frame within the segment: a pure function of the segment's bytes."""
        return {f"thumb-{f:05d}.png": self.folder / f"thumb-{self.segment:03d}-{f:05d}.png"
                for f in sorted(set(self.frames.values()))}

    def make(self, video: Path) -> None:
        """Decode the segment's wanted frames from ``video`` (the segment's mp4) and write the PNGs."""
        images = decode_frames(video, self.frames.values())
        for f, path in zip(sorted(images), self.files().values(), strict=True):
            path.write_bytes(png_bytes(thumbnail(images[f], self.width)))

    def read(self) -> dict[int, bytes]:
        """Scene index -> PNG bytes."""
        files = self.files()
        return {scene: files[f"thumb-{f:05d}.png"].read_bytes() for scene, f in self.frames.items()}
