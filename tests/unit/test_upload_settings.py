"""MITRA_MAX_UPLOAD_MB and MITRA_STORAGE_URL, read once at start and refused when wrong."""

from __future__ import annotations

import pytest

from mitra import storage
from mitra.config import MEGABYTE, ConfigError, from_environment


@pytest.fixture
def environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MITRA_INSTANCE_PATH", str(tmp_path))
    for name in ("MITRA_MAX_UPLOAD_MB", "MITRA_STORAGE_URL", "MITRA_S3_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_ten_megabytes_by_default_and_json_stays_at_one(environment):
    settings = from_environment()
    assert settings["MITRA_MAX_UPLOAD_BYTES"] == 10 * MEGABYTE
    assert 10 * MEGABYTE < settings["MAX_CONTENT_LENGTH"] < 11 * MEGABYTE
    assert settings["MAX_JSON_BYTES"] == MEGABYTE
    assert settings["MITRA_STORAGE_URL"] == ""


def test_the_limit_follows_the_setting(environment):
    environment.setenv("MITRA_MAX_UPLOAD_MB", "25")
    assert from_environment()["MITRA_MAX_UPLOAD_BYTES"] == 25 * MEGABYTE


@pytest.mark.parametrize("value", ["0", "-1", "ten", "2.5"])
def test_a_limit_that_is_not_a_whole_number_of_megabytes_stops_the_start(environment, value):
    environment.setenv("MITRA_MAX_UPLOAD_MB", value)
    with pytest.raises(ConfigError, match="MITRA_MAX_UPLOAD_MB"):
        from_environment()


@pytest.mark.parametrize("value", ["attachments", "ftp://host/x", "s3://", "s3://ab/x"])
def test_a_storage_url_that_names_no_place_stops_the_start(environment, value):
    environment.setenv("MITRA_STORAGE_URL", value)
    with pytest.raises(ConfigError, match="MITRA_STORAGE_URL"):
        from_environment()


def test_each_url_names_its_store(tmp_path):
    assert storage.from_url("", tmp_path).root == tmp_path / "attachments"
    assert storage.from_url(f"file://{tmp_path}/lain", tmp_path).root == tmp_path / "lain"
    assert storage.from_url(f"{tmp_path}/lain", tmp_path).root == tmp_path / "lain"
    s3 = storage.from_url("s3://mitra-bukti/lampiran/2031", tmp_path, "http://127.0.0.1:9")
    assert (s3.bucket, s3.prefix) == ("mitra-bukti", "lampiran/2031")
