"""The right voice or none: a narration the voice cannot read is exit 3 naming the fixes, at every entry point;
a drafted script clearly in another script gets its locale from the text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reelforge.config import resolve_settings
from reelforge.errors import EXIT_NOT_FOUND, NotFoundError
from reelforge.models import Script
from reelforge.pipeline.language import check_voice_speaks, foreign_letters_warning, infer_locale, settle_locale
from tests.cli_helpers import run_json

KOREAN = "잠을 잘 자려면 자기 전 한 시간 동안 화면을 어둡게 하세요. 방을 시원하게 유지하세요."
ARABIC = "للنوم الجيد، خفف إضاءة الشاشات قبل النوم بساعة. حافظ على برودة الغرفة."
JAPANESE = "寝る前の一時間は画面を暗くしましょう。部屋を涼しく保ちましょう。"


def _script(narration: str, locale: str = "en") -> Script:
    return Script.model_validate({
        "schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": locale, "title": "T",
        "scenes": [{"id": "one", "durationSec": 2, "narration": "Sleep well."},
                   {"id": "two", "durationSec": 2, "narration": narration}]})


def _assert_names_the_fixes(error: NotFoundError) -> None:
    assert error.exit_code == EXIT_NOT_FOUND
    assert "--voice PATH.onnx" in error.hint and "--voice none" in error.hint


@pytest.mark.parametrize(("text", "expected"), [
    (KOREAN, ("ko", "hangul")), (ARABIC, ("ar", "arabic")), (JAPANESE, ("ja", "kana")),
    ("Dim your screens an hour before bed.", ("en", "latin")),
    ("12 345 !!!", None),
    ("서울 東京 القاهرة Cairo", None),  # no script has most of the letters
])
def test_infer_locale(text: str, expected: tuple[str, str] | None) -> None:
    assert infer_locale(text) == expected


def test_korean_with_the_english_voice_is_refused_naming_the_fixes() -> None:
    with pytest.raises(NotFoundError) as caught:
        check_voice_speaks(_script(KOREAN, locale="ko"), "joe", "ko")
    _assert_names_the_fixes(caught.value)
    assert "Hangul" in caught.value.message and "two" in caught.value.message


def test_arabic_with_an_english_locale_is_still_refused() -> None:
    with pytest.raises(NotFoundError) as caught:
        check_voice_speaks(_script(ARABIC, locale="en-US"), "joe", "en-US")
    _assert_names_the_fixes(caught.value)
    assert "Arabic" in caught.value.message


def test_english_is_read_and_a_stray_foreign_word_only_warns() -> None:
    profile = check_voice_speaks(_script("Dim your screens an hour before bed."), "joe", "en")
    assert profile is not None and profile.language_family == "en"
    assert foreign_letters_warning(_script("Dim your screens an hour before bed."), profile) is None
    mixed = _script("Try kimchi, 김치, with rice tonight and tell your friends about it.")
    assert check_voice_speaks(mixed, "joe", "en") is not None
    warning = foreign_letters_warning(mixed, profile)
    assert warning is not None and "Hangul" in warning


def test_voice_none_reads_nothing_so_any_script_is_fine() -> None:
    assert check_voice_speaks(_script(KOREAN, locale="ko"), "none", "ko") is None


def test_the_locale_is_inferred_only_when_nobody_gave_one(tmp_path: Path) -> None:
    script = _script(KOREAN)
    default = resolve_settings(workspace_root=tmp_path, environ={})
    inferred = settle_locale(script.model_copy(update={"scenes": script.scenes[1:]}), default, "skeleton")
    assert inferred.script.locale == "ko" and inferred.origin == "text"
    assert inferred.note is not None and "ko" in inferred.note
    given = settle_locale(script, resolve_settings(workspace_root=tmp_path, environ={}, flags={"locale": "en-US"}),
                          "skeleton")
    assert given.script.locale == "en" and given.origin == "flag:--locale" and given.note is None
    authored = settle_locale(script, default, "script-file")
    assert authored.script.locale == "en" and authored.origin == "script.json"


def _only_failed_manifests(workspace: Path) -> None:
    """A refused run leaves only its manifest (status failed, exit 3): no audio, no video."""
    manifests = list((workspace / "videos").glob("*/manifest.json"))
    assert manifests
    for manifest in manifests:
        data = json.loads(manifest.read_text())
        assert data["status"] == "failed" and data["exitCode"] == 3
        assert data["stages"] == [] and not (manifest.parent / "audio").exists()
        assert not list(manifest.parent.glob("*.mp4"))


def test_cli_korean_brief_without_locale_is_exit_3(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out = run_json(capsys, "video", "generate", KOREAN)
    assert code == 3
    assert "--voice PATH.onnx" in out["error"]["hint"] and "--voice none" in out["error"]["hint"]
    _only_failed_manifests(workspace)


def test_cli_arabic_with_locale_en_us_is_exit_3(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out = run_json(capsys, "video", "generate", ARABIC, "--locale", "en-US")
    assert code == 3 and "Arabic" in out["error"]["message"]
    code, out = run_json(capsys, "video", "generate", ARABIC, "--locale", "ar")
    assert code == 3 and "--voice none" in out["error"]["hint"]
    _only_failed_manifests(workspace)


def test_cli_authored_script_and_explainer_are_checked_too(capsys: pytest.CaptureFixture[str],
                                                           workspace: Path) -> None:
    (workspace / "script.json").write_text(json.dumps(_script(KOREAN, locale="en").to_json_dict()), encoding="utf-8")
    code, out = run_json(capsys, "video", "generate", "--script", "script.json")
    assert code == 3 and "Hangul" in out["error"]["message"]
    (workspace / "README.md").write_text(f"# 수면 도구\n\n{KOREAN}\n\n## 사용법\n\n{KOREAN}\n", encoding="utf-8")
    code, out = run_json(capsys, "video", "generate", "수면 도구 소개", "--mode", "explainer", "--source", "README.md")
    assert code == 3 and "--voice PATH.onnx" in out["error"]["hint"]
    code, out = run_json(capsys, "video", "generate", KOREAN, "--mode", "demo", "--polish", "--capture", "rec.mp4")
    assert code == 3 and "Hangul" in out["error"]["message"], "demo narration is checked before the capture"
    _only_failed_manifests(workspace)


@pytest.mark.slow
def test_cli_korean_captions_only_with_voice_none(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out = run_json(capsys, "video", "generate", KOREAN, "--voice", "none", "--dry-run")
    assert code == 0
    run_dir = Path(out["runDir"])
    assert json.loads((run_dir / "script.json").read_text())["locale"] == "ko"
    assert any("locale ko inferred" in w for w in out["warnings"])
    manifest = json.loads((run_dir / "manifest.json").read_text())
    script_stage = next(s for s in manifest["stages"] if s["stage"] == "script")
    assert script_stage["params"]["localeOrigin"] == "text"
    assert (run_dir / "captions.ass").is_file()
