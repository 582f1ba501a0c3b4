"""One contract for both attachment stores: a local directory, and an S3 bucket (moto's real
S3 server on loopback, spoken to by boto3 over HTTP)."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest

from mitra import storage

PHOTO = b"\xff\xd8\xff" + bytes(range(256)) * 40


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_client(s3_server, monkeypatch):
    import boto3

    for name, value in {
        "AWS_ACCESS_KEY_ID": "mitra-test",
        "AWS_SECRET_ACCESS_KEY": "mitra-test-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_server)
    bucket = f"mitra-{os.getpid()}-{threading.get_ident() % 10_000}"
    client.create_bucket(Bucket=bucket)
    yield client, bucket
    for found in client.list_objects_v2(Bucket=bucket).get("Contents", []):
        client.delete_object(Bucket=bucket, Key=found["Key"])
    client.delete_bucket(Bucket=bucket)


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return storage.from_url("", tmp_path)
    client, bucket = request.getfixturevalue("s3_client")
    return storage.from_url(f"s3://{bucket}/lampiran", tmp_path, client.meta.endpoint_url)


def test_put_answers_the_sha256_and_get_gives_the_same_bytes(store):
    sha256 = store.put(PHOTO)
    assert sha256 == hashlib.sha256(PHOTO).hexdigest()
    assert store.exists(sha256)
    assert store.get(sha256) == PHOTO


def test_the_same_bytes_twice_are_one_object(store):
    assert store.put(PHOTO) == store.put(PHOTO)
    assert store.get(store.put(PHOTO)) == PHOTO


def test_unknown_and_malformed_names_are_not_found(store):
    absent = hashlib.sha256(b"never stored").hexdigest()
    assert not store.exists(absent)
    with pytest.raises(KeyError):
        store.get(absent)
    for name in ("../../secret_key", "ab/" + absent, absent.upper(), ""):
        with pytest.raises(KeyError):
            store.get(name)


def test_the_local_store_lays_files_out_by_hash_and_leaves_no_temporary_file(tmp_path):
    store = storage.from_url("", tmp_path)
    names = [store.put(PHOTO), store.put(b"%PDF-1.4 laporan"), store.put(PHOTO)]
    root = tmp_path / "attachments"
    on_disk = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert on_disk == sorted(f"{n[:2]}/{n[2:4]}/{n}" for n in set(names))


def test_a_failed_local_write_leaves_neither_the_file_nor_a_temporary_one(tmp_path, monkeypatch):
    store = storage.from_url("", tmp_path)

    def disk_full(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", disk_full)
    with pytest.raises(OSError):
        store.put(PHOTO)
    assert not store.exists(hashlib.sha256(PHOTO).hexdigest())
    assert [p for p in (tmp_path / "attachments").rglob("*") if p.is_file()] == []


def test_the_s3_store_names_objects_under_its_prefix(s3_client, tmp_path):
    client, bucket = s3_client
    store = storage.from_url(f"s3://{bucket}/lampiran/", tmp_path, client.meta.endpoint_url)
    sha256 = store.put(PHOTO)
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [f"lampiran/{sha256}"]


def test_the_app_uses_the_store_its_url_names(app, s3_client):
    from mitra import create_app

    client, bucket = s3_client
    config = {
        **{k: app.config[k] for k in ("TESTING", "INSTANCE_PATH", "SQLALCHEMY_DATABASE_URI", "BROKER_URL")},
        "MITRA_STORAGE_URL": f"s3://{bucket}/x",
        "MITRA_S3_ENDPOINT_URL": client.meta.endpoint_url,
    }
    other = create_app(config)
    with other.app_context():
        assert isinstance(storage.current(), storage.S3Store)
    with app.app_context():
        assert isinstance(storage.current(), storage.LocalStore)
