from __future__ import annotations

import pytest

from reelforge.capture.mask import REDACTED, SecretUrl, is_token_like, mask_url, scrub_urls


@pytest.mark.parametrize(("raw", "masked"), [
    ("https://user:pa55word@App.Example.com:8443/a/AbC123dEf456GhI789jKl/start?token=SeCrEt#frag",
     f"https://***@app.example.com:8443/a/{REDACTED}/start?{REDACTED}#{REDACTED}"),
    ("http://127.0.0.1:8000/docs/release-notes-2024/intro", "http://127.0.0.1:8000/docs/release-notes-2024/intro"),
    ("https://x.io/share/2f1a9c3e-4b5d-11ee-be56-0242ac120002", f"https://x.io/share/{REDACTED}"),
    ("https://x.io/d/01234567890123456789/view", f"https://x.io/d/{REDACTED}/view"),
    ("https://x.io/k/SGVsbG9Xb3JsZEhlbGxvV29ybGQ", f"https://x.io/k/{REDACTED}"),
    ("https://x.io/k/d41d8cd98f00b204e9800998ecf8427e", f"https://x.io/k/{REDACTED}"),
    ("https://x.io/getting-started-with-the-product", "https://x.io/getting-started-with-the-product"),
    ("https://x.io/", "https://x.io/"),
])
def test_mask_url_removes_credentials_and_tokens(raw: str, masked: str) -> None:
    assert mask_url(raw) == masked


def test_unparseable_url_still_loses_query_and_token_runs() -> None:
    out = mask_url("app.example.com/login?session=abc123xyz#top")
    assert out == f"app.example.com/login?{REDACTED}"
    assert REDACTED in mask_url("no-scheme/AbC123dEf456GhI789jKlMnO")


def test_short_words_are_not_tokens() -> None:
    assert not is_token_like("dashboard")
    assert not is_token_like("v2")
    assert is_token_like("a1b2c3d4e5f6a7b8c9")


def test_secret_url_never_shows_itself() -> None:
    raw = "https://bob:hunter2hunter2@host.test/p/AbC123dEf456GhI789jKl?api_key=ZZtopSecret99"
    url = SecretUrl(raw)
    assert raw not in str(url) and raw not in repr(url) and raw not in f"{url}"
    assert url.reveal() == raw
    message = f'page.goto: net::ERR_NAME_NOT_RESOLVED at {raw}\nCall log:\n  - navigating to "{raw}"'
    scrubbed = url.scrub(message)
    for secret in ("hunter2hunter2", "AbC123dEf456GhI789jKl", "ZZtopSecret99", "api_key"):
        assert secret not in scrubbed
    assert url.masked in scrubbed


def test_scrub_urls_masks_every_url_in_text() -> None:
    text = "see https://a.test/x?t=1 and http://b.test/AbC123dEf456GhI789jKl"
    assert scrub_urls(text) == f"see https://a.test/x?{REDACTED} and http://b.test/{REDACTED}"
