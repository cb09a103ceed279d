"""The unified asset store: review commands, the hero rule, unique names, concurrent index writers."""

from __future__ import annotations

import json
import multiprocessing
import threading
from pathlib import Path

import pytest

from reelforge.assets.store import AssetStore
from reelforge.cli.asset_cmd import asset_group
from reelforge.cli.image_cmd import image_group
from reelforge.cli.main import cli
from tests.cli_helpers import run_json
from tests.fakes.image_requests import request, runner

cli.add_command(image_group)
cli.add_command(asset_group)


def test_approve_reject_and_the_hero_is_only_ever_approved(capsys: pytest.CaptureFixture[str],
                                                          workspace: Path) -> None:
    run = runner(workspace)
    first = run.submit(run.prepare(request(), "text")).files[0]
    second = run.submit(run.prepare(request(runId="image-run-002"), "text")).files[0]
    assert first != second  # unique across runs (the original restarted at img-001)
    asset = workspace / "assets/female-1-cover-v1"
    assert json.loads((asset / "asset.json").read_text())["heroImagePath"] is None

    code, out = run_json(capsys, "asset", "approve", "female-1-cover-v1", Path(first).name)
    assert code == 0 and out["heroImagePath"] == f"images/approved/{Path(first).name}"
    assert (asset / out["heroImagePath"]).is_file() and not (asset / first).exists()
    code, out = run_json(capsys, "asset", "reject", "female-1-cover-v1", Path(second).name)
    assert code == 0 and out["state"] == "rejected" and out["heroImagePath"].startswith("images/approved/")
    code, out = run_json(capsys, "asset", "reject", "female-1-cover-v1", Path(first).name)
    assert code == 0 and out["heroImagePath"] is None and out["status"] == "review_pending"
    kinds = {e["path"]: e["kind"] for e in json.loads((asset / "index.json").read_text())["images"]}
    assert set(kinds.values()) == {"rejected"} and len(kinds) == 2
    code, out = run_json(capsys, "asset", "approve", "female-1-cover-v1", "nope.png")
    assert code == 3


def test_edit_uses_an_approved_source_and_records_lineage(workspace: Path) -> None:
    run = runner(workspace)
    first = run.submit(run.prepare(request(), "text")).files[0]
    store = AssetStore(workspace / "assets/female-1-cover-v1", "female-1-cover-v1")
    approved = store.review(Path(first).name, "approve")["path"]
    edit = run.prepare(request(runId="image-run-003", model="image-local-designed-edit", assetPurpose="edit_fix",
                               sourceImages=[approved]), "edit")
    result = run.submit(edit)
    manifest = json.loads(Path(result.manifest_path).read_text())
    assert manifest["derivedFrom"][0]["path"] == approved and len(manifest["derivedFrom"][0]["sha256"]) == 64
    assert manifest["mode"] == "edit" and manifest["personaId"] == "female-1"


def _writer(root: str, n: int, k: int) -> None:
    store = AssetStore(Path(root), "shared")
    for i in range(k):
        store.record_outputs("image", [{"path": f"images/candidates/p{n}-{i}.png", "kind": "candidate",
                                        "originRunId": f"run-{n}"}], run_id=f"run-{n}")


def test_concurrent_index_writers_lose_nothing(tmp_path: Path) -> None:
    root = tmp_path / "shared"
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(root), n, 15)) for n in range(4)]
    threads = [threading.Thread(target=_writer, args=(str(root), 10 + n, 15)) for n in range(4)]
    for w in [*procs, *threads]:
        w.start()
    for w in [*procs, *threads]:
        w.join()
    index = json.loads((root / "index.json").read_text())
    assert len(index["images"]) == 8 * 15
    assert json.loads((root / "asset.json").read_text())["assetId"] == "shared"


def test_rebuild_index_from_manifests(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    run = runner(workspace)
    files = run.submit(run.prepare(request(), "text")).files
    asset = workspace / "assets/female-1-cover-v1"
    (asset / "index.json").unlink()
    code, out = run_json(capsys, "asset", "rebuild-index", "female-1-cover-v1")
    assert code == 0 and [e["path"] for e in out["index"]["images"]] == files
