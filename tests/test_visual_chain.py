from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from reelforge.errors import InvalidInputError, NotFoundError, SafetyError
from reelforge.models.script import Scene
from reelforge.pipeline.visual_chain import produce_visuals
from reelforge.providers.visual.pexels import PexelsClient
from reelforge.workspace.hashing import sha256_file
from tests.fakes.pexels_server import PexelsFake, serve

W, H = 180, 320


def scenes(*refs: str | None) -> list[Scene]:
    return [Scene.model_validate({"id": f"s{i + 1}", "durationSec": 2, "onScreenText": [f"Point {i + 1}"],
                                  "visual": {"ref": ref} if ref else {}}) for i, ref in enumerate(refs)]


def run(tmp_path: Path, items: list[Scene], **kw: object) -> list:  # type: ignore[type-arg]
    ws = tmp_path / "ws"
    ws.mkdir(exist_ok=True)
    rd = ws / "videos" / "r1"
    rd.mkdir(parents=True, exist_ok=True)
    args = {"run_dir": rd, "workspace": ws, "mode": "auto", "seed": 9, "width": W, "height": H, "title": "T",
            "env": {}}
    args.update(kw)
    return produce_visuals(items, **args)  # type: ignore[arg-type]


def test_auto_without_media_makes_cards_as_the_real_path(tmp_path: Path) -> None:
    results = run(tmp_path, scenes(None, None))
    assert [(r.provider, r.path_taken, r.type, r.ken_burns) for r in results] == [
        ("designed-card", "real", "image", "subtle")] * 2
    rd = tmp_path / "ws/videos/r1"
    assert results[0].src == "visuals/scene-01-card.png"
    assert results[1].sha256 == sha256_file(rd / results[1].src)
    spec = results[0].visual_spec(seed=9)
    assert spec.ken_burns is not None and spec.provider == "designed-card"


def test_stock_without_key_falls_back_with_a_warning(tmp_path: Path) -> None:
    (result,) = run(tmp_path, scenes(None), mode="stock")
    assert result.provider == "designed-card" and result.path_taken == "fallback"
    assert result.warnings == ["pexels unavailable: PEXELS_API_KEY not set; used designed card"]


def test_stock_with_key_uses_pexels_and_records_attribution(tmp_path: Path) -> None:
    with serve() as fake:
        env = {"PEXELS_API_KEY": "test-key", "REELFORGE_PEXELS_BASE_URL": fake.base_url}
        (result,) = run(tmp_path, scenes(None), mode="stock", env=env)
    assert (result.provider, result.path_taken, result.type) == ("pexels", "real", "image")
    assert result.attribution is not None and result.attribution["author"] == "Photographer 1001"
    assert fake.requests[0].query["query"] == ["Point 1"]


def test_stock_with_refused_key_falls_back_for_every_scene(tmp_path: Path) -> None:
    with serve(PexelsFake(valid_key="other")) as fake:
        client = PexelsClient("test-key", base_url=fake.base_url, sleep=lambda s: None)
        results = run(tmp_path, scenes(None, None), mode="stock", pexels_client=client)
    assert all(r.path_taken == "fallback" for r in results)
    assert "401" in results[1].warnings[0]
    assert len([r for r in fake.requests if r.path == "/v1/search"]) == 1  # not retried per scene


def test_user_ref_is_imported_and_card_mode_ignores_it(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / "media").mkdir(parents=True)
    Image.new("RGB", (400, 600), (200, 30, 30)).save(ws / "media/shot.jpg", format="JPEG")
    (result,) = run(tmp_path, scenes("media/shot.jpg"))
    assert (result.provider, result.path_taken, result.src) == ("user-media", "real", "visuals/scene-01.jpg")
    assert result.ken_burns == "full"
    (card,) = run(tmp_path, scenes("media/shot.jpg"), mode="card")
    assert card.provider == "designed-card"


def test_bad_refs_are_errors_not_silent_fallbacks(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "notes.png").write_text("not an image", encoding="utf-8")
    with pytest.raises(NotFoundError):
        run(tmp_path, scenes("missing.png"))
    with pytest.raises(InvalidInputError):
        run(tmp_path, scenes("notes.png"))
    with pytest.raises(SafetyError):
        run(tmp_path, scenes("../outside.png"))


def test_media_dir_files_map_to_scenes_and_junk_is_skipped(tmp_path: Path) -> None:
    media = tmp_path / "m"
    media.mkdir()
    Image.new("RGB", (300, 300), (0, 90, 0)).save(media / "a.png")
    (media / "b.txt").write_text("junk", encoding="utf-8")
    results = run(tmp_path, scenes(None, None, None), media_dir=media)
    assert [r.provider for r in results] == ["user-media", "designed-card", "designed-card"]
    assert results[1].warnings and "b.txt" in results[1].warnings[0]
    assert results[1].path_taken == "fallback" and results[2].path_taken == "real"


def _narrated(*lines: str) -> list[Scene]:
    return [Scene.model_validate({"id": f"s{i + 1}", "durationSec": 2, "narration": line})
            for i, line in enumerate(lines)]


def test_cards_follow_the_topic_and_repeat_byte_for_byte(tmp_path: Path) -> None:
    sleep = _narrated("Keep the bedroom cool before you sleep.", "Put the phone away an hour before bed.")
    cooking = _narrated("Salt the pasta water, then cook it.", "Finish the pasta in the pan with its sauce.")
    for sub in "abc":
        (tmp_path / sub).mkdir()
    a = run(tmp_path / "a", sleep, title="Sleep better", mode="card")
    b = run(tmp_path / "b", sleep, title="Sleep better", mode="card")
    c = run(tmp_path / "c", cooking, title="Perfect pasta", mode="card")
    assert [r.sha256 for r in a] == [r.sha256 for r in b]  # same brief + seed: same bytes
    looks = [r.attribution["look"] for r in (a[0], c[0])]
    assert looks[0]["topic"] == "sleep" and looks[1]["topic"] == "cooking"
    assert looks[0]["palette"] != looks[1]["palette"] and looks[0]["layout"] != looks[1]["layout"]
    assert a[0].attribution["icons"]["licence"] == "Apache-2.0"
    assert a[0].attribution["headline"] == "Keep the bedroom cool before you sleep"
    assert not any("…" in r.attribution["headline"] for r in [*a, *c])


def test_a_chosen_phrase_that_fits_nowhere_gives_way_but_authored_text_is_exit_4(tmp_path: Path) -> None:
    endless = " ".join(["sleeping"] * 120) + "."
    (result,) = run(tmp_path, _narrated(endless), title="Sleep better", mode="card")
    assert result.attribution["headline"] == "Sleep better"  # the title's hook, not a cut copy
    authored = [Scene.model_validate({"id": "s1", "durationSec": 2, "onScreenText": [endless]})]
    with pytest.raises(InvalidInputError) as info:
        run(tmp_path, authored, title="Sleep better", mode="card")
    assert "scene s1 (onScreenText)" in info.value.message and info.value.exit_code == 4
