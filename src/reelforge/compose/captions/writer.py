"""The captions stage: timing.json -> captions.ass/.srt/.vtt + fonts/ in the run dir."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelforge.compose.captions.ass import render_ass
from reelforge.compose.captions.fonts import FONTS_DIR, FontInfo, choose_font, install_font
from reelforge.compose.captions.layout import Metrics, PlacedPage, caption_band, layout_captions
from reelforge.compose.captions.paging import page_end
from reelforge.compose.captions.presets import CaptionLook, CaptionStyle, style_named
from reelforge.compose.captions.subtitle_files import Cue, render_srt, render_vtt
from reelforge.compose.captions.symbols import timing_without_emoji
from reelforge.compose.captions.wrap import Measurer
from reelforge.models.render_spec import CaptionSpec, FileRef, FontRef
from reelforge.models.safe_area import safe_area
from reelforge.models.timing import Timing
from reelforge.text.breaking import joins_without_space
from reelforge.workspace.atomic import write_text_atomic
from reelforge.workspace.hashing import sha256_bytes

ASS_NAME, SRT_NAME, VTT_NAME = "captions.ass", "captions.srt", "captions.vtt"
CAPTION_FILES = (ASS_NAME, SRT_NAME, VTT_NAME)
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


@dataclass(frozen=True)
class CaptionResult:
    """What the captions stage produced; ``files`` lists every file written, run-relative, with sha256."""

    style: str
    platform: str
    files: tuple[FileRef, ...] = ()
    ass: FileRef | None = None
    fonts: tuple[FontRef, ...] = ()
    warnings: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    fonts_dir: str | None = None

    @property
    def ass_file(self) -> FileRef | None:
        """The captions.ass record (same as ``ass``), for the render-spec builder."""
        return self.ass

    def caption_spec(self) -> CaptionSpec:
        """The render-spec ``captions`` block."""
        return CaptionSpec.model_validate({"style": self.style, "platform": self.platform,
                                           "file": self.ass, "fonts": list(self.fonts)})


def write_captions(timing: Timing, run_dir: Path, *, style: str, platform: str, width: int, height: int,
                   locale: str = "en", font_path: Path | None = None,
                   look: CaptionLook | None = None) -> CaptionResult:
    """Write captions.ass/.srt/.vtt and copy the caption font into ``run_dir/fonts``.

    ``style`` is a preset name (presets.py: word-highlight, karaoke, pop, hook, lower-third, minimal; tiktok
    is word-highlight) or none (writes nothing and removes stale caption files). ``look`` is the
    ``[captions]`` table: size, outline, colours, position.
    """
    look = look or CaptionLook()
    area = safe_area(platform, width, height)
    if style == "none":
        for name in CAPTION_FILES:
            (run_dir / name).unlink(missing_ok=True)
        return CaptionResult(style="none", platform=platform,
                             params={"style": "none", "platform": platform, "safeArea": area.to_params()})
    caption_style = style_named(style)

    timing, emoji = timing_without_emoji(timing)
    text = " ".join(w.t for seg in timing.segments for w in seg.words)
    choice = choose_font(text, locale=locale, font_path=font_path)
    warnings = list(choice.warnings)
    if emoji:
        warnings.append(f"captions leave out {len(emoji)} emoji/symbol character{'s' if len(emoji) != 1 else ''} "
                        f"({' '.join(emoji[:8])}): libass draws no colour emoji")
    font_ref = install_font(choice.font, run_dir)
    _remove_other_fonts(run_dir / FONTS_DIR, keep=Path(font_ref.src).name)

    pages, metrics = layout_captions(timing, caption_style, area, Measurer(choice.font), look)
    if not pages:
        warnings.append("timing.json has no timed words: the caption files are empty")
    shrunk = sorted({p.size for p in pages if p.size != metrics.base_size})
    if any(len(p.lines) > 2 for p in pages):
        warnings.append("a word too long for the caption width even at the smallest size was broken "
                        "between characters; shorten it in the script")

    ass_text = render_ass(pages, caption_style, metrics, width=width, height=height, family=font_ref.family,
                          look=look)
    cues = [_cue(p, caption_style) for p in pages]
    outputs = {ASS_NAME: ass_text, SRT_NAME: render_srt(cues), VTT_NAME: render_vtt(cues)}
    refs: list[FileRef] = []
    for name, content in outputs.items():
        write_text_atomic(run_dir / name, content)
        refs.append(FileRef(src=name, sha256=sha256_bytes(content.encode("utf-8"))))
    refs.append(FileRef(src=font_ref.src, sha256=font_ref.sha256))

    params: dict[str, Any] = {
        "style": style, "preset": caption_style.name, "effect": caption_style.effect, "look": look.to_params(),
        "platform": platform, "locale": locale, "frame": [width, height],
        "font": {"family": font_ref.family, "src": font_ref.src, "sha256": font_ref.sha256,
                 "chosenBecause": choice.reason},
        **metrics.to_params(),
        "capHeight": cap_height(choice.font, metrics, height),
        "shrunkFontSizes": shrunk,
        "pages": len(pages),
        "safeArea": area.to_params(),
        "band": list(caption_band(caption_style, area, look, choice.font)),
    }
    return CaptionResult(style=style, platform=platform, files=tuple(refs), ass=refs[0], fonts=(font_ref,),
                         warnings=tuple(warnings), params=params, fonts_dir=FONTS_DIR)


def _cue(page: PlacedPage, style: CaptionStyle) -> Cue:
    if not style.uppercase:
        lines = page.plain_lines
        written = page.page.words[-1].text  # the sidecar files keep the page's last comma or colon
        shown = page_end(written)
        if shown != written and lines and lines[-1].endswith(shown):
            lines[-1] = lines[-1][: len(lines[-1]) - len(shown)] + written
        return Cue(page.page.start_ms, page.page.end_ms, tuple(lines))
    # The burned-in text is in capitals; the sidecar files keep the words as written, on one line.
    text = ""
    for word in page.page.text_words:
        text += word if not text or joins_without_space(text, word) else " " + word
    return Cue(page.page.start_ms, page.page.end_ms, (text,))


def cap_height(font: FontInfo, m: Metrics, frame_height: int) -> dict[str, Any]:
    """Cap height of the base font size (OS/2 sCapHeight, or the em for fonts without one) in pixels and as
    a share of the frame height: how big captions read on a phone held upright."""
    px = font.em_px(m.base_size) * font.cap_height_em
    return {"px": round(px, 1), "shareOfFrameHeight": round(px / frame_height, 4)}


def _remove_other_fonts(fonts_dir: Path, *, keep: str) -> None:
    """libass loads every font in fontsdir: leave only the one the captions name."""
    for path in sorted(fonts_dir.iterdir()):
        if path.is_file() and path.name != keep and path.suffix.lower() in _FONT_SUFFIXES:
            path.unlink()
