"""Absolute links come from MITRA_BASE_URL, never from the request's Host header; requests
for a host Mitra does not serve are refused."""

from __future__ import annotations

import pytest

from mitra import config as config_module
from mitra import create_app
from mitra.extensions import db
from mitra.links import absolute_url
from tests.workers import reminders_support as support

smtp_server = support.smtp_server
BASE = "https://mitra.example.go.id"


@pytest.fixture
def mailing_server(server_app, smtp_server):
    """The visitors' app sends real mail to the test's SMTP server and links to BASE."""
    server_app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_TIMEOUT_SECONDS=5, MITRA_BASE_URL=BASE
    )
    return smtp_server


def _ask_for_reset(world, host: str):
    visitor = world.visitor()
    token = visitor.token()  # the form, fetched from the real host
    cookie = visitor.client.get_cookie("session")
    visitor.client.set_cookie("session", cookie.value, domain=host)  # as a browser sent to evil.example
    db.session.commit()
    return visitor.client.post(
        "/account/reset", data={"email": "mitra.bank@mitra.test", "csrf_token": token}, headers={"Host": host}
    )


def _links_in(received) -> list[str]:
    body = received.message.get_body(("plain",)).get_content()
    return [word for word in body.split() if "://" in word]


def test_a_reset_asked_for_with_another_host_is_refused_and_sends_no_mail(world, mailing_server):
    response = _ask_for_reset(world, "evil.example")
    assert response.status_code == 400
    assert "evil.example" not in response.text
    assert mailing_server.take() == []


def test_the_reset_link_starts_with_the_base_url_whatever_host_the_request_named(world, mailing_server):
    # Even were the host check off (a proxy that rewrites Host, say), the link would not move.
    world.app.config["TRUSTED_HOSTS"] = None
    assert _ask_for_reset(world, "evil.example").status_code == 302
    [received] = mailing_server.take()
    assert received.to == "mitra.bank@mitra.test"
    links = _links_in(received)
    assert links and all(link.startswith(BASE + "/account/reset/") for link in links)
    assert "evil.example" not in received.message.as_string()
    # ... and the link works.
    path = links[0].removeprefix(BASE)
    assert world.visitor().get(path).status_code == 200


@pytest.mark.parametrize("path", ["/login", "/api/v1/me", "/healthz", "/does-not-exist"])
def test_requests_for_another_host_get_400(world, path):
    response = world.visitor().client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert world.visitor().client.get(path, headers={"Host": "127.0.0.1:5000"}).status_code != 400


def test_the_base_url_host_and_the_configured_extra_hosts_are_served(app_config):
    served = create_app({**app_config, "MITRA_BASE_URL": BASE, "MITRA_TRUSTED_HOSTS": ["mitra.internal"]})
    client = served.test_client()
    for host in ("mitra.example.go.id", "mitra.internal:8080", "localhost"):
        assert client.get("/login", headers={"Host": host}).status_code == 200, host
    assert client.get("/login", headers={"Host": "example.go.id"}).status_code == 400
    with served.app_context():
        db.engine.dispose()


def test_production_trusts_only_the_configured_hosts(app_config):
    served = create_app({**app_config, "MITRA_ENV": "production", "MITRA_BASE_URL": BASE})
    assert served.config["TRUSTED_HOSTS"] == ["mitra.example.go.id"]
    assert served.test_client().get("/login").status_code == 400  # the test client says "localhost"
    with served.app_context():
        db.engine.dispose()


def test_absolute_url_needs_no_request_and_keeps_a_path_prefix(app):
    app.config["MITRA_BASE_URL"] = "https://portal.example.go.id/mitra/"
    assert (
        absolute_url("web.accounts.reset_password", token="abc")
        == "https://portal.example.go.id/mitra/account/reset/abc"
    )
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert absolute_url("web.accounts.login", next="/inbox").startswith(
            "https://portal.example.go.id/mitra/login?next="
        )


# -- configuration ------------------------------------------------------------------------------


@pytest.fixture
def production(monkeypatch, tmp_path):
    monkeypatch.setenv("MITRA_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("MITRA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("MITRA_BASE_URL", raising=False)
    return monkeypatch


def test_production_without_a_base_url_does_not_start(production):
    with pytest.raises(config_module.ConfigError, match="MITRA_BASE_URL is required"):
        config_module.from_environment()


@pytest.mark.parametrize(
    "value",
    [
        "mitra.example.go.id",
        "ftp://mitra.example.go.id",
        "/mitra",
        "https://",
        "https://mitra.example.go.id/?next=x",
    ],
)
def test_a_base_url_that_is_not_an_absolute_http_url_is_refused(production, value):
    production.setenv("MITRA_BASE_URL", value)
    with pytest.raises(config_module.ConfigError, match="absolute http"):
        config_module.from_environment()


def test_a_base_url_is_taken_as_given_less_its_trailing_slash(production):
    production.setenv("MITRA_BASE_URL", "https://mitra.example.go.id/")
    assert config_module.from_environment()["MITRA_BASE_URL"] == "https://mitra.example.go.id"


def test_development_links_to_the_address_mitra_up_prints(monkeypatch, tmp_path):
    monkeypatch.setenv("MITRA_ENV", "development")
    monkeypatch.setenv("MITRA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("MITRA_BASE_URL", raising=False)
    monkeypatch.delenv("MITRA_HOST", raising=False)
    monkeypatch.delenv("MITRA_PORT", raising=False)
    assert config_module.from_environment()["MITRA_BASE_URL"] == "http://127.0.0.1:5000"
    monkeypatch.setenv("MITRA_HOST", "192.168.1.20")
    monkeypatch.setenv("MITRA_PORT", "8000")
    monkeypatch.setenv("MITRA_TRUSTED_HOSTS", "mitra.lan, mitra.internal,")
    settings = config_module.from_environment()
    assert settings["MITRA_BASE_URL"] == "http://192.168.1.20:8000"
    assert settings["MITRA_TRUSTED_HOSTS"] == ["mitra.lan", "mitra.internal"]
