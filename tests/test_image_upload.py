"""S3-compatible upload (boto3 against moto's server on 127.0.0.1) and an Ark edit that consumes its URL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reelforge.assets.store import AssetStore
from reelforge.batch import api
from reelforge.errors import InvalidInputError
from tests.fakes.ark_server import ArkFake
from tests.fakes.image_requests import all_text, request, runner


@pytest.fixture
def s3(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing-access")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret-key-123")
    monkeypatch.setenv("REELFORGE_S3_BASE_URL", endpoint)
    monkeypatch.setenv("REELFORGE_S3_BUCKET", "reelforge-test")
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket="reelforge-test")
    try:
        yield endpoint
    finally:
        server.stop()


def _approved(workspace: Path) -> str:
    run = runner(workspace)
    first = run.submit(run.prepare(request(), "text")).files[0]
    store = AssetStore(workspace / "assets/female-1-cover-v1", "female-1-cover-v1")
    return store.review(Path(first).name, "approve")["path"]


def test_upload_then_ark_edit_consumes_a_presigned_url(s3: str, workspace: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    approved = _approved(workspace)
    edit_req = request(runId="image-run-002", model="image-seedream-v5-lite-edit", assetPurpose="edit_fix",
                       sourceImages=[approved])
    with ArkFake() as fake:
        monkeypatch.setenv("ARK_API_KEY", fake.key)
        monkeypatch.setenv("REELFORGE_ARK_BASE_URL", fake.base + "/api/v3")
        with pytest.raises(InvalidInputError, match="no uploaded copy"):  # URL-only vendor, no upload yet
            runner(workspace).prepare(edit_req, "edit")
        assert fake.submits == 0

        manifest = api.upload({"assetId": "female-1-cover-v1", "runId": "upload-run-001",
                               "localAssetDir": "assets/female-1-cover-v1", "localFilePath": approved},
                              workspace=workspace)
        assert manifest["storageReference"].startswith("s3://reelforge-test/reelforge/female-1-cover-v1/")
        assert "?" not in manifest["uploadedUrl"]
        index = json.loads((workspace / "assets/female-1-cover-v1/index.json").read_text())
        assert index["uploads"][0]["kind"] == "uploaded_source" and index["uploads"][0]["path"] == approved

        run = runner(workspace)
        result = run.submit(run.prepare(edit_req, "edit"))
        assert result.state == "materialized"
        sent = fake.requests[0]["image"]
        assert "X-Amz-Signature" in sent  # a freshly signed URL went on the wire...
        fetched = httpx.get(sent).content  # ...and it really serves the approved file
        assert fetched == (workspace / "assets/female-1-cover-v1" / approved).read_bytes()
    text = all_text(workspace)
    assert "Signature=" not in text and "testing-secret-key-123" not in text  # ...but was never stored
    again = api.upload({"assetId": "female-1-cover-v1", "runId": "upload-run-001",
                        "localAssetDir": "assets/female-1-cover-v1", "localFilePath": approved}, workspace=workspace)
    assert again["alreadyUploaded"] is True


def test_upload_with_bad_credentials_exits_5(s3: str, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    approved = _approved(workspace)
    monkeypatch.delenv("REELFORGE_S3_BUCKET")
    with pytest.raises(InvalidInputError, match="REELFORGE_S3_BUCKET"):
        api.upload({"assetId": "female-1-cover-v1", "runId": "u1", "localAssetDir": "assets/female-1-cover-v1",
                    "localFilePath": approved}, workspace=workspace)
