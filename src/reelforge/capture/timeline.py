"""Which recorded page was in front, when: turns page events into cuts of the per-page videos.

Playwright records one video per page (the first tab, popups, new tabs), each starting when its page
was created. The capture shows, at every moment, the page the viewer was looking at: a new page
comes to the front when it opens; when the front page closes, the most recent still-open page
returns. Cutting on wall-clock times keeps the capture exactly as long as the session.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_SEGMENT_SEC = 1 / 30


@dataclass(frozen=True)
class Segment:
    page: int  # index into the pages, in creation order
    video_start: float  # seconds into that page's video
    video_end: float

    @property
    def seconds(self) -> float:
        return self.video_end - self.video_start


class FrontTracker:
    """Collects (wall time, front page) changes as pages open, close or become visible."""

    def __init__(self) -> None:
        self.changes: list[tuple[float, int]] = []
        self._open: list[int] = []

    @property
    def front(self) -> int | None:
        return self.changes[-1][1] if self.changes else None

    @property
    def open_pages(self) -> list[int]:
        return list(self._open)

    def opened(self, page: int, at: float) -> None:
        self._open.append(page)
        self._bring(page, at)

    def closed(self, page: int, at: float) -> None:
        if page in self._open:
            self._open.remove(page)
        if self.front == page and self._open:
            self._bring(self._open[-1], at)

    def shown(self, page: int, at: float) -> None:
        """A page became visible (the user switched tabs): it is now in front, and last in line."""
        if page in self._open:
            self._open.remove(page)
            self._open.append(page)
            self._bring(page, at)

    def _bring(self, page: int, at: float) -> None:
        if self.front != page:
            self.changes.append((at, page))


def cut_segments(changes: list[tuple[float, int]], video_starts: list[float], t0: float,
                 t_stop: float) -> list[Segment]:
    """Segments covering [t0, t_stop) in wall time, as offsets into each page's video.

    ``video_starts[i]`` is the wall time of second 0 of page i's video. Segments shorter than a frame
    are dropped and neighbours on the same page merged; the lengths add up to ``t_stop - t0``
    (less what was dropped).
    """
    if t_stop <= t0 or not changes:
        return []
    spans: list[tuple[float, float, int]] = []
    for i, (at, page) in enumerate(changes):
        end = changes[i + 1][0] if i + 1 < len(changes) else t_stop
        start, end = max(at, t0), min(end, t_stop)
        if end > start:
            spans.append((start, end, page))
    if not spans or spans[0][0] > t0:  # nothing was in front before t0 yet: extend the first span back
        first = spans[0] if spans else (t0, t_stop, changes[-1][1])
        spans[:1] = [(t0, first[1], first[2])]
    merged: list[tuple[float, float, int]] = []
    for start, end, page in spans:
        if end - start < MIN_SEGMENT_SEC and merged:
            merged[-1] = (merged[-1][0], end, merged[-1][2])  # too short to see: the previous page holds
            continue
        if merged and merged[-1][2] == page:
            merged[-1] = (merged[-1][0], end, page)
        else:
            merged.append((start, end, page))
    return [Segment(page=p, video_start=max(0.0, s - video_starts[p]), video_end=max(0.0, e - video_starts[p]))
            for s, e, p in merged]
