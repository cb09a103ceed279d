"""Issue 22 item 5: a full disk is a clear "disk full" error (exit 1) naming the folder and its free space; the
failure still reaches the manifest, nothing is half-written, and earlier files stay byte-identical.

The disk is a real small filesystem (tmpfs) mounted by the test, so this needs root; otherwise it skips."""

from __future__ import annotations

import errno
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_helpers import run_json


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs to fill needs root")
    mnt = tmp_path / "small"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mnt)], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(mnt: Path, *, leave: int = 0) -> None:
    """Fill the filesystem to the last byte, then give back ``leave`` bytes."""
    fd = os.open(mnt / ".filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    try:
        while True:
            os.write(fd, b"\0" * 512)
    except OSError:
        pass
    finally:
        os.close(fd)
    if leave:
        size = (mnt / ".filler").stat().st_size
        os.truncate(mnt / ".filler", max(0, size - leave))


def _leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith((".tmp", ".partial")) or p.name.startswith(".render-")]


def test_an_atomic_write_on_a_full_disk_names_the_folder_and_keeps_the_old_file(small_fs: Path) -> None:
    from reelforge.errors import DiskFullError
    from reelforge.workspace.atomic import write_json_atomic

    target = small_fs / "records" / "a.json"
    write_json_atomic(target, {"version": 1})
    before = target.read_bytes()
    fill(small_fs)
    with pytest.raises(DiskFullError) as info:
        write_json_atomic(target, {"version": 2, "pad": "x" * 200_000})
    assert info.value.exit_code == 1 and info.value.kind == "disk-full"
    assert str(target.parent) in info.value.message and "free" in info.value.message
    assert target.read_bytes() == before
    assert _leftovers(small_fs) == []


def test_the_failure_of_a_run_fits_in_the_manifest_on_a_full_disk(small_fs: Path) -> None:
    from reelforge.errors import ReelforgeError
    from reelforge.pipeline.recorder import RunRecorder

    run = small_fs / "videos" / "run-1"
    run.mkdir(parents=True)
    recorder = RunRecorder(run, run_id="run-1", mode="shorts", seed=1)
    recorder.save()
    fill(small_fs)
    for i in range(400):  # the failure record is bigger than the "running" one: it needs new blocks
        recorder.warn(f"warning {i}: " + "w" * 80)
    recorder.fail(ReelforgeError(f"disk full: no space left in {run / 'audio'} (0 B free)"))
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "failed" and manifest["exitCode"] == 1
    assert "no space left" in manifest["error"]["message"] and len(manifest["warnings"]) == 400
    assert not list(run.glob(".manifest.*.reserve"))  # a finished run gives its reserve back
    assert _leftovers(small_fs) == []


