"""The `check` stage at the end of `video generate`: the pre-publish report as a section of manifest.json.

It reports, it does not fail the run: the video is made either way, and a failing check becomes one
warning that names the checks (the report in the manifest says how to fix each).
"""

from __future__ import annotations

import time
from pathlib import Path

from reelforge.errors import ReelforgeError
from reelforge.pipeline.progress import Reporter
from reelforge.pipeline.recorder import RunRecorder, StageOutcome

# platforms of the captions setting -> the check's platform of the same name
_PLATFORM = {"tiktok": "tiktok", "reels": "reels", "shorts": "shorts", "generic": "generic"}


def check_platform(platform: str, *, mode: str, chosen: bool) -> str:
    """The platform a generated run is checked for: its captions' platform, except that an explainer or demo
    left on the default (tiktok: 9:16, at most 10 min) is checked as YouTube long form, where a 16:9 video of
    up to 30 min belongs."""
    if mode != "shorts" and not chosen:
        return "youtube"
    return _PLATFORM.get(platform, "tiktok")


def run_check_stage(run_dir: Path, platform: str, recorder: RunRecorder, report: Reporter) -> None:
    """``platform``: a check platform (check_platform)."""
    from reelforge.check import run_check

    report.stage_started("check")
    started = time.perf_counter()
    with recorder.stage("check") as out:
        warnings: list[str] = []
        try:
            result = run_check(run_dir, platform=platform)
        except (ReelforgeError, OSError, RuntimeError, ValueError) as exc:
            # the video is already made: a check that cannot run is reported, not a failed run
            message = exc.message if isinstance(exc, ReelforgeError) else f"{type(exc).__name__}: {exc}"
            warnings.append(f"check could not run: {message}; run `reelforge check {run_dir}` to retry")
            out.append(StageOutcome(provider="reelforge-check", path_taken="fallback", warnings=warnings))
            report.stage_finished("check", time.perf_counter() - started, "could not run")
            return
        section = result.to_json()
        section["video"] = Path(result.video).resolve().relative_to(run_dir.resolve()).as_posix()  # run-relative
        recorder.manifest.check = section
        if result.failed:
            warnings.append(f"check: {', '.join(result.failed)} failed for {result.platform}; "
                            "see the manifest's check section for the fix")
        out.append(StageOutcome(provider="reelforge-check", path_taken="real", warnings=warnings,
                                params={"platform": result.platform, "status": result.status,
                                        "seconds": round(result.seconds, 2)}))
    report.stage_finished("check", time.perf_counter() - started, result.status)
