"""Uploads of local files for vendors that take URLs (S3-compatible storage)."""

from reelforge.providers.upload.s3 import presign_reference, upload_file

__all__ = ["presign_reference", "upload_file"]
