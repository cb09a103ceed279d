"""Contact sheet: one PNG with the middle frame of every scene, labelled, for a quick look at a render.

The render makes the thumbnails per segment (compose/thumbnails.py) and passes them in; a scene without one
(a batch/Ray render, or a caller without them) is decoded here from the joined output instead."""

from __future__ import annotations

import io
from collections.abc import Mapping
from contextlib import ExitStack
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageDraw, ImageFont

from reelforge.compose.thumbnails import THUMB_WIDTH, scene_middle, thumbnail
from reelforge.errors import RenderError
from reelforge.models.render_spec import RenderSpec
from reelforge.workspace.atomic import write_bytes_atomic

SHEET_NAME = "contact-sheet.png"


def _frame_at(container: av.container.InputContainer, index: int, fps: int) -> Image.Image:
    """Decode the frame with number ``index`` by seeking to the keyframe before it, then decoding forward."""
    stream = container.streams.video[0]
    tb: Fraction = stream.time_base or Fraction(1, 90000)
    start = stream.start_time or 0
    target = start + int(Fraction(index, fps) / tb)
    container.seek(target, stream=stream, backward=True, any_frame=False)
    last: av.VideoFrame | None = None
    for frame in container.decode(stream):
        last = frame
        if frame.pts is not None and frame.pts >= target - int(Fraction(1, 2 * fps) / tb):
            break
    if last is None:
        raise RenderError(f"no frame decodable near frame {index}")
    return last.to_image()


def _given(png: bytes | None, width: int) -> Image.Image | None:
    if png is None:
        return None
    with Image.open(io.BytesIO(png)) as img:
        img.load()
        return img if img.width == width and img.mode == "RGB" else None


def make_contact_sheet(video: Path, spec: RenderSpec, run_dir: Path, *, thumb_width: int = THUMB_WIDTH,
                       columns: int = 5, thumbnails: Mapping[int, bytes] | None = None) -> Path:
    """Write ``contact-sheet.png`` into ``run_dir``: a grid of scene middles labelled ``#n id @ mm:ss.ff``.
    ``thumbnails`` (scene index -> PNG, from the render) are used as they are; the rest are decoded from
    ``video``."""
    import font_roboto

    thumbs: list[tuple[Image.Image, str]] = []
    with ExitStack() as stack:
        container: av.container.InputContainer | None = None
        for n, scene in enumerate(spec.scenes, start=1):
            mid = scene_middle(scene)
            img = _given((thumbnails or {}).get(n - 1), thumb_width)
            if img is None:
                if container is None:
                    container = stack.enter_context(av.open(str(video)))
                img = thumbnail(_frame_at(container, mid, spec.fps), thumb_width)
            sec = mid / spec.fps
            thumbs.append((img, f"#{n} {scene.id}  {int(sec // 60):02d}:{sec % 60:05.2f}"))
    cols = max(1, min(columns, len(thumbs)))
    rows = -(-len(thumbs) // cols)
    label_h, pad = 30, 8
    th = thumbs[0][0].height
    sheet = Image.new("RGB", (cols * (thumb_width + pad) + pad, rows * (th + label_h + pad) + pad), (24, 24, 28))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(font_roboto.font_files["RobotoMedium"], 16)
    for k, (img, label) in enumerate(thumbs):
        x = pad + (k % cols) * (thumb_width + pad)
        y = pad + (k // cols) * (th + label_h + pad)
        sheet.paste(img, (x, y + label_h))
        draw.text((x + 2, y + label_h // 2), label, font=font, fill=(235, 235, 235), anchor="lm")
    buf = io.BytesIO()
    sheet.save(buf, format="PNG")
    out = run_dir / SHEET_NAME
    write_bytes_atomic(out, buf.getvalue())
    return out
