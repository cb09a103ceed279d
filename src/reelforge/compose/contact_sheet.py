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


# A long explainer has up to 300 scenes; a sheet of all of them is a scroll, not a glance. Up to MAX_TILES
# scenes are shown, sampled evenly (first and last always), and their #n labels show where the gaps are;
# more than WIDE_FROM tiles go 8 to a row (60 tiles of 16:9 make a 2232 x 1528 sheet).
MAX_TILES = 60
WIDE_FROM = 20
WIDE_COLUMNS = 8


def sheet_scenes(count: int, limit: int = MAX_TILES) -> list[int]:
    """Indexes of the scenes a sheet shows: all of them up to ``limit``, else ``limit`` spread evenly."""
    if count <= limit:
        return list(range(count))
    return sorted({round(k * (count - 1) / (limit - 1)) for k in range(limit)})


def make_contact_sheet(video: Path, spec: RenderSpec, run_dir: Path, *, thumb_width: int = THUMB_WIDTH,
                       columns: int | None = None, thumbnails: Mapping[int, bytes] | None = None) -> Path:
    """Write ``contact-sheet.png`` into ``run_dir``: a grid of scene middles labelled ``#n id @ mm:ss.ff``.
    ``thumbnails`` (scene index -> PNG, from the render) are used as they are; the rest are decoded from
    ``video``."""
    import font_roboto

    shown = sheet_scenes(len(spec.scenes))
    thumbs: list[tuple[Image.Image, str]] = []
    with ExitStack() as stack:
        container: av.container.InputContainer | None = None
        for n in (i + 1 for i in shown):
            scene = spec.scenes[n - 1]
            mid = scene_middle(scene)
            img = _given((thumbnails or {}).get(n - 1), thumb_width)
            if img is None:
                if container is None:
                    container = stack.enter_context(av.open(str(video)))
                img = thumbnail(_frame_at(container, mid, spec.fps), thumb_width)
            sec = mid / spec.fps
            thumbs.append((img, f"#{n} {scene.id}  {int(sec // 60):02d}:{sec % 60:05.2f}"))
    if columns is None:
        columns = WIDE_COLUMNS if len(thumbs) > WIDE_FROM else 5
    cols = max(1, min(columns, len(thumbs)))
    rows = -(-len(thumbs) // cols)
    label_h, pad = 30, 8
    header_h = label_h if len(shown) < len(spec.scenes) else 0
    th = thumbs[0][0].height
    sheet = Image.new("RGB", (cols * (thumb_width + pad) + pad, header_h + rows * (th + label_h + pad) + pad),
                      (24, 24, 28))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(font_roboto.font_files["RobotoMedium"], 16)
    if header_h:
        draw.text((pad + 2, pad + header_h // 2), f"{len(shown)} of {len(spec.scenes)} scenes, evenly spaced",
                  font=font, fill=(200, 200, 120), anchor="lm")
    for k, (img, label) in enumerate(thumbs):
        x = pad + (k % cols) * (thumb_width + pad)
        y = header_h + pad + (k // cols) * (th + label_h + pad)
        sheet.paste(img, (x, y + label_h))
        draw.text((x + 2, y + label_h // 2), label, font=font, fill=(235, 235, 235), anchor="lm")
    buf = io.BytesIO()
    sheet.save(buf, format="PNG")
    out = run_dir / SHEET_NAME
    write_bytes_atomic(out, buf.getvalue())
    return out
