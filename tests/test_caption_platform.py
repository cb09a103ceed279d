"""A landscape or square video left on the default platform gets centred captions (config.caption_platform)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reelforge.config import caption_platform, resolve_settings
from tests.cli_helpers import run_json

BRIEF = "How heat pumps move warmth from cold air into a house, and why they use less power than heaters."


def test_the_default_platform_is_tiktok_only_for_portrait(tmp_path: Path) -> None:
    default = resolve_settings(workspace_root=tmp_path, environ={})
    assert caption_platform(default, "9:16") == "tiktok"
    assert caption_platform(default, "16:9") == "generic"
    assert caption_platform(default, "1:1") == "generic"
    chosen = resolve_settings(workspace_root=tmp_path, flags={"platform": "tiktok"}, environ={})
    assert caption_platform(chosen, "16:9") == "tiktok"  # a chosen platform is kept


def _caption_x(run_dir: Path) -> set[int]:
    ass = (run_dir / "captions.ass").read_text(encoding="utf-8")
    return {int(x) for x in re.findall(r"\\pos\((\d+),\d+\)", ass)}


@pytest.mark.parametrize(("flags", "centred"), [((), True), (("--platform", "tiktok"), False)])
def test_explainer_captions_sit_in_the_middle_unless_an_app_was_chosen(
        capsys: pytest.CaptureFixture[str], workspace: Path, flags: tuple[str, ...], centred: bool) -> None:
    code, out = run_json(capsys, "video", "generate", BRIEF, "--mode", "explainer", "--captions", "word-highlight",
                         "--voice", "none", "--dry-run", *flags)
    assert code == 0, out
    xs = _caption_x(Path(out["runDir"]))
    assert xs, "no positioned caption events"
    if centred:
        assert xs == {960}  # the middle of 1920
    else:
        assert max(xs) < 960 - 50  # TikTok's right-hand buttons, projected onto the letterboxed frame
