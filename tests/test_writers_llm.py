"""LLM script writers against loopback fakes of OpenAI, Gemini and an OpenAI-compatible server.

The adapters under test are the production code; the fakes check the vendors' request shapes
(strict json_schema for OpenAI, the OpenAPI-subset responseSchema for Gemini) and answer in theirs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reelforge.errors import AuthRequiredError
from reelforge.pipeline.skeleton import draft_from_brief
from reelforge.pipeline.writers import WriteRequest, WriteResult, plan_llm_writer
from reelforge.text.speech_rate import scene_seconds
from tests.cli_helpers import run_json
from tests.fakes.text_llm_server import TextLLMFake

BRIEF = ("Three tips for better sleep. Keep your bedroom cool and dark. Put the phone away an hour before bed. "
         "Wake up at the same time every day.")


def good_script(scenes: int = 4, *, hook: str = "Sleep better tonight.") -> dict[str, Any]:
    lines = [hook, "Keep your bedroom cool, dark and quiet all night.",
             "Put the phone away a full hour before you go to bed.",
             "Wake up at the same time every day, weekends included."]
    out = []
    for i in range(scenes):
        out.append({"id": f"scene-{i + 1:02d}", "durationSec": 3, "narration": lines[i % len(lines)],
                    "onScreenText": ["Better sleep" if i == 0 else f"Tip {i}"],
                    "visual": {"kind": "card", "prompt": "a calm bedroom at night", "ref": None, "source": None},
                    "transition": None if i == scenes - 1 else "cut"})
    return {"schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": "en", "title": "Sleep better",
            "scenes": out, "music": "none"}


def bad_script() -> dict[str, Any]:
    data = good_script()
    data["scenes"][1]["onScreenText"] = ["Keep your bedroom cool, dark and quiet all night."]  # copies narration
    data["scenes"][2]["durationSec"] = -1
    data["scenes"][2]["narration"] = ""
    return data


def request() -> WriteRequest:
    return WriteRequest(brief=BRIEF, mode="shorts", aspect="9:16", locale="en", duration=None, transition="fade",
                        call_to_action="", words_per_second=3.1)


def key_free() -> WriteResult:
    script, warnings = draft_from_brief(BRIEF, mode="shorts", aspect="9:16", locale="en")
    return WriteResult(script=script, provider="skeleton", path_taken="real", warnings=warnings)


@pytest.fixture(params=["openai", "gemini", "local"])
def vendor(request: pytest.FixtureRequest, workspace: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, TextLLMFake]]:
    flavour = request.param
    with TextLLMFake(flavour) as fake:
        env = {"REELFORGE_RETRY_BASE_S": "0.01"}
        if flavour == "openai":
            env |= {"OPENAI_API_KEY": fake.key, "REELFORGE_OPENAI_BASE_URL": fake.base + "/v1"}
        elif flavour == "gemini":
            env |= {"GEMINI_API_KEY": fake.key, "REELFORGE_GEMINI_BASE_URL": fake.base}
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        fake.env = env  # type: ignore[attr-defined]
        yield flavour, fake


def writer_for(flavour: str, fake: TextLLMFake) -> Any:
    return plan_llm_writer(flavour, model="", url=fake.base + "/v1", env=fake.env,  # type: ignore[attr-defined]
                           key_free=key_free())


def test_valid_reply_becomes_the_script(vendor: tuple[str, TextLLMFake], tmp_path: Path) -> None:
    flavour, fake = vendor
    fake.replies.append(json.dumps(good_script()))
    result = writer_for(flavour, fake).write(request(), tmp_path)
    assert result.path_taken == "real" and result.provider.startswith(f"{flavour}:")
    assert result.script.title == "Sleep better" and len(result.script.scenes) == 4
    assert all(s.visual.source == f"writer:{result.provider}" for s in result.script.scenes)
    # durations come from the words at the measured pace, not from the model's guesses
    narration = result.script.scenes[1].narration
    assert result.script.scenes[1].duration_sec == scene_seconds(narration) != 3
    assert fake.submits == 1 and result.params["asks"] == 1
    reply = (tmp_path / "writer" / "reply-1.json").read_text()
    assert "Sleep better" in reply and fake.key not in reply
    sent = fake.requests[0]
    if flavour == "gemini":
        assert sent["generationConfig"]["responseSchema"]["type"] == "OBJECT"
        assert sent["contents"][0]["role"] == "user" and "Three tips" in sent["contents"][0]["parts"][0]["text"]
    else:
        assert sent["response_format"]["json_schema"]["strict"] is True
        assert sent["messages"][0]["role"] == "system" and "first 2 seconds" in sent["messages"][0]["content"]


def test_invalid_reply_is_repaired_on_the_second_ask(vendor: tuple[str, TextLLMFake], tmp_path: Path) -> None:
    flavour, fake = vendor
    fake.replies.extend([json.dumps(bad_script()), json.dumps(good_script())])
    result = writer_for(flavour, fake).write(request(), tmp_path)
    assert result.path_taken == "real" and result.params["repaired"] is True and fake.submits == 2
    second = fake.requests[1]
    text = json.dumps(second)
    # the repair ask carries the failed checks, named by field
    assert "scenes.2.durationSec" in text and "greater than 0" in text
    assert (tmp_path / "writer" / "reply-2.json").is_file()


def test_invalid_twice_falls_back_to_the_key_free_writer(vendor: tuple[str, TextLLMFake], tmp_path: Path) -> None:
    flavour, fake = vendor
    fake.replies.extend(["not json at all", json.dumps(bad_script())])
    result = writer_for(flavour, fake).write(request(), tmp_path)
    assert result.path_taken == "fallback" and result.provider == "skeleton"
    assert result.script.to_json_dict() == key_free().script.to_json_dict()
    assert "failed its checks twice" in result.warnings[0] and fake.submits == 2
    assert result.params["fallbackFrom"].startswith(flavour)


def test_429_and_5xx_are_retried(vendor: tuple[str, TextLLMFake], tmp_path: Path) -> None:
    flavour, fake = vendor
    fake.script.extend(["429", "500"])
    fake.replies.append(json.dumps(good_script()))
    result = writer_for(flavour, fake).write(request(), tmp_path)
    assert result.path_taken == "real" and fake.submits == 1


def test_retries_exhausted_fall_back(vendor: tuple[str, TextLLMFake], tmp_path: Path) -> None:
    flavour, fake = vendor
    fake.script.extend(["500"] * 4)
    result = writer_for(flavour, fake).write(request(), tmp_path)
    assert result.path_taken == "fallback" and "HTTP 500" in result.warnings[0]


def test_a_reply_over_the_scene_limit_is_repaired_then_refused(vendor: tuple[str, TextLLMFake], tmp_path: Path) -> None:
    flavour, fake = vendor
    fake.replies.extend([json.dumps(good_script(45)), json.dumps(good_script(41))])
    result = writer_for(flavour, fake).write(request(), tmp_path)
    assert fake.submits == 2 and "45 scenes (the limit is 40)" in json.dumps(fake.requests[1])
    assert result.path_taken == "fallback" and "41 scenes" in result.warnings[0]


def test_refused_key_is_exit_5_naming_the_variable(tmp_path: Path, workspace: Path) -> None:
    for flavour, variable in (("openai", "OPENAI_API_KEY"), ("gemini", "GEMINI_API_KEY")):
        with TextLLMFake(flavour) as fake:
            env = {"OPENAI_API_KEY": "wrong-key-000000", "GEMINI_API_KEY": "wrong-key-000000",
                   "REELFORGE_OPENAI_BASE_URL": fake.base + "/v1", "REELFORGE_GEMINI_BASE_URL": fake.base}
            writer = plan_llm_writer(flavour, model="", url="", env=env, key_free=key_free())
            with pytest.raises(AuthRequiredError) as info:
                writer.write(request(), tmp_path)
            assert info.value.exit_code == 5 and variable in info.value.message and variable in info.value.hint
            assert "wrong-key" not in info.value.message


def test_missing_key_falls_back_with_a_warning(tmp_path: Path) -> None:
    writer = plan_llm_writer("openai", model="", url="", env={}, key_free=key_free())
    result = writer.write(request(), tmp_path)
    assert result.path_taken == "fallback" and "OPENAI_API_KEY is not set" in result.warnings[0]


def test_local_server_needs_no_key_and_lists_its_model(tmp_path: Path) -> None:
    with TextLLMFake("local", models=("qwen2.5:7b",)) as fake:
        fake.replies.append(json.dumps(good_script()))
        writer = plan_llm_writer("local", model="", url=fake.base + "/v1", env={}, key_free=key_free())
        result = writer.write(request(), tmp_path)
        assert result.provider == "local:qwen2.5:7b" and result.path_taken == "real"
        assert writer.estimate_usd(request()) == 0.0
        assert "Authorization" not in json.dumps(fake.requests[0])


def test_unreachable_local_server_falls_back(tmp_path: Path) -> None:
    writer = plan_llm_writer("local", model="llama3", url="http://127.0.0.1:9/v1",
                             env={"REELFORGE_RETRY_ATTEMPTS": "2", "REELFORGE_RETRY_BASE_S": "0.01"},
                             key_free=key_free())
    result = writer.write(request(), tmp_path)
    assert result.path_taken == "fallback" and "could not reach" in result.warnings[0]


def test_cli_records_writer_cost_prompt_hashes_and_replies(workspace: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    with TextLLMFake("openai") as fake:
        monkeypatch.setenv("OPENAI_API_KEY", fake.key)
        monkeypatch.setenv("REELFORGE_OPENAI_BASE_URL", fake.base + "/v1")
        fake.script.append("401")
        code, data = run_json(capsys, "video", "generate", BRIEF, "--writer", "openai", "--dry-run")
        assert code == 5 and "OPENAI_API_KEY" in data["error"]["message"]
        manifest = json.loads(Path(data["error"].get("runDir", "") or next(workspace.glob("videos/*/manifest.json"))
                                   .parent.joinpath("manifest.json")).read_text())
        assert manifest["exitCode"] == 5 and fake.key not in json.dumps(manifest)
        assert manifest["cost"]["breakdown"]["writer:openai:gpt-4.1-mini"] > 0


def test_guardrail_applies_before_the_call(workspace: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    with TextLLMFake("openai") as fake:
        monkeypatch.setenv("OPENAI_API_KEY", fake.key)
        monkeypatch.setenv("REELFORGE_OPENAI_BASE_URL", fake.base + "/v1")
        code, data = run_json(capsys, "video", "generate", BRIEF, "--writer", "openai", "--max-usd", "0.001",
                              "--dry-run")
        assert code == 4 and "guardrail" in data["error"]["message"] and fake.submits == 0


def test_content_rules_name_each_problem() -> None:
    from reelforge.pipeline.writers.checks import check_reply

    data = good_script()
    data["scenes"][0]["narration"] = "This is a very long opening sentence that takes far more than two seconds to say."
    data["scenes"][1]["onScreenText"] = ["Keep your bedroom cool, dark and quiet all night."]
    data["scenes"][2]["onScreenText"] = ["Put the phone away a full…"]
    data["scenes"][3]["narration"] = ""
    checked = check_reply(json.dumps(data), request(), provider="openai:x")
    text = "\n".join(checked.hard)
    assert "scenes.0.narration: the hook sentence has 16 words" in text
    assert "scenes.1.onScreenText.0: repeats the narration" in text
    assert "scenes.2.onScreenText.0: ends in an ellipsis" in text
    assert "scenes.3.narration: empty" in text


@pytest.mark.slow
def test_cli_run_records_the_writer_and_its_fallback(workspace: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    with TextLLMFake("local") as fake:
        monkeypatch.setenv("REELFORGE_WRITER_URL", fake.base + "/v1")
        monkeypatch.setenv("REELFORGE_RETRY_BASE_S", "0.01")
        fake.replies.append(json.dumps(good_script()))
        code, data = run_json(capsys, "video", "generate", BRIEF, "--writer", "local", "--dry-run")
        assert code == 0, data
        manifest = json.loads(Path(data["manifestPath"]).read_text())
        stage = manifest["stages"][0]
        assert stage["stage"] == "script" and stage["pathTaken"] == "real" and stage["provider"] == "local:llama3.2:3b"
        assert set(stage["params"]["promptFiles"]) >= {"system.md", "mode-shorts.md", "user.md", "repair.md"}
        assert any(a["path"] == "writer/reply-1.json" for a in manifest["assets"])
        assert manifest["cost"]["breakdown"]["writer:local:llama3.2:3b"] == 0.0

        fake.replies.extend(["{}", "[]"])  # invalid twice
        code, data = run_json(capsys, "video", "generate", BRIEF, "--writer", "local", "--dry-run")
        assert code == 0
        manifest = json.loads(Path(data["manifestPath"]).read_text())
        stage = manifest["stages"][0]
        assert stage["pathTaken"] == "fallback" and stage["provider"] == "skeleton"
        assert any("failed its checks twice" in w for w in manifest["warnings"])
        script = json.loads(Path(data["scriptPath"]).read_text())
        assert script["scenes"][0]["narration"] == "Three tips for better sleep."
