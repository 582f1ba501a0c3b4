"""Where attachment bytes live, addressed by their SHA-256: a local directory by default, an
S3-compatible bucket for installs with more than one web server (`MITRA_STORAGE_URL`).

Content addressing makes every write idempotent: the same bytes always land under the same
name, so a retry, a second upload of the same file or an orphan left by a crashed request
costs nothing and can never overwrite other content.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from flask import Flask, current_app

SHA256 = re.compile(r"[0-9a-f]{64}")


class Store(Protocol):
    def put(self, data: bytes) -> str:
        """Keep `data`; answer its SHA-256 (hex), the name to get it back by."""
        ...

    def get(self, sha256: str) -> bytes:
        """The bytes kept under `sha256`; KeyError when there are none."""
        ...

    def exists(self, sha256: str) -> bool: ...


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _checked(sha256: str) -> str:
    # A name is a hex digest or nothing: no path can be smuggled into a file name or key.
    if not SHA256.fullmatch(sha256):
        raise KeyError(sha256)
    return sha256


class LocalStore:
    """`<root>/ab/cd/<sha256>`, each file written whole or not at all."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        name = _checked(sha256)
        return self.root / name[:2] / name[2:4] / name

    def put(self, data: bytes) -> str:
        sha256 = digest(data)
        target = self.path(sha256)
        if target.exists():
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        # A temporary file in the same directory, synced, then renamed over the name: a reader
        # (or a crash) sees the whole file or none, never a part of it.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return sha256

    def get(self, sha256: str) -> bytes:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise KeyError(sha256) from None

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()


class S3Store:
    """`s3://bucket/prefix`: each object named `<prefix>/<sha256>`; credentials, region and
    endpoint as boto3 reads them (AWS_* variables), the endpoint also from MITRA_S3_ENDPOINT_URL."""

    def __init__(self, bucket: str, prefix: str = "", client: Any = None, endpoint_url: str | None = None):
        if client is None:
            import boto3  # type: ignore[import-untyped]

            client = boto3.client("s3", endpoint_url=endpoint_url or None)
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    def key(self, sha256: str) -> str:
        name = _checked(sha256)
        return f"{self.prefix}/{name}" if self.prefix else name

    def put(self, data: bytes) -> str:
        sha256 = digest(data)
        if not self.exists(sha256):  # an object store's PUT is atomic: no temporary name needed
            self.client.put_object(Bucket=self.bucket, Key=self.key(sha256), Body=data)
        return sha256

    def get(self, sha256: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))
        except self.client.exceptions.NoSuchKey:
            raise KeyError(sha256) from None
        return answer["Body"].read()

    def exists(self, sha256: str) -> bool:
        from botocore.exceptions import ClientError  # type: ignore[import-untyped]

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True


def from_url(url: str, instance_path: str | Path, endpoint_url: str | None = None) -> Store:
    """The store a `MITRA_STORAGE_URL` names: empty for `<instance>/attachments`, a path
    (or file:// URL) for another directory, s3://bucket/prefix for a bucket."""
    if not url:
        return LocalStore(Path(instance_path) / "attachments")
    parts = urlsplit(url)
    if parts.scheme == "s3":
        return S3Store(parts.netloc, parts.path, endpoint_url=endpoint_url)
    if parts.scheme in ("", "file"):
        return LocalStore(parts.path if parts.scheme else url)
    raise ValueError(f"MITRA_STORAGE_URL must be a directory or s3://bucket/prefix, not {url!r}")


def init_app(app: Flask) -> None:
    app.extensions["mitra.storage"] = from_url(
        app.config.get("MITRA_STORAGE_URL") or "",
        app.config["INSTANCE_PATH"],
        app.config.get("MITRA_S3_ENDPOINT_URL"),
    )


def current() -> Store:
    """The app's attachment store."""
    return current_app.extensions["mitra.storage"]
