"""Where report files live: a local directory, or S3-compatible object storage.

S3 is tested for real: moto's S3 server runs in this process on a free local port and boto3
talks HTTP to it, exactly as it would to MinIO or AWS.
"""

from __future__ import annotations

import csv
import io
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from fastapi.testclient import TestClient
from moto.server import ThreadedMotoServer

from tests.conftest import Partner, drain
from tests.support import provision_customer, provision_subscriber
from tukku.billing.storage import LocalStorage, S3Storage
from tukku.core.clock import ManualClock
from tukku.core.settings import Settings

REGION = "us-east-1"
PREFIX = "billing-reports"


class Boom(Exception):
    """Something failing halfway through writing a report."""


def payload(size: int) -> bytes:
    """`size` bytes that are not all alike, so a reordered or dropped chunk would show."""
    return (b"".join(i.to_bytes(4, "big") for i in range(size // 4 + 1)))[:size]


def write_then_fail(storage: LocalStorage | S3Storage, key: str, data: bytes) -> None:
    """Start writing `key`, then fail before the write is finished."""
    with storage.write(key) as stream:
        stream.write(data)
        raise Boom


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


# -- local directory -------------------------------------------------------------------------------


@pytest.fixture
def local(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "reports")


def test_local_write_then_read_gives_the_same_bytes(local: LocalStorage) -> None:
    data = payload(300_000)  # several read chunks

    with local.write("partner-1/report-1.csv") as stream:
        stream.write(data[:1000])
        stream.write(data[1000:])

    assert b"".join(local.read("partner-1/report-1.csv")) == data
    assert files_under(local.root) == [local.root / "partner-1" / "report-1.csv"]


def test_local_failed_write_leaves_no_file_and_no_partial_file(local: LocalStorage) -> None:
    with pytest.raises(Boom):
        write_then_fail(local, "partner-1/report-1.csv", b"PARTNER_NAME,PARTNER_ORG_ID\n" * 1000)

    assert files_under(local.root) == []
    with pytest.raises(FileNotFoundError):
        b"".join(local.read("partner-1/report-1.csv"))


def test_local_failed_rewrite_keeps_the_earlier_file_whole(local: LocalStorage) -> None:
    with local.write("p/r.csv") as stream:
        stream.write(b"first version\n")

    with pytest.raises(Boom):
        write_then_fail(local, "p/r.csv", b"second version, never finished")

    assert b"".join(local.read("p/r.csv")) == b"first version\n"
    assert files_under(local.root) == [local.root / "p" / "r.csv"]


@pytest.mark.parametrize(
    "key", ["../outside.csv", "p/../../outside.csv", "{absolute}", "link/outside.csv"]
)
def test_local_key_escaping_the_directory_is_refused(
    local: LocalStorage, tmp_path: Path, key: str
) -> None:
    key = key.format(absolute=tmp_path / "outside.csv")
    local.root.mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (local.root / "link").symlink_to(tmp_path / "elsewhere")
    victim = tmp_path / "outside.csv"
    victim.write_bytes(b"not a report")

    with pytest.raises(ValueError, match="escapes"), local.write(key) as stream:
        stream.write(b"x")
    with pytest.raises(ValueError, match="escapes"):
        b"".join(local.read(key))
    with pytest.raises(ValueError, match="escapes"):
        local.delete(key)

    assert victim.read_bytes() == b"not a report"
    assert files_under(tmp_path / "elsewhere") == []
    assert files_under(local.root) == []


def test_local_delete_removes_the_file_and_is_idempotent(local: LocalStorage) -> None:
    with local.write("p/r.csv") as stream:
        stream.write(b"data")

    local.delete("p/r.csv")
    local.delete("p/r.csv")

    assert files_under(local.root) == []


# -- S3: a real S3-compatible server -------------------------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server, in this process, on a free port of the loopback interface."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Credentials for the fake server only (and no real AWS configuration read)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)


@pytest.fixture
def s3(s3_endpoint: str, aws_env: None) -> Any:
    return boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION)


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"reports-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def keys(s3: Any, bucket: str, prefix: str = "") -> list[str]:
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return sorted(o["Key"] for o in listed.get("Contents", []))


def object_bytes(s3: Any, bucket: str, key: str) -> bytes:
    body: bytes = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    return body


def test_s3_write_then_read_gives_the_same_bytes_under_the_prefix(s3: Any, bucket: str) -> None:
    storage = S3Storage(bucket, f"/{PREFIX}/", s3)
    data = payload(300_000)

    with storage.write("partner-1/report-1.csv") as stream:
        stream.write(data)

    assert keys(s3, bucket) == [f"{PREFIX}/partner-1/report-1.csv"]
    assert object_bytes(s3, bucket, f"{PREFIX}/partner-1/report-1.csv") == data
    assert b"".join(storage.read("partner-1/report-1.csv")) == data


def test_s3_large_file_goes_up_in_parts_and_comes_back_whole(s3: Any, bucket: str) -> None:
    storage = S3Storage(bucket, PREFIX, s3)
    data = payload(9 * 1024 * 1024)  # above boto3's 8 MiB multipart threshold

    with storage.write("p/big.csv") as stream:
        for start in range(0, len(data), 1 << 20):
            stream.write(data[start : start + (1 << 20)])

    head = s3.head_object(Bucket=bucket, Key=f"{PREFIX}/p/big.csv")
    assert head["ContentLength"] == len(data)
    assert "-" in head["ETag"]  # a multipart upload's ETag is "<md5>-<parts>"
    assert b"".join(storage.read("p/big.csv")) == data


def test_s3_failed_write_uploads_nothing(s3: Any, bucket: str) -> None:
    storage = S3Storage(bucket, PREFIX, s3)

    with pytest.raises(Boom):
        write_then_fail(storage, "p/r.csv", b"half a report")

    assert keys(s3, bucket) == []


def test_s3_missing_object_reads_as_file_not_found(s3: Any, bucket: str) -> None:
    storage = S3Storage(bucket, PREFIX, s3)

    with pytest.raises(FileNotFoundError):
        b"".join(storage.read("p/never-written.csv"))


def test_s3_delete_removes_the_object_and_is_idempotent(s3: Any, bucket: str) -> None:
    storage = S3Storage(bucket, PREFIX, s3)
    with storage.write("p/r.csv") as stream:
        stream.write(b"data")
    with storage.write("p/other.csv") as stream:
        stream.write(b"kept")

    storage.delete("p/r.csv")
    storage.delete("p/r.csv")

    assert keys(s3, bucket) == [f"{PREFIX}/p/other.csv"]


# -- the whole report flow on S3, through the app --------------------------------------------------


@pytest.fixture
def settings(
    database_url: str, s3_endpoint: str, bucket: str, aws_env: None, tmp_path: Path
) -> Settings:
    """The app stores reports in the S3 bucket; the local report directory must stay unused."""
    return Settings(
        database_url=database_url,
        sandbox=False,
        public_base_url="http://tukku.test",
        job_retry_base_seconds=0.01,
        report_storage="s3",
        s3_bucket=bucket,
        s3_endpoint_url=s3_endpoint,
        s3_region=REGION,
        report_dir=str(tmp_path / "local-reports"),
    )


def test_report_on_s3_downloads_through_its_link_and_goes_with_the_report(
    app_client: TestClient,
    partner: Partner,
    clock: ManualClock,
    s3: Any,
    bucket: str,
    settings: Settings,
) -> None:
    customer = provision_customer(app_client, partner)
    subscriber = provision_subscriber(app_client, partner, customer["id"])  # 3 Jan 09:00
    clock.set(datetime(2027, 1, 5, 8, 0, tzinfo=UTC))
    created = app_client.post(
        "/v1/wholesale/billing/reports",
        json={"billingStartDate": "2027-01-03", "billingEndDate": "2027-01-04", "type": "USER"},
        headers=partner.headers,
    )
    assert created.status_code == 200, created.text
    url = f"/v1/wholesale/billing/reports/{created.json()['id']}"
    drain(app_client)
    report = app_client.get(url, headers=partner.headers).json()
    assert report["status"] == "COMPLETED", report

    downloaded = app_client.get(report["tempDownloadURL"])

    assert downloaded.status_code == 200
    assert downloaded.headers["content-type"].startswith("text/csv")
    stored = keys(s3, bucket)
    assert len(stored) == 1
    assert stored[0].startswith(f"{PREFIX}/")
    assert object_bytes(s3, bucket, stored[0]) == downloaded.content
    assert not os.path.exists(settings.report_dir)
    (row,) = csv.DictReader(io.StringIO(downloaded.text))
    assert row["SUBSCRIBER_ID"] == subscriber["id"]
    assert Decimal(row["QUANTITY"]) == Decimal("1.625")  # 15 h of 3 Jan + all of 4 Jan

    deleted = app_client.delete(url, headers=partner.headers)
    drain(app_client)

    assert deleted.status_code == 204
    assert keys(s3, bucket) == []
    assert app_client.get(report["tempDownloadURL"]).status_code == 404


def test_link_to_an_object_gone_from_the_bucket_is_404(
    app_client: TestClient, partner: Partner, s3: Any, bucket: str
) -> None:
    created = app_client.post(
        "/v1/wholesale/billing/reports",
        json={"billingStartDate": "2026-12-01", "billingEndDate": "2026-12-31"},
        headers=partner.headers,
    )
    drain(app_client)
    report = app_client.get(
        f"/v1/wholesale/billing/reports/{created.json()['id']}", headers=partner.headers
    ).json()
    (key,) = keys(s3, bucket)
    s3.delete_object(Bucket=bucket, Key=key)

    response = app_client.get(report["tempDownloadURL"])

    assert response.status_code == 404
    assert [e["errorCode"] for e in response.json()["errors"]] == [2024]
