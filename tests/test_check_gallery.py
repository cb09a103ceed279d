"""`reelforge check` against a gallery of deliberately broken videos: each fault is caught by its own check
(and only the checks that fault explains fail), and a good video passes every check."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from reelforge.check import CheckReport, run_check
from reelforge.cli.main import main
from tests import check_gallery as gallery

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[gallery.Base, Path]:
    root = tmp_path_factory.mktemp("gallery")
    return gallery.make_base(root), root


def _check(make: Callable[[gallery.Base, Path], Path], base: tuple[gallery.Base, Path],
           platform: str = "tiktok") -> CheckReport:
    root = Path(tempfile.mkdtemp(prefix=f"{make.__name__}-", dir=base[1]))
    return run_check(make(base[0], root), platform=platform)


def test_a_good_video_passes_every_check(base: tuple[gallery.Base, Path]) -> None:
    report = _check(gallery.good, base)
    statuses = {r.id: r.status for r in report.results}
    assert report.exit_code == 0
    assert set(statuses.values()) == {"pass"}, statuses  # credentials too: the good run is signed
    sync = report.get("captions.sync").details
    assert abs(sync["medianOffsetSec"]) < 0.15 and sync["matched"] == sync["words"]
    assert len(report.get("captions.safeArea").details["pages"]) >= 3


# (variant, platform, the check that must fail, the other checks the same fault may also fail)
CASES = [
    (gallery.too_loud, "tiktok", "loudness", {"truePeak", "clipping"}),
    (gallery.black_gap, "tiktok", "black", set()),
    (gallery.frozen, "tiktok", "frozen", set()),
    (gallery.captions_in_button_zone, "tiktok", "captions.safeArea", set()),
    (gallery.too_long, "generic", "duration", set()),
    (gallery.four_by_three, "tiktok", "resolution", set()),
    (gallery.variable_frame_rate, "tiktok", "fps", set()),
    (gallery.captions_late, "tiktok", "captions.sync", set()),
]


@pytest.mark.parametrize(("make", "platform", "check_id", "also"), CASES, ids=[c[2] for c in CASES])
def test_each_broken_video_is_caught_by_its_check(base: tuple[gallery.Base, Path],
                                                  make: Callable[[gallery.Base, Path], Path], platform: str,
                                                  check_id: str, also: set[str]) -> None:
    report = _check(make, base, platform)
    result = report.get(check_id)
    assert result.status == "fail", result
    assert result.fix, "a failing check says how to fix it"
    assert report.exit_code == 1
    assert set(report.failed) <= {check_id, *also}, report.failed


def test_late_captions_are_measured_about_800_ms_late(base: tuple[gallery.Base, Path]) -> None:
    sync = _check(gallery.captions_late, base).get("captions.sync")
    assert 0.6 <= sync.details["medianOffsetSec"] <= 1.0
    assert "late" in sync.fix


def test_cli_json_names_the_failing_check_and_exits_1(base: tuple[gallery.Base, Path], tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    video = gallery.four_by_three(base[0], tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["check", str(video), "--platform", "tiktok", "--format", "json"])
    assert exc.value.code == 1
    body = json.loads(capsys.readouterr().out)
    assert body["exitCode"] == 1 and body["failed"] == ["resolution"]
    assert next(r for r in body["results"] if r["id"] == "resolution")["fix"]
