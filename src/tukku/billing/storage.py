"""Where report files live: a local directory by default, or S3-compatible object storage.

Both are real: the local one is a directory of files written atomically; the S3 one talks to
any S3-compatible service (AWS, MinIO, Ceph, ...) through boto3.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Protocol

from tukku.core.settings import Settings

CHUNK = 64 * 1024


class ReportStorage(Protocol):
    """Storage of report files by key."""

    def write(self, key: str) -> Any:
        """A context manager yielding a binary file; the file appears under `key` only when the
        block ends without error."""

    def read(self, key: str) -> Iterator[bytes]:
        """The file's bytes in chunks (FileNotFoundError if there is none)."""

    def delete(self, key: str) -> None:
        """Remove the file if it exists."""


class LocalStorage:
    """Files under a directory; a file is written beside its final name and renamed into place."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"storage key escapes the storage directory: {key}")
        return path

    @contextmanager
    def write(self, key: str) -> Iterator[IO[bytes]]:
        """Write to a temporary file, renamed to `key` on success."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as stream:
                yield stream
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def read(self, key: str) -> Iterator[bytes]:
        """Stream the file in 64 KiB chunks."""
        with self._path(key).open("rb") as stream:
            while chunk := stream.read(CHUNK):
                yield chunk

    def delete(self, key: str) -> None:
        """Remove the file; nothing happens if it is already gone."""
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """Objects in an S3-compatible bucket; files are spooled to local disk, then uploaded in
    parts, so memory stays bounded whatever their size."""

    def __init__(self, bucket: str, prefix: str, client: Any) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    @contextmanager
    def write(self, key: str) -> Iterator[IO[bytes]]:
        """Spool to a temporary file, then upload it (multipart for large files)."""
        with tempfile.TemporaryFile() as spool:
            yield spool
            spool.seek(0)
            self.client.upload_fileobj(spool, self.bucket, self._key(key))

    def read(self, key: str) -> Iterator[bytes]:
        """Stream the object in chunks."""
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except self.client.exceptions.NoSuchKey as exc:
            raise FileNotFoundError(key) from exc
        yield from body.iter_chunks(CHUNK)

    def delete(self, key: str) -> None:
        """Remove the object (S3 deletes are idempotent)."""
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))


def storage_from_settings(settings: Settings) -> ReportStorage:
    """The storage the settings choose (`TUKKU_REPORT_STORAGE`: `local` or `s3`)."""
    if settings.report_storage == "s3":
        import boto3  # an optional dependency: pip install 'tukku[s3]'

        if not settings.s3_bucket:
            raise ValueError("TUKKU_S3_BUCKET is required with TUKKU_REPORT_STORAGE=s3")
        client = boto3.client(
            "s3", endpoint_url=settings.s3_endpoint_url, region_name=settings.s3_region
        )
        return S3Storage(settings.s3_bucket, settings.s3_prefix, client)
    return LocalStorage(Path(settings.report_dir))