def test_video_generate_on_a_full_disk_says_disk_full(capsys: pytest.CaptureFixture[str], small_fs: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("REELFORGE_") or name.endswith("_API_KEY"):
            monkeypatch.delenv(name, raising=False)
    ws = small_fs / "ws"
    (ws / "videos" / "earlier").mkdir(parents=True)
    earlier = ws / "videos" / "earlier" / "manifest.json"
    earlier.write_text('{"status": "succeeded"}\n', encoding="utf-8")
    monkeypatch.chdir(ws)
    fill(small_fs, leave=300 * 1024)  # room for the run's manifest reserve, not for its media
    code, out = run_json(capsys, "video", "generate", "One short line about inboxes.")
    assert code == 1, out
    assert out["error"]["kind"] == "disk-full", out["error"]
    assert "no space left in" in out["error"]["message"] and "free" in out["error"]["message"]
    manifest = json.loads(Path(out["manifestPath"]).read_text())
    assert manifest["status"] == "failed" and manifest["error"]["kind"] == "disk-full"
    assert earlier.read_text(encoding="utf-8") == '{"status": "succeeded"}\n'
    assert _leftovers(ws) == []


@pytest.mark.slow
def test_ffmpeg_running_out_of_space_is_disk_full_not_run_doctor(small_fs: Path) -> None:
    from reelforge.compose.runner import render
    from reelforge.errors import ReelforgeError
    from tests.fakes.tiny_run import make_tiny_run

    run = small_fs / "run"
    spec = make_tiny_run(run, scene_frames=90)
    fill(small_fs, leave=64 * 1024)
    with pytest.raises(ReelforgeError) as info:
        render(spec, run, measure=False, jobs=2)
    assert info.value.kind == "disk-full", info.value.message
    assert "doctor" not in info.value.hint and str(run) in info.value.message
    assert _leftovers(run) == [] and not list(run.glob("*.mp4"))


def test_image_generate_on_a_full_disk_says_disk_full(capsys: pytest.CaptureFixture[str], small_fs: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fakes.image_requests import request

    ws = small_fs / "ws"
    ws.mkdir()
    (ws / "r.json").write_text(json.dumps(request(asset_id="a", localAssetDir="assets/a")), encoding="utf-8")
    monkeypatch.chdir(ws)
    fill(small_fs)
    code, out = run_json(capsys, "image", "generate", "--request", "r.json")
    assert code == 1, out
    assert out["error"]["kind"] == "disk-full" and "no space left in" in out["error"]["message"]
    assert _leftovers(ws) == []


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _image_job_on(small_fs: Path, monkeypatch: pytest.MonkeyPatch, fake: object, env: str, name: str,
                  suffix: str) -> tuple[Path, dict[str, bytes]]:
    """A workspace on the small disk with an earlier, finished run of another asset; returns the earlier files."""
    ws = small_fs / "ws"
    earlier = ws / "assets" / "earlier" / "runs" / "image" / "run-0"
    earlier.mkdir(parents=True)
    (earlier / "manifest.json").write_text('{"attemptState": "materialized"}\n', encoding="utf-8")
    (ws / "assets" / "earlier" / "cover.png").write_bytes(b"\x89PNG earlier bytes")
    for var in list(os.environ):
        if var.startswith("REELFORGE_") or var.endswith("_API_KEY"):
            monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv(env, fake.key)  # type: ignore[attr-defined]
    monkeypatch.setenv(f"REELFORGE_{name}_BASE_URL", fake.base + suffix)  # type: ignore[attr-defined]
    monkeypatch.chdir(ws)
    return ws, _snapshot(ws / "assets" / "earlier")


def test_an_image_job_whose_answer_finds_a_full_disk_records_in_doubt_disk_full(
        capsys: pytest.CaptureFixture[str], small_fs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The vendor answered (and charged), then the disk filled: the attempt and manifest say so, in doubt."""
    from tests.fakes.image_requests import request
    from tests.fakes.openai_server import OpenAIFake

    with OpenAIFake() as fake:
        ws, earlier = _image_job_on(small_fs, monkeypatch, fake, "OPENAI_API_KEY", "OPENAI", "/v1")
        answer = fake.post

        def fill_then_answer(handler: object, path: str, body: bytes) -> None:
            fill(small_fs)  # the disk fills while the vendor works
            answer(handler, path, body)  # type: ignore[arg-type]

        fake.post = fill_then_answer  # type: ignore[method-assign]
        (ws / "r.json").write_text(json.dumps(request(model="image-gpt-image-2-text", asset_id="a",
                                                      localAssetDir="assets/a")), encoding="utf-8")
        code, out = run_json(capsys, "image", "generate", "--request", "r.json", "--yes")
    assert code == 1, out
    assert out["error"]["kind"] == "disk-full" and "no space left in" in out["error"]["message"]
    run = ws / "assets" / "a" / "runs" / "image" / "image-run-001"
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["attemptState"] == "in_doubt", manifest["attemptState"]
    assert manifest["error"]["kind"] == "disk-full" and "no space left" in manifest["error"]["message"]
    attempt = json.loads((run / "attempts" / "attempt-001" / "attempt.json").read_text())
    assert attempt["state"] == "in_doubt" and attempt["error"]["kind"] == "disk-full"
    assert json.loads((run / "attempts" / "index.json").read_text())["attempts"][0]["state"] == "in_doubt"
    assert fake.received == 1
    assert _snapshot(ws / "assets" / "earlier") == earlier  # earlier files byte-identical
    assert _leftovers(ws) == [] and not list(ws.rglob("*.reserve"))


def test_an_image_download_on_a_full_disk_records_materialization_failed_and_resumes(
        capsys: pytest.CaptureFixture[str], small_fs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Disk full while writing the images: materialization_failed with the reason; poll finishes it later."""
    from tests.fakes.ark_server import ArkFake
    from tests.fakes.image_requests import request

    with ArkFake() as fake:
        ws, earlier = _image_job_on(small_fs, monkeypatch, fake, "ARK_API_KEY", "ARK", "/api/v3")
        serve = fake._get
        filled: list[bool] = []

        def fill_then_serve(handler: object) -> None:
            if not filled:
                filled.append(True)
                fill(small_fs)
            serve(handler)  # type: ignore[arg-type]

        fake._get = fill_then_serve  # type: ignore[method-assign]
        (ws / "r.json").write_text(json.dumps(request(model="image-seedream-v5-lite-text", asset_id="b",
                                                      localAssetDir="assets/b")), encoding="utf-8")
        code, out = run_json(capsys, "image", "generate", "--request", "r.json", "--yes")
        assert code == 1, out
        assert "disk full" in json.dumps(out["error"]), out["error"]
        run = ws / "assets" / "b" / "runs" / "image" / "image-run-001"
        manifest = json.loads((run / "manifest.json").read_text())
        assert manifest["attemptState"] == "materialization_failed", manifest["attemptState"]
        assert "disk full" in json.dumps(manifest["materializationError"])
        assert _snapshot(ws / "assets" / "earlier") == earlier
        assert not list((ws / "assets" / "b" / "images" / "candidates").glob("*.png"))
        (small_fs / ".filler").unlink()  # room again: the same poll finishes the job without paying twice
        code, out = run_json(capsys, "image", "poll", "--request", "r.json")
        assert code == 0, out
        assert fake.received == 1
    assert json.loads((run / "manifest.json").read_text())["attemptState"] == "materialized"
    assert _leftovers(ws) == []


def test_an_image_job_holds_its_reserve_only_while_it_runs_and_sweeps_a_killed_ones(
        capsys: pytest.CaptureFixture[str], workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reserve of a job killed with -9 (its pid gone) is removed by the next job in that run folder."""
    from tests.fakes.image_requests import request

    dead = subprocess.Popen(["true"])
    dead.wait()  # a pid that no longer runs
    run = workspace / "assets" / "a" / "runs" / "image" / "image-run-001"
    run.mkdir(parents=True)
    stale = run / f".attempt.{dead.pid}.reserve"
    stale.write_bytes(b"\0" * 4096)
    live = run / f".attempt.{os.getppid()}.reserve"  # another live process's reserve is left alone
    live.write_bytes(b"\0" * 4096)
    (workspace / "r.json").write_text(json.dumps(request(asset_id="a", localAssetDir="assets/a")), encoding="utf-8")
    monkeypatch.chdir(workspace)
    code, out = run_json(capsys, "image", "generate", "--request", "r.json")
    assert code == 0, out
    assert not stale.exists() and live.exists()
    assert sorted(p.name for p in run.glob(".*.reserve")) == [live.name]  # ours was given back


def test_a_render_download_on_a_full_disk_records_it_and_a_later_poll_finishes(
        small_fs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same for render jobs: the manifest says materialization_failed (disk full), earlier files unchanged."""
    from reelforge.errors import DiskFullError
    from tests.fakes.ark_video_server import ArkVideoFake
    from tests.fakes.render_assets import runner, seedance, upstream

    ws = small_fs / "ws"
    ws.mkdir()
    upstream(ws)
    earlier = _snapshot(ws / "assets")
    with ArkVideoFake(plan=["succeeded"]) as fake:
        monkeypatch.setenv("ARK_API_KEY", fake.key)
        monkeypatch.setenv("REELFORGE_ARK_BASE_URL", fake.base + "/api/v3")
        serve = fake._get
        filled: list[bool] = []

        def fill_then_serve(handler: object) -> None:
            if getattr(handler, "path", "").startswith("/files/") and not filled:
                filled.append(True)
                fill(small_fs)
            serve(handler)  # type: ignore[arg-type]

        fake._get = fill_then_serve  # type: ignore[method-assign]
        run = runner(ws)
        prepared = run.prepare(seedance("sd-full"))
        with pytest.raises(DiskFullError):
            run.submit(prepared, wait=5)
        manifest = json.loads(prepared.paths.manifest.read_text())
        assert manifest["attemptState"] == "materialization_failed", manifest["attemptState"]
        assert manifest["status"] == "materialization_failed" and manifest["error"]["kind"] == "disk-full"
        assert _snapshot(ws / "assets") == earlier
        assert _leftovers(ws) == [] and not list(ws.rglob("*.reserve"))
        (small_fs / ".filler").unlink()
        assert runner(ws).poll("sd-full").status == "review_pending"
        assert fake.submits == 1
