from __future__ import annotations

import pytest

from reelforge import errors as e


@pytest.mark.parametrize(
    ("cls", "code"),
    [
        (e.ReelforgeError, 1),
        (e.RenderError, 1),
        (e.SafetyError, 2),
        (e.NotFoundError, 3),
        (e.CaptureRequiredError, 3),
        (e.InvalidInputError, 4),
        (e.HashMismatchError, 4),
        (e.ProviderError, 5),
        (e.AuthRequiredError, 5),
        (e.ProviderUnavailableError, 5),
        (e.StageTimeoutError, 6),
        (e.InterruptedRunError, 130),
    ],
)
def test_every_error_class_has_its_exit_code_and_a_hint(cls: type[e.ReelforgeError], code: int) -> None:
    error = cls("something went wrong")
    assert error.exit_code == code
    assert error.hint and error.hint != ""
    assert error.to_json()["hint"] == error.hint


def test_schema_error_lists_every_field() -> None:
    error = e.SchemaValidationError(
        "script.json", [e.FieldIssue("scenes.0.durationSec", "must be > 0"), e.FieldIssue("title", "missing")])
    assert error.exit_code == 4
    assert [f["path"] for f in error.to_json()["fields"]] == ["scenes.0.durationSec", "title"]
    assert "scenes.0.durationSec" in error.message and "title" in error.message


def test_render_error_keeps_ffmpeg_last_words() -> None:
    error = e.RenderError("ffmpeg failed", argv=["ffmpeg", "-i", "x"], stderr_tail="a\nb\nNo such filter: 'foo'\n")
    assert "No such filter: 'foo'" in error.message
    assert error.argv[0] == "ffmpeg"
