from reelforge.text.scripts import dominant_script, foreign_scripts, is_unspaced, scripts_of


def test_scripts_of_letters_only():
    assert scripts_of("Hello, world 123!") == {"latin"}
    assert scripts_of("잠을 잘 자려면") == {"hangul"}
    assert scripts_of("こんにちは世界") == {"kana", "han"}
    assert scripts_of("...!?  42") == frozenset()


def test_dominant_script_treats_han_with_kana_as_japanese():
    assert dominant_script("東京都に住んでいます") == "kana"
    assert dominant_script("我们今天学习中文") == "han"
    assert dominant_script("Привет мир") == "cyrillic"


def test_foreign_scripts_against_locale():
    assert foreign_scripts("잠을 잘 자려면 화면을 어둡게", "en-US") == {"hangul"}
    assert foreign_scripts("잠을 잘 자려면 TV를 끄세요", "ko-KR") == frozenset()
    assert foreign_scripts("مرحبا بالعالم", "en-US") == {"arabic"}
    assert foreign_scripts("Sleep well", "ja-JP") == frozenset()


def test_unspaced_scripts():
    assert is_unspaced("毎朝コーヒーを飲む")
    assert not is_unspaced("잠을 잘 자려면")
    assert not is_unspaced("Sleep well tonight")
