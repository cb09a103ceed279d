"""Caption fonts: real family names, glyph coverage warnings, user fonts, copies in the run dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelforge.compose.captions import choose_font, install_font, load_font, write_captions
from reelforge.compose.captions.fonts import arabic_font_path, cjk_font_path, default_font_path
from reelforge.errors import InvalidInputError, NotFoundError
from reelforge.models.timing import Timing
from reelforge.workspace.hashing import sha256_file


def one_scene(text: str) -> Timing:
    words = [{"t": w, "startSec": i * 0.4, "endSec": i * 0.4 + 0.3} for i, w in enumerate(text.split())]
    end = len(words) * 0.4 + 0.5
    return Timing.model_validate({"schemaVersion": "1.0", "source": "estimated", "totalSec": end,
                                  "segments": [{"sceneId": "a", "startSec": 0.0, "endSec": end, "words": words}]})


def test_family_is_read_from_the_file() -> None:
    font = load_font(default_font_path())
    assert font.family == "Roboto Black"  # name ID 1, what libass matches; not the typographic "Roboto"
    assert font.units_per_em == 2048 and font.win_height == 2701
    assert abs(font.em_px(81) - 61.42) < 0.01
    assert font.sha256 == sha256_file(default_font_path())


def test_cjk_text_with_a_latin_font_is_exit_4_naming_the_characters_and_the_fix() -> None:
    with pytest.raises(InvalidInputError) as err:
        choose_font("Hello 你好世界", font_path=default_font_path())
    assert err.value.exit_code == 4
    assert "'你' (U+4F60)" in str(err.value) and "'界' (U+754C)" in str(err.value)
    assert "'H'" not in str(err.value)
    assert "--caption-font" in err.value.hint


def test_emoji_is_exit_4_telling_to_remove_them() -> None:
    with pytest.raises(InvalidInputError) as err:
        choose_font("Launch day 🚀🔥 is here")
    assert "U+1F680" in str(err.value) and "U+1F525" in str(err.value)
    assert "remove the emoji" in err.value.hint


def test_covered_text_has_no_warning_and_ignores_joiners() -> None:
    choice = choose_font("Grüße, naïve café — “quoted” 12 %\u200d", font_path=default_font_path())
    assert choice.warnings == ()


@pytest.mark.parametrize(("text", "locale", "family"), [
    ("plain English words", "en", "Roboto Black"),
    ("Спокойной ночи и хороших снов", "ru", "Roboto Black"),
    ("잠을 잘 자려면 화면을 어둡게 하세요", "ko", "Noto Sans CJK JP"),
    ("寝る前の一時間は画面を暗くしましょう", "ja", "Noto Sans CJK JP"),
    ("我们今天讨论人工智能", "zh-CN", "Noto Sans CJK JP"),
    ("نم جيدا كل ليلة", "ar", "Noto Sans Arabic"),
    ("잠을 잘 자려면", "en", "Noto Sans CJK JP"),  # chosen by the text's script, not by the locale
    ("Sleep well tonight", "ko", "Roboto Black"),
])
def test_font_is_chosen_by_the_texts_script(text: str, locale: str, family: str) -> None:
    if family == "Noto Sans CJK JP" and cjk_font_path() is None:
        pytest.skip("noto-cjk-sans-jp-bold is not installed")
    if family == "Noto Sans Arabic" and arabic_font_path() is None:
        pytest.skip("fontpkg-noto-sans-arabic is not installed")
    choice = choose_font(text, locale=locale)
    assert choice.font.family == family
    assert choice.font.missing(text) == []


def test_text_no_single_font_covers_is_exit_4() -> None:
    with pytest.raises(InvalidInputError) as err:
        choose_font("نم جيدا 잠을 잘")  # Arabic and Hangul: no packaged font has both
    assert "cannot draw" in str(err.value) and "--caption-font" in err.value.hint


def test_user_font_path_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as missing:
        choose_font("x", font_path=tmp_path / "nope.ttf")
    assert "nope.ttf" in str(missing.value) and "--caption-font" in missing.value.hint
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"not a font at all")
    with pytest.raises(InvalidInputError) as bad:
        choose_font("x", font_path=junk)
    assert "junk.ttf" in str(bad.value)


def test_user_font_is_used_and_copied(tmp_path: Path) -> None:
    bold = Path(default_font_path()).with_name("Roboto-Bold.ttf")
    run = tmp_path / "run"
    result = write_captions(one_scene("custom font here"), run, style="tiktok", platform="generic",
                            width=1080, height=1920, font_path=bold)
    assert result.fonts[0].family == "Roboto"
    assert result.fonts[0].src == "fonts/Roboto-Bold.ttf"
    assert (run / "fonts" / "Roboto-Bold.ttf").read_bytes() == bold.read_bytes()
    assert "Style: Caption,Roboto," in (run / "captions.ass").read_text()
    # a later run with the default font leaves only that font for libass to load
    write_captions(one_scene("back to default"), run, style="tiktok", platform="generic", width=1080,
                   height=1920)
    assert sorted(p.name for p in (run / "fonts").iterdir()) == ["Roboto-Black.ttf"]


def test_install_font_is_idempotent(tmp_path: Path) -> None:
    font = load_font(default_font_path())
    first = install_font(font, tmp_path)
    mtime = (tmp_path / first.src).stat().st_mtime_ns
    second = install_font(font, tmp_path)
    assert first == second and (tmp_path / first.src).stat().st_mtime_ns == mtime


def test_write_captions_refuses_uncovered_text_before_writing(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as err:
        write_captions(one_scene("Party time ሰላም now"), tmp_path, style="lower-third", platform="generic",
                       width=1920, height=1080)
    assert "U+1230" in str(err.value)
    assert list(tmp_path.iterdir()) == []  # nothing half-written
