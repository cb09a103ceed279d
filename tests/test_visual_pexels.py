from __future__ import annotations

from pathlib import Path

import pytest

from reelforge.errors import AuthRequiredError, ProviderUnavailableError
from reelforge.providers.visual.pexels import (
    PexelsClient,
    Rendition,
    best_rendition,
    fetch_stock,
    orientation_for,
    photo_renditions,
    video_renditions,
)
from reelforge.workspace.hashing import sha256_file
from tests.fakes.pexels_server import PexelsFake, serve


def test_orientation_from_aspect() -> None:
    assert orientation_for(1080, 1920) == "portrait"
    assert orientation_for(1920, 1080) == "landscape"
    assert orientation_for(1080, 1080) == "square"


def test_best_rendition_is_smallest_covering_else_largest() -> None:
    opts = [Rendition("a", 640, 360, "sd"), Rendition("b", 1080, 1920, "hd"), Rendition("c", 2160, 3840, "uhd"),
            Rendition("d", 720, 1280, "hd")]
    assert best_rendition(opts, 1080, 1920).url == "b"  # type: ignore[union-attr]
    assert best_rendition(opts, 1440, 2560).url == "c"  # type: ignore[union-attr]
    assert best_rendition(opts[:1] + opts[3:], 1080, 1920).url == "d"  # type: ignore[union-attr]
    assert best_rendition([], 10, 10) is None


def test_video_renditions_skip_hls_and_sizeless_files() -> None:
    fake = PexelsFake(base_url="http://x")
    labels = [(r.width, r.height) for r in video_renditions(fake.video(1, [(640, 360), (1080, 1920)]))]
    assert labels == [(640, 360), (1080, 1920)]


def test_photo_renditions_offer_a_frame_sized_crop_of_a_large_original() -> None:
    fake = PexelsFake(base_url="http://x")
    big = photo_renditions(fake.photo(1, 3000, 4500), 1080, 1920)
    pick = best_rendition(big, 1080, 1920)
    assert pick is not None and pick.label == "frame-crop" and (pick.width, pick.height) == (1296, 2304)
    assert "fit=crop&w=1296&h=2304" in pick.url
    small = photo_renditions(fake.photo(2, 900, 1200), 1080, 1920)
    pick = best_rendition(small, 1080, 1920)
    assert pick is not None and pick.label == "original"  # nothing covers: the largest


def test_search_photo_download_and_attribution(tmp_path: Path) -> None:
    with serve() as fake:
        client = PexelsClient("test-key", base_url=fake.base_url, sleep=lambda s: None)
        media = fetch_stock(client, "city heat", tmp_path, 0, width=1080, height=1920)
        client.close()
    assert media.type == "image" and media.src == "visuals/scene-01-pexels.jpg"
    assert media.sha256 == sha256_file(tmp_path / media.src)
    assert media.attribution["author"] == "Photographer 1001"
    assert media.attribution["authorUrl"] == "https://www.pexels.com/@p1001"
    assert media.attribution["url"] == "https://www.pexels.com/photo/1001/"
    search, download = fake.requests
    assert search.path == "/v1/search" and search.query["orientation"] == ["portrait"]
    assert search.query["query"] == ["city heat"] and search.authorization == "test-key"
    assert download.path.startswith("/media/photos/1001/")
    assert download.authorization is None  # the key never leaves for media links
    assert download.query["w"] == ["1296"] and download.query["fit"] == ["crop"]


def test_search_video_picks_smallest_covering_file(tmp_path: Path) -> None:
    fake = PexelsFake()
    with serve(fake):
        fake.media["/media/videos/2001/1080x1920.mp4"] = b"\x00\x00\x00\x18ftypmp42fake"
        client = PexelsClient("test-key", base_url=fake.base_url, sleep=lambda s: None)
        media = fetch_stock(client, "waves", tmp_path, 2, width=1080, height=1920, kind="video")
    assert media.type == "video" and media.src == "visuals/scene-03-pexels.mp4"
    assert (tmp_path / media.src).read_bytes().endswith(b"fake")
    assert media.attribution["author"] == "Videographer 2001" and media.attribution["width"] == 1080
    assert fake.requests[0].path == "/videos/search"


def test_bad_key_is_auth_required_and_not_leaked(tmp_path: Path) -> None:
    with serve() as fake:
        client = PexelsClient("wrong-secret", base_url=fake.base_url, sleep=lambda s: None)
        with pytest.raises(AuthRequiredError) as err:
            client.search_photos("x", "portrait")
    assert err.value.exit_code == 5 and "401" in err.value.message
    assert "wrong-secret" not in str(err.value.to_json())


def test_429_is_retried_honouring_retry_after(tmp_path: Path) -> None:
    sleeps: list[float] = []
    fake = PexelsFake(forced=[(429, {"Retry-After": "3"}), (429, {}), (503, {})])
    with serve(fake):
        client = PexelsClient("test-key", base_url=fake.base_url, sleep=sleeps.append)
        photos = client.search_photos("x", "portrait")
    assert len(photos) == 2
    assert sleeps == [3.0, 2.0, 4.0]  # Retry-After first, then exponential backoff
    assert len([r for r in fake.requests if r.path == "/v1/search"]) == 4


def test_429_forever_gives_up(tmp_path: Path) -> None:
    fake = PexelsFake(forced=[(429, {"Retry-After": "999"})] * 10)
    sleeps: list[float] = []
    with serve(fake):
        client = PexelsClient("test-key", base_url=fake.base_url, sleep=sleeps.append, max_retries=2)
        with pytest.raises(ProviderUnavailableError, match="3 tries"):
            client.search_photos("x", "portrait")
    assert sleeps == [30.0, 30.0]  # Retry-After is honoured but bounded


def test_base_url_and_key_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    assert PexelsClient.from_env({}) is None
    client = PexelsClient.from_env({"PEXELS_API_KEY": "k", "REELFORGE_PEXELS_BASE_URL": "http://127.0.0.1:9/"})
    assert client is not None and client.base_url == "http://127.0.0.1:9"
