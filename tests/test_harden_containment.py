"""Issue 22 item 1 (+ the path cases of items 4 and 12): nothing the tool writes or reads as its own lands
outside the workspace, whatever symlink is planted inside it; escapes are exit 2 before any network call."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from reelforge.errors import SafetyError
from reelforge.workspace.atomic import write_json_atomic
from tests.cli_helpers import run_json
from tests.fakes._http import png_bytes
from tests.fakes.image_requests import request
from tests.fakes.openai_server import OpenAIFake
from tests.fakes.render_assets import seedance, upstream


def _write(path: Path, data: dict[str, Any]) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def _listing(root: Path) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        out[rel] = f"-> {os.readlink(path)}" if path.is_symlink() else path.read_bytes() if path.is_file() else "dir"
    return out


@pytest.fixture
def outside(workspace: Path) -> Path:
    folder = workspace.parent / "out"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("linked", ["runs", "images", "images/candidates"])
def test_a_symlinked_folder_inside_the_asset_is_exit_2_before_any_call(
        capsys: pytest.CaptureFixture[str], openai_fake: OpenAIFake, workspace: Path, outside: Path,
        linked: str) -> None:
    link = workspace / "assets" / "a" / linked
    link.parent.mkdir(parents=True)
    link.symlink_to(outside, target_is_directory=True)
    data = request(asset_id="a", model="image-gpt-image-2-text", localAssetDir="assets/a")
    code, out = run_json(capsys, "image", "generate", "--yes", "--request", _write(workspace / "r.json", data))
    assert code == 2, out
    assert out["error"]["kind"] == "safety" and str(outside) in out["error"]["message"]
    assert openai_fake.submits == 0  # refused before the vendor was paid
    assert list(outside.iterdir()) == []


def test_a_symlink_planted_under_the_next_candidate_name_is_replaced_not_followed(
        capsys: pytest.CaptureFixture[str], openai_fake: OpenAIFake, workspace: Path, outside: Path) -> None:
    victim = outside / "victim.png"
    victim.write_bytes(b"precious")
    candidates = workspace / "assets" / "a" / "images" / "candidates"
    candidates.mkdir(parents=True)
    planted = candidates / "image-run-001-attempt-001-img-001.png"
    planted.symlink_to(victim)
    data = request(asset_id="a", model="image-gpt-image-2-text", localAssetDir="assets/a")
    code, out = run_json(capsys, "image", "generate", "--yes", "--request", _write(workspace / "r.json", data))
    assert code == 0, out
    assert victim.read_bytes() == b"precious"
    assert not planted.is_symlink() and planted.read_bytes() == png_bytes(1)  # the paid output, kept inside
    assert out["files"] == ["images/candidates/image-run-001-attempt-001-img-001.png"]


def test_a_symlinked_approved_image_as_edit_source_is_exit_2_before_any_attempt(
        capsys: pytest.CaptureFixture[str], openai_fake: OpenAIFake, workspace: Path, outside: Path) -> None:
    secret = outside / "private.png"
    secret.write_bytes(png_bytes(7))
    approved = workspace / "assets" / "a" / "images" / "approved"
    approved.mkdir(parents=True)
    (approved / "x.png").symlink_to(secret)
    data = request(asset_id="a", model="image-gpt-image-2-edit", localAssetDir="assets/a",
                   sourceImages=["images/approved/x.png"])
    code, out = run_json(capsys, "image", "edit", "--yes", "--request", _write(workspace / "e.json", data))
    assert code == 2, out
    assert "sourceImages[0]" in out["error"]["message"]
    assert openai_fake.submits == 0
    assert not (workspace / "assets" / "a" / "runs").exists()  # no attempt left "in doubt"


@pytest.mark.parametrize(("value", "code"), [("assets/a\u0000b", 4), ("r.json", 4), ("../elsewhere", 2)])
def test_local_asset_dir_nul_file_or_escape(capsys: pytest.CaptureFixture[str], workspace: Path, value: str,
                                            code: int) -> None:
    (workspace / "r.json").write_text("{}", encoding="utf-8")
    data = request(asset_id="a", localAssetDir=value)
    got, out = run_json(capsys, "image", "generate", "--request", _write(workspace / "req.json", data))
    assert got == code, out
    assert "localAssetDir" in json.dumps(out["error"])


@pytest.mark.parametrize(("value", "code"), [("renders/j\u0000", 4), ("plain.txt", 4), ("/tmp", 2)])
def test_local_output_dir_nul_file_or_escape(capsys: pytest.CaptureFixture[str], workspace: Path, value: str,
                                             code: int) -> None:
    upstream(workspace)
    (workspace / "plain.txt").write_text("x", encoding="utf-8")
    data = seedance("sd-9", localOutputDir=value)
    got, out = run_json(capsys, "render", "submit", "--request", _write(workspace / "r.json", data))
    assert got == code, out
    assert "localOutputDir" in json.dumps(out["error"])


def test_a_symlinked_renders_folder_of_a_job_is_exit_2_before_any_call(
        capsys: pytest.CaptureFixture[str], workspace: Path, outside: Path) -> None:
    upstream(workspace)
    (workspace / "renders" / "sd-9").mkdir(parents=True)
    (workspace / "renders" / "sd-9" / "renders").symlink_to(outside, target_is_directory=True)
    got, out = run_json(capsys, "render", "submit", "--request", _write(workspace / "r.json", seedance("sd-9")))
    assert got == 2 and out["error"]["kind"] == "safety"
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("how", ["dotdot", "symlink"])
def test_render_media_leaving_the_workspace_is_exit_2(capsys: pytest.CaptureFixture[str], workspace: Path,
                                                     outside: Path, how: str) -> None:
    upstream(workspace)
    (outside / "frame.png").write_bytes(png_bytes(3))
    if how == "symlink":
        (workspace / "frame.png").symlink_to(outside / "frame.png")
        image = "frame.png"
    else:
        image = "../out/frame.png"
    got, out = run_json(capsys, "render", "submit", "--request", _write(workspace / "r.json", seedance(image=image)))
    assert got == 2, out
    assert out["error"]["kind"] == "safety" and "image" in out["error"]["message"]


def test_the_helper_checks_every_atomic_write_at_the_moment_of_use(workspace: Path, outside: Path) -> None:
    from reelforge.workspace.contain import confine

    (workspace / "deep").mkdir()
    write_json_atomic(workspace / "deep" / "ok.json", {"a": 1})  # unconfined: allowed
    with confine(workspace):
        write_json_atomic(workspace / "deep" / "ok.json", {"a": 2})
        (workspace / "deep" / "sub").symlink_to(outside, target_is_directory=True)
        with pytest.raises(SafetyError):
            write_json_atomic(workspace / "deep" / "sub" / "x.json", {"a": 3})
        with pytest.raises(SafetyError):
            write_json_atomic(workspace / "deep" / "sub" / "new" / "x.json", {"a": 3})  # no mkdir outside either
        (workspace / "deep" / "link.json").symlink_to(outside / "target.json")
        write_json_atomic(workspace / "deep" / "link.json", {"a": 4})  # replaces the link, never follows it
    assert list(outside.iterdir()) == []
    assert not (workspace / "deep" / "link.json").is_symlink()
    assert json.loads((workspace / "deep" / "ok.json").read_text()) == {"a": 2}


def test_a_whole_successful_run_writes_only_inside(capsys: pytest.CaptureFixture[str], workspace: Path,
                                                   outside: Path) -> None:
    before = _listing(workspace.parent)
    data = request(asset_id="a", localAssetDir="assets/a")
    code, _ = run_json(capsys, "image", "generate", "--yes", "--request", _write(workspace / "r.json", data))
    assert code == 0
    after = _listing(workspace.parent)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed and all(k.startswith("ws/") for k in changed)


def test_a_batch_whose_items_all_escape_exits_2(capsys: pytest.CaptureFixture[str], workspace: Path,
                                                outside: Path) -> None:
    link = workspace / "assets" / "a" / "runs"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside, target_is_directory=True)
    lines = [json.dumps(request(asset_id="a", run_id=f"r{i}", localAssetDir="assets/a")) for i in range(3)]
    (workspace / "b.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = run_json(capsys, "image", "generate", "--request", "b.jsonl")
    assert code == 2 and out["error"]["kind"] == "safety", out
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("mode", ["card", "slide"])
def test_a_card_drawn_in_a_worker_thread_through_a_symlinked_visuals_folder_is_exit_2(
        workspace: Path, outside: Path, mode: str) -> None:
    """Cards and slides are drawn in a thread pool: the confinement must travel with each worker."""
    from reelforge.models.script import Scene
    from reelforge.pipeline.visual_chain import produce_visuals
    from reelforge.workspace.contain import confine

    run_dir = workspace / "videos" / "r1"
    run_dir.mkdir(parents=True)
    (run_dir / "visuals").symlink_to(outside, target_is_directory=True)
    scenes = [Scene.model_validate({"id": "s1", "durationSec": 2, "onScreenText": ["Point one"]})]
    with confine(workspace), pytest.raises(SafetyError) as info:
        produce_visuals(scenes, run_dir=run_dir, workspace=workspace, mode=mode, seed=3,  # type: ignore[arg-type]
                        width=360, height=640, title="T", env={})
    assert info.value.exit_code == 2
    assert list(outside.iterdir()) == []  # nothing landed through the link


def test_video_generate_refuses_a_card_through_a_visuals_folder_linked_out_of_the_workspace(
        workspace: Path, outside: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole entry point: the link is planted as soon as the run folder exists; the run ends exit 2."""
    from reelforge.config import resolve_settings
    from reelforge.pipeline.generate import GenerateRequest, generate
    from reelforge.workspace.paths import Workspace

    for name in list(os.environ):
        if name.startswith("REELFORGE_") or name.endswith("_API_KEY"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REELFORGE_VOICE", "none")
    monkeypatch.setenv("REELFORGE_VISUAL", "card")
    settings = resolve_settings(workspace_root=workspace)

    def plant(run_dir: Path) -> None:
        (run_dir / "visuals").symlink_to(outside, target_is_directory=True)

    request = GenerateRequest("Three quick tips for a tidy inbox.", settings, Workspace.at(workspace),
                              on_run_dir=plant)
    with pytest.raises(SafetyError) as info:
        generate(request)
    assert info.value.exit_code == 2
    assert list(outside.iterdir()) == []
