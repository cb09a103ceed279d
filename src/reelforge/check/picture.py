"""Picture checks on the scan: black stretches, frozen stretches, flashing.

Flashing follows the general flash rule of WCAG 2.3.1 / ITU-R BT.1702 in a whole-frame form: a flash is a
pair of opposite changes of the frame's mean brightness by at least 10 % of full scale with the darker
state below 0.8; more than three flashes in any one second fails. A single bright or dark frame between
two similar ones (a "flash frame", usually a bad cut) warns.
"""

from __future__ import annotations

from reelforge.check.model import CheckResult
from reelforge.check.scan import ScanResult

BLACK_FAIL_SEC = 0.5
FREEZE_FAIL_SEC = 2.0
FLASH_DELTA = 0.10
FLASH_DARK = 0.80
FLASHES_PER_SEC = 3
FLASH_FRAME_DELTA = 0.20


def picture_checks(scan: ScanResult, *, has_video: bool) -> list[CheckResult]:
    if not has_video:
        return [CheckResult(i, "skip", "no video stream") for i in ("black", "frozen", "flashes")]
    return [_black(scan), _frozen(scan), _flashes(scan)]


def _where(spans: list[tuple[float, float]]) -> str:
    return ", ".join(f"{a:.2f}-{b:.2f} s" for a, b in spans[:5])


def _black(scan: ScanResult) -> CheckResult:
    spans = scan.black
    longest = max((b - a for a, b in spans), default=0.0)
    details = {"spans": [[round(a, 3), round(b, 3)] for a, b in spans]}
    if not spans:
        return CheckResult("black", "pass", "no black frames", details=details)
    status = "fail" if longest >= BLACK_FAIL_SEC else "warn"
    return CheckResult("black", status, f"black for {longest:.2f} s: {_where(spans)}", value=round(longest, 3),
                       limit=BLACK_FAIL_SEC, details=details,
                       fix="a scene rendered black: check its visual (missing or dark image) and re-render")


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def _frozen(scan: ScanResult) -> CheckResult:
    # a black stretch is also a still one: it is reported once, as black
    spans = [f for f in scan.freezes if sum(_overlap(f, b) for b in scan.black) < 0.8 * (f[1] - f[0])]
    longest = max((b - a for a, b in spans), default=0.0)
    details = {"spans": [[round(a, 3), round(b, 3)] for a, b in spans]}
    if not spans:
        return CheckResult("frozen", "pass", "the picture never stands still for 1 s", details=details)
    status = "fail" if longest >= FREEZE_FAIL_SEC else "warn"
    return CheckResult("frozen", status, f"picture frozen for {longest:.2f} s: {_where(spans)}",
                       value=round(longest, 3), limit=FREEZE_FAIL_SEC, details=details,
                       fix="a still picture this long reads as a stalled video: add motion or cut it shorter")


def transitions(series: list[tuple[float, float]]) -> list[float]:
    """Times of large brightness changes (at least FLASH_DELTA, darker side below FLASH_DARK), alternating
    up and down by construction (hysteresis: a reversal counts once the value moved back by FLASH_DELTA)."""
    if not series:
        return []
    out: list[float] = []
    base = series[0][1]
    cand_t, cand_v = series[0]
    direction = 0
    for t, v in series[1:]:
        if direction == 0:
            if abs(v - base) >= FLASH_DELTA:
                direction = 1 if v > base else -1
                cand_t, cand_v = t, v
            continue
        if (v - cand_v) * direction > 0:
            cand_t, cand_v = t, v
        elif abs(v - cand_v) >= FLASH_DELTA:
            if min(base, cand_v) < FLASH_DARK:
                out.append(cand_t)
            base, direction = cand_v, -direction
            cand_t, cand_v = t, v
    if direction and abs(cand_v - base) >= FLASH_DELTA and min(base, cand_v) < FLASH_DARK:
        out.append(cand_t)
    return out


def flash_events(series: list[tuple[float, float]]) -> tuple[int, list[float], list[float]]:
    """(most flashes in any 1 s, times of the changes, times of single flash frames)."""
    changes = transitions(series)
    worst = 0
    for i, t in enumerate(changes):
        worst = max(worst, sum(1 for u in changes[i:] if u - t < 1.0) // 2)
    singles = [series[i][0] for i in range(1, len(series) - 1)
               if abs(series[i][1] - series[i - 1][1]) >= FLASH_FRAME_DELTA
               and abs(series[i][1] - series[i + 1][1]) >= FLASH_FRAME_DELTA
               and abs(series[i - 1][1] - series[i + 1][1]) < FLASH_FRAME_DELTA / 2]
    return worst, changes, singles


def _flashes(scan: ScanResult) -> CheckResult:
    worst, changes, singles = flash_events(scan.brightness)
    details = {"changes": [round(t, 3) for t in changes[:50]], "flashFrames": [round(t, 3) for t in singles[:50]],
               "maxPerSecond": worst}
    if worst > FLASHES_PER_SEC:
        return CheckResult("flashes", "fail", f"{worst} flashes within one second (limit {FLASHES_PER_SEC})",
                           value=worst, limit=FLASHES_PER_SEC, details=details,
                           fix="remove the flashing: it can trigger seizures and platforms restrict it")
    if singles:
        where = ", ".join(f"{t:.2f} s" for t in singles[:5])
        return CheckResult("flashes", "warn", f"{len(singles)} single flash frame(s) at {where}", value=len(singles),
                           details=details, fix="a one-frame flash is usually a bad cut: check the scene boundary")
    return CheckResult("flashes", "pass", "no flashing", value=worst, details=details)
