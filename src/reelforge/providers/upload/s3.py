"""Upload to S3-compatible storage with boto3 (extra ``images``); URLs are presigned on demand.

The endpoint comes from ``REELFORGE_S3_BASE_URL`` (any S3-compatible store; unset: AWS), the bucket from
``REELFORGE_S3_BUCKET``, credentials from the standard AWS environment variables. A presigned URL carries
its signature in the query string, so it is never stored: the store keeps ``s3://bucket/key`` and a fresh
URL is signed in memory when an edit needs one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reelforge.config import environ_value
from reelforge.errors import AuthRequiredError, InvalidInputError, ProviderUnavailableError

PRESIGN_SECONDS = 3600
CREDENTIAL_ENV = "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"


def _client() -> Any:
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise ProviderUnavailableError("boto3 is not installed", hint="pip install 'reelforge[images]'") from None
    endpoint = environ_value("REELFORGE_S3_BASE_URL")
    return boto3.client("s3", endpoint_url=endpoint, region_name=environ_value("AWS_REGION") or "us-east-1",
                        config=Config(signature_version="s3v4", retries={"max_attempts": 3, "mode": "standard"},
                                      s3={"addressing_style": "path"}))


def bucket_name() -> str:
    bucket = environ_value("REELFORGE_S3_BUCKET") or ""
    if not bucket:
        raise InvalidInputError("REELFORGE_S3_BUCKET is not set", hint="export REELFORGE_S3_BUCKET=<bucket name>")
    return bucket


def public_url(bucket: str, key: str) -> str:
    endpoint = (environ_value("REELFORGE_S3_BASE_URL") or "https://s3.amazonaws.com").rstrip("/")
    return f"{endpoint}/{bucket}/{key}"


def upload_file(path: Path, *, key: str, mime: str) -> dict[str, Any]:
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    bucket = bucket_name()
    client = _client()
    try:
        with path.open("rb") as handle:
            answer = client.put_object(Bucket=bucket, Key=key, Body=handle, ContentType=mime)
    except NoCredentialsError:
        raise AuthRequiredError("no S3 credentials found", hint=f"export {CREDENTIAL_ENV}") from None
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if status in (401, 403) or code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
            raise AuthRequiredError(f"S3 refused the upload ({code})", hint=f"check {CREDENTIAL_ENV}") from None
        raise ProviderUnavailableError(f"S3 upload failed ({code or status})",
                                       hint="check REELFORGE_S3_BASE_URL and REELFORGE_S3_BUCKET") from None
    except BotoCoreError as exc:
        raise ProviderUnavailableError(f"S3 upload failed: {type(exc).__name__}",
                                       hint="check REELFORGE_S3_BASE_URL and the network") from None
    return {"storageReference": f"s3://{bucket}/{key}", "uploadedUrl": public_url(bucket, key), "bucket": bucket,
            "key": key, "etag": str(answer.get("ETag", "")).strip('"')}


def presign_reference(entry: dict[str, Any]) -> str:
    """A fresh GET URL for an uploaded file; held in memory only."""
    ref = str(entry.get("storageReference", ""))
    if not ref.startswith("s3://"):
        raise InvalidInputError(f"upload entry {entry.get('path')} has no s3:// reference",
                                hint="upload the file again: reelforge image upload")
    bucket, key = ref[5:].split("/", 1)
    return str(_client().generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key},
                                                ExpiresIn=PRESIGN_SECONDS))
