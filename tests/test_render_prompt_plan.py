"""promptPlan compiles to one prompt in the fixed documented order (golden string)."""

from __future__ import annotations

from reelforge.models.prompt_plan import check_plan, compile_plan

PLAN = {
    "referenceMap": [{"ref": "image 1", "role": "the woman's face and hair"}, {"ref": "audio 1", "role": "her voice"}],
    "mustAvoid": ["subtitles", "watermark", "ad polish"],
    "mustKeep": ["same gray sweater", "phone in the right hand"],
    "continuity": ["late-afternoon light throughout"],
    "soundEffects": "a soft notification ping", "audio": "calm, close-mic voice",
    "realism": "handheld phone footage, natural skin texture", "style": "creator UGC",
    "pacing": "unhurried", "camera": "slow push-in", "shotType": "medium close-up",
    "background": "open shelves", "scene": "a bright kitchen",
    "storyline": [{"time": "0-2s", "shot": "MCU", "visual": "she looks up from the phone",
                   "dialogue": "Your inbox is not broken."}],
    "action": "she explains a two-minute Gmail fix", "subject": "a woman in her 30s",
}

GOLDEN = """a woman in her 30s. she explains a two-minute Gmail fix.
0-2s MCU: she looks up from the phone Dialogue: "Your inbox is not broken."
Scene: a bright kitchen. open shelves.
Camera: medium close-up. slow push-in. unhurried.
Style: creator UGC. handheld phone footage, natural skin texture.
Sound: calm, close-mic voice. a soft notification ping.
Continuity: late-afternoon light throughout.
Keep these true: same gray sweater; phone in the right hand.
Avoid: subtitles, watermark, ad polish.
[image 1] the woman's face and hair; [audio 1] her voice."""


def test_compile_order_is_fixed_whatever_the_key_order() -> None:
    assert compile_plan(PLAN) == GOLDEN
    assert compile_plan(dict(reversed(list(PLAN.items())))) == GOLDEN


def test_defaults_and_final_prompt() -> None:
    assert compile_plan({"subject": "a red mug"}) == "a red mug.\nAvoid: subtitles, on-screen text, watermark."
    assert compile_plan({"finalPrompt": "  exactly this  ", "subject": "ignored"}) == "exactly this"


def test_plan_problems_are_named() -> None:
    issues = {i.path for i in check_plan({"subject": "x", "promptSummary": "old", "storyline": [{"time": "0-1s"}],
                                          "referenceMap": [{"ref": "image 3", "role": "mug"}]},
                                         {"image": 1})}
    assert issues == {"promptPlan.promptSummary", "promptPlan.storyline[0]", "promptPlan.referenceMap[0]"}
