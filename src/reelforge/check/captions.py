"""Caption checks: every page's box inside the platform's safe area, measured on rendered frames, and the
captions' timing against the speech actually heard in the file (transcribed with the bundled whisper).

Placement: at the middle frame of each page, libass draws the run's captions.ass alone on a mid-grey canvas
(the same renderer, fonts and frame size as the render); the caption box is what it drew (glyphs, outline,
shadow). The same frame of the video must show those pixels, else the captions in the file are not the
ones in captions.ass and the box cannot be trusted ("seen" below).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import numpy as np

from reelforge.check.ass_cues import AssCues
from reelforge.check.model import CheckResult
from reelforge.check.scan import CANVAS_Y, ScanResult
from reelforge.models.safe_area import SafeArea, safe_area
from reelforge.providers.timing.align import project
from reelforge.providers.timing.stt import units_from_transcript
from reelforge.providers.timing.words import spoken_key, word_key

INK_DELTA = 24  # a canvas pixel this far from mid grey was drawn by libass
SEEN_TOLERANCE = 48
SEEN_MIN = 0.6
SYNC_MEDIAN_WARN, SYNC_MEDIAN_FAIL = 0.15, 0.30
SYNC_P95_WARN, SYNC_P95_FAIL = 0.40, 0.70
MISSING_WARN, MISSING_FAIL = 0.10, 0.25


@dataclass(frozen=True)
class PageBox:
    start: float
    text: str
    box: tuple[int, int, int, int] | None  # left, top, right, bottom (exclusive) in video pixels
    seen: float | None
    frame_box: tuple[int, int, int, int] | None = None  # the same, of the caption pixels found in the video frame


def page_frames(cues: AssCues, fps: float) -> list[int]:
    return [max(int(page.mid * fps), 0) for page in cues.pages]


def measure_boxes(cues: AssCues, scan: ScanResult, width: int, height: int) -> list[PageBox]:
    out: list[PageBox] = []
    raw, cap = scan.raw_frames, scan.caption_frames
    if raw is None or cap is None:
        return out
    cw, _ch = scan.frame_size
    scale = width / cw
    for i, page in enumerate(cues.pages):
        if i >= len(cap) or i >= len(raw):
            out.append(PageBox(page.start, page.text, None, None))
            continue
        canvas = cap[i].astype(np.int16)
        ink = np.abs(canvas - CANVAS_Y) > INK_DELTA
        if not ink.any():
            out.append(PageBox(page.start, page.text, None, None))
            continue
        box = _bbox(ink, scale)
        strong = (canvas > 180) | (canvas < 60)  # glyph fill (white/gold) and outline, not soft shadow
        agree = np.abs(raw[i].astype(np.int16) - canvas) < SEEN_TOLERANCE
        seen = float(agree[strong].mean()) if strong.any() else None
        found = strong & agree
        out.append(PageBox(page.start, page.text, box, seen, _bbox(found, scale) if found.any() else None))
    return out


def _bbox(mask: np.ndarray, scale: float) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return (int(xs.min() * scale), int(ys.min() * scale), int(np.ceil((xs.max() + 1) * scale)),
            int(np.ceil((ys.max() + 1) * scale)))


def _union(a: tuple[int, int, int, int], b: tuple[int, int, int, int] | None) -> tuple[int, int, int, int]:
    if b is None:
        return a
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def placement_check(boxes: list[PageBox], platform_area: str, width: int, height: int) -> CheckResult:
    area = safe_area(platform_area, width, height)
    limit = {"x0": area.x0, "y0": area.y0, "x1": area.x1, "y1": area.y1}
    measured = [b for b in boxes if b.box is not None]
    if not measured:
        return CheckResult("captions.safeArea", "skip", "no caption drawn at any cue", limit=limit)
    outside = [b for b in measured if b.box is not None and not area.contains(_union(b.box, b.frame_box))]
    unseen = [b for b in measured if b.seen is not None and b.seen < SEEN_MIN]
    details = {"pages": [{"start": round(b.start, 2), "text": b.text[:40], "box": list(b.box or ()),
                          "boxInFrame": list(b.frame_box or ()),
                          "seen": None if b.seen is None else round(b.seen, 3)} for b in measured]}
    if outside:
        b = outside[0]
        shown = _union(b.box or (0, 0, 0, 0), b.frame_box)
        side = _side(shown, area)
        return CheckResult("captions.safeArea", "fail",
                           f"{len(outside)} of {len(measured)} caption pages leave the {platform_area} safe area; "
                           f"first at {b.start:.2f} s '{b.text[:30]}' box {list(shown)} crosses the {side} edge",
                           value=len(outside), limit=limit, details=details,
                           fix="re-run the captions stage with the right --platform (captions are placed inside "
                               "its safe area), or shorten the words")
    if unseen:
        b = unseen[0]
        return CheckResult("captions.safeArea", "warn",
                           f"{len(unseen)} caption page(s) drawn by captions.ass are not in the video's frames "
                           f"(first at {b.start:.2f} s); the video was not rendered from this captions.ass",
                           value=0, limit=limit, details=details,
                           fix="re-render the run (reelforge video render <runDir>)")
    return CheckResult("captions.safeArea", "pass", f"all {len(measured)} caption pages inside the "
                       f"{platform_area} safe area and seen in the frames", value=0, limit=limit, details=details)


def _side(box: tuple[int, int, int, int], area: SafeArea) -> str:
    _left, top, right, bottom = box
    if bottom > area.y1:
        return "bottom (the app's buttons and caption bar)"
    if top < area.y0:
        return "top"
    return "right" if right > area.x1 else "left"


@dataclass(frozen=True)
class SyncStats:
    words: int
    matched: int
    median: float
    p95: float
    offsets: list[float]


def _aligned_words(cues: AssCues) -> tuple[list[str], list[tuple[int, float]]]:
    """The words to align with the transcript, and (index among them, caption time) of each timed word.

    Page captions (lower-third, minimal) time only a page's first word. Aligned alone, those first words
    ("a", "the", "and", ...) find their match anywhere in a long transcript (p95 35 s on a 10-minute
    explainer), so every word of each page is aligned and only the first one is measured."""
    page_level = len(cues.words) == len(cues.pages) and all(
        w.start == p.start and word_key(p.text.split()[0] if p.text.split() else "") == word_key(w.text)
        for w, p in zip(cues.words, cues.pages, strict=True))
    keys: list[str] = []
    timed: list[tuple[int, float]] = []
    if page_level:
        for page in cues.pages:
            words = [k for k in (spoken_key(t, "en") for t in page.text.split()) if k]
            if words:
                timed.append((len(keys), page.start))
                keys.extend(words)
        return keys, timed
    for word in cues.words:
        key = spoken_key(word.text, "en")
        if key:
            timed.append((len(keys), word.start))
            keys.append(key)
    return keys, timed


def sync_stats(cues: AssCues, transcript: list[tuple[str, float, float]]) -> SyncStats | None:
    keys, timed = _aligned_words(cues)
    if not timed:
        return None
    projection = project(keys, units_from_transcript(transcript))
    offsets = []
    for index, start in timed:
        span = projection.spans[index]
        if span is not None:
            offsets.append(start - span[0])
    if not offsets:
        return SyncStats(len(timed), 0, 0.0, 0.0, [])
    # a word counts as heard in the share of its letters the transcript spelled the same
    matched = round(len(timed) * projection.matched_share)
    absolute = sorted(abs(o) for o in offsets)
    p95 = absolute[min(len(absolute) - 1, int(np.ceil(0.95 * len(absolute))) - 1)]
    return SyncStats(len(timed), matched, statistics.median(offsets), p95, offsets)


def sync_check(stats: SyncStats | None) -> CheckResult:
    if stats is None or stats.words == 0:
        return CheckResult("captions.sync", "skip", "the captions have no timed words")
    missing = 1 - stats.matched / stats.words
    details = {"words": stats.words, "matched": stats.matched, "missingShare": round(missing, 3),
               "medianOffsetSec": round(stats.median, 3), "p95AbsOffsetSec": round(stats.p95, 3)}
    text = (f"median offset {stats.median * 1000:+.0f} ms (caption minus speech), p95 {stats.p95 * 1000:.0f} ms, "
            f"{stats.words - stats.matched} of {stats.words} words not heard")
    status = "pass"
    if abs(stats.median) > SYNC_MEDIAN_FAIL or stats.p95 > SYNC_P95_FAIL or missing > MISSING_FAIL:
        status = "fail"
    elif abs(stats.median) > SYNC_MEDIAN_WARN or stats.p95 > SYNC_P95_WARN or missing > MISSING_WARN:
        status = "warn"
    late = "late" if stats.median > 0 else "early"
    fix = (f"captions run {abs(stats.median) * 1000:.0f} ms {late}: re-time the run (timing.json) and re-run the "
           "captions stage" if abs(stats.median) > SYNC_MEDIAN_WARN else
           "words on screen are not heard: check the narration against the script")
    return CheckResult("captions.sync", status, text, fix=fix, value=round(stats.median, 3),
                       limit=SYNC_MEDIAN_FAIL, details=details)
