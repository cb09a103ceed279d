"""Contact sheet: one PNG with the middle frame of every scene, labelled, for a quick look at a render."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageDraw, ImageFont

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


def make_contact_sheet(video: Path, spec: RenderSpec, run_dir: Path, *, thumb_width: int = 270,
                       columns: int = 5) -> Path:
    """Write ``contact-sheet.png`` into ``run_dir``: a grid of scene middles labelled ``#n id @ mm:ss.ff``."""
    import font_roboto

    thumbs: list[tuple[Image.Image, str]] = []
    with av.open(str(video)) as container:
        for n, scene in enumerate(spec.scenes, start=1):
            mid = scene.from_frame + scene.duration_in_frames // 2
            img = _frame_at(container, mid, spec.fps)
            h = round(img.height * thumb_width / img.width)
            sec = mid / spec.fps
            thumbs.append((img.resize((thumb_width, h), Image.Resampling.LANCZOS),
                           f"#{n} {scene.id}  {int(sec // 60):02d}:{sec % 60:05.2f}"))
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
