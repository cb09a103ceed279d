"""`--visual generate`: scene stills through the image batch runner, against the loopback OpenAI fake."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reelforge.batch.runner import image_request as normalize
from reelforge.config import resolve_settings
from reelforge.errors import SchemaValidationError
from reelforge.models.script import Script
from reelforge.pipeline import stages
from reelforge.pipeline.cost import CostPlan, check_cost
from reelforge.pipeline.generated_stills import plan_images, scene_asset_id, scene_request
from reelforge.pipeline.progress import SilentReporter
from reelforge.pipeline.recorder import RunRecorder
from reelforge.pipeline.spec_builder import SpecInputs, build_render_spec
from reelforge.workspace.atomic import write_json_atomic
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import Workspace
from tests.cli_helpers import run_json
from tests.fakes._http import png_bytes
from tests.fakes.openai_server import OpenAIFake

PROMPT = "a dim bedroom at night, phone face down on the nightstand"


def script_doc(aspect: str = "9:16", brand: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"schemaVersion": "1.0", "mode": "shorts", "aspect": aspect, "locale": "en", "title": "Sleep better",
            "brand": brand or {},
            "scenes": [{"id": "intro", "durationSec": 2, "narration": "Dim your screens an hour before bed.",
                        "visual": {"prompt": PROMPT}},
                       {"id": "cool_room", "durationSec": 2, "narration": "Keep the room cool and dark."}]}


class Run:
    """generate()'s order up to the render-spec: cost plan + guardrail, narration, visuals, spec."""

    def __init__(self, root: Path, *, aspect: str = "9:16", max_usd: float = 1.0, plan: bool = True) -> None:
        self.ws = Workspace.at(root)
        self.settings = resolve_settings(workspace_root=root, flags={"visual": "generate", "voice": "none",
                                                                     "max_usd": max_usd})
        self.script = Script.model_validate(script_doc(aspect))
        self.run_dir = root / "videos" / "20260101-000000-abcdef-shorts"
        self.run_dir.mkdir(parents=True)
        self.recorder = RunRecorder(self.run_dir, run_id=self.run_dir.name, mode="shorts", seed=1)
        write_json_atomic(self.run_dir / "script.json", self.script.to_json_dict())
        if plan:
            cost = CostPlan.for_settings(self.settings, scenes=len(self.script.scenes), dry_run=False)
            self.recorder.manifest.cost = cost.as_cost()
            check_cost(cost, max_usd=max_usd, yes=False)

    def visuals(self, *, dry_run: bool = False) -> list[stages.VisualAsset]:
        return stages.run_visuals(self.script, self.run_dir, self.settings, self.recorder, SilentReporter(),
                                  workspace=self.ws, media_dir=None, dry_run=dry_run)

    def stage(self) -> dict[str, Any]:
        return next(s.model_dump(by_alias=True) for s in self.recorder.manifest.stages if s.stage == "visuals")


def test_two_scene_run_generates_stills_through_the_runner_into_the_render_spec(
        workspace: Path, openai_fake: OpenAIFake) -> None:
    run = Run(workspace)
    assert run.recorder.manifest.cost.breakdown["image-gpt-image-2-text"] == 0.5  # 2 x $0.25 (high quality)
    narration = stages.run_narration(run.script, run.run_dir, run.settings, run.recorder, SilentReporter())
    visuals = run.visuals()
    spec = build_render_spec(SpecInputs(script=run.script, timing=narration.timing, visuals=visuals, slug="s",
                                        seed=1, caption_style="none", platform="tiktok"))

    assert openai_fake.submits == 2
    prompts = sorted(r["prompt"] for r in openai_fake.requests)
    assert PROMPT in prompts and any("Keep the room cool and dark." in p for p in prompts)
    sent = {(r["model"], r["quality"], r["size"]) for r in openai_fake.requests}
    assert sent == {("gpt-image-2", "high", "1152x2048")}

    for n, (asset, scene) in enumerate(zip(visuals, spec.scenes, strict=True)):
        scene_id = run.script.scenes[n].id
        assert asset.provider == "image-gpt-image-2-text" and asset.type == "image"
        assert scene.visual.src == f"visuals/scene-{n + 1:02d}-generated.png"
        copied = run.run_dir / scene.visual.src
        assert sha256_file(copied) == scene.visual.sha256 == asset.sha256
        asset_id = scene_asset_id(run.run_dir.name, scene_id)
        root = workspace / "assets" / asset_id
        (candidate,) = (root / "images" / "candidates").iterdir()
        assert candidate.read_bytes() == copied.read_bytes()
        assert copied.read_bytes() in (png_bytes(1), png_bytes(2))
        request = json.loads((root / "runs" / "image" / run.run_dir.name / "request.json").read_text())
        assert request["assetPurpose"] == "shot_support" and request["aspectRatio"] == "9:16"
        assert request["sourceBasis"] == [f"videos/{run.run_dir.name}/script.json#scenes/{scene_id}"]
        assert request["variantTest"] is True and "Sleep better" in request["visualDirection"]
        assert request["localAssetDir"] == f"assets/{asset_id}"
        assert json.loads((root / "asset.json").read_text())["assetPurpose"] == "shot_support"
    assert sorted(p.name for p in (run.run_dir / "visuals").iterdir()) == [
        "image-requests.jsonl", "scene-01-generated.png", "scene-02-generated.png"]  # no stray fallback cards

    stage = run.stage()
    assert stage["pathTaken"] == "real" and stage["params"]["imageModel"] == "image-gpt-image-2-text"
    assert any("variant test" in w for w in stage["warnings"])
    assert [s["pathTaken"] for s in stage["params"]["perScene"]] == ["real", "real"]


def test_guardrail_refuses_before_any_side_effect(capsys: pytest.CaptureFixture[str], workspace: Path,
                                                   openai_fake: OpenAIFake) -> None:
    (workspace / "script.json").write_text(json.dumps(script_doc()))
    code, out = run_json(capsys, "video", "generate", "--script", "script.json", "--visual", "generate",
                         "--voice", "none")
    assert code == 4
    assert "$0.50" in out["error"]["message"] and "image-gpt-image-2-text" in out["error"]["message"]
    assert "--yes" in out["error"]["hint"]
    assert openai_fake.submits == 0 and not (workspace / "assets").exists()
    run_dir = Path(out["runDir"])
    assert not (run_dir / "visuals").exists() and not (run_dir / "timing.json").exists()
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["status"] == "failed" and manifest["cost"]["usd"] == 0.5


def test_without_a_key_every_scene_falls_back_to_a_card(workspace: Path) -> None:
    run = Run(workspace, aspect="1:1")
    assert run.recorder.manifest.cost.usd == 0
    visuals = run.visuals()
    assert [v.provider for v in visuals] == ["designed-card", "designed-card"]
    stage = run.stage()
    assert stage["pathTaken"] == "fallback"
    assert [s["pathTaken"] for s in stage["params"]["perScene"]] == ["fallback", "fallback"]
    (warning,) = stage["warnings"]
    assert all(var in warning for var in ("OPENAI_API_KEY", "GEMINI_API_KEY", "ARK_API_KEY"))
    assert not (workspace / "assets").exists()


def test_dry_run_calls_nothing_and_says_what_a_real_run_would_cost(workspace: Path, openai_fake: OpenAIFake) -> None:
    run = Run(workspace, aspect="1:1")
    assert CostPlan.for_settings(run.settings, scenes=2, dry_run=True).usd == 0
    assert [v.provider for v in run.visuals(dry_run=True)] == ["designed-card"] * 2
    (warning,) = run.stage()["warnings"]
    assert "dry run" in warning and "$0.50" in warning and "image-gpt-image-2-text" in warning
    assert openai_fake.submits == 0 and not (workspace / "assets").exists()


def test_a_refused_key_or_an_unplanned_spend_falls_back_without_charging(
        workspace: Path, openai_fake: OpenAIFake, monkeypatch: pytest.MonkeyPatch) -> None:
    unplanned = Run(workspace, aspect="1:1", plan=False)  # run_visuals reached without an approved cost line
    assert [v.provider for v in unplanned.visuals()] == ["designed-card"] * 2
    assert "cost plan approved $0.00" in unplanned.stage()["warnings"][0]
    assert openai_fake.submits == 0 and not (workspace / "assets").exists()

    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong")
    (other := workspace / "other").mkdir()
    refused = Run(other, aspect="1:1")
    assert [v.provider for v in refused.visuals()] == ["designed-card"] * 2
    warnings = refused.stage()["warnings"]
    assert len(warnings) == 3 and all("OPENAI_API_KEY" in w for w in warnings[1:])
    assert openai_fake.submits == 0  # 401 is answered before the openai_fake counts a submission


def test_the_lock_comes_from_the_brand_and_the_runner_gate_still_holds(tmp_path: Path) -> None:
    ws = Workspace.at(tmp_path)
    script = Script.model_validate(script_doc(brand={"visualDirection": "warm film look, handheld"}))
    run_dir = tmp_path / "videos" / "r-1"
    req = scene_request(script.scenes[1], script, run_dir=run_dir, workspace=ws, model="image-gpt-image-2-text",
                        seed=3, lock={"visualDirection": "warm film look, handheld"}, variant_test=False)
    data = normalize(req, operation="text").data
    assert data["variantTest"] is False and data["mustKeep"] == ["warm film look, handheld"]
    assert data["quality"] == "high" and data["creativeFormat"] == "short_form_vertical"
    unlocked = {k: v for k, v in req.items() if k != "visualDirection"}
    with pytest.raises(SchemaValidationError) as info:
        normalize(unlocked, operation="text")
    assert info.value.exit_code == 4 and "personaId" in str(info.value.issues)
    assert scene_asset_id("r" * 60, "scene_1") != scene_asset_id("r" * 60, "scene_2")
    assert len(scene_asset_id("r" * 60, "scene_1")) <= 64


def test_model_choice_follows_the_key_that_is_set() -> None:
    assert plan_images(environ={"GEMINI_API_KEY": "k"}).model == "image-nano-banana-2-text"
    assert plan_images(environ={"ARK_API_KEY": "k"}).model == "image-seedream-v5-lite-text"
    assert plan_images(environ={"ARK_API_KEY": "k", "OPENAI_API_KEY": "k"}).model == "image-gpt-image-2-text"
    chosen = plan_images(environ={"ARK_API_KEY": "k", "REELFORGE_IMAGE_MODEL": "image-nano-banana-2-text"})
    assert chosen.model is None and chosen.reason is not None and "GEMINI_API_KEY" in chosen.reason
    assert plan_images(environ={"REELFORGE_IMAGE_MODEL": "image-local-designed"}).usd(3) == 0.0
