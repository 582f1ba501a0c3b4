"""Links that leave the site start with MITRA_BASE_URL, never with the Host a client sent."""

from __future__ import annotations

import pytest
from flask import Flask

from mitra import links
from mitra.config import ConfigError, check_base_url


def make_app(base_url: str = "https://mitra.example.go.id/", env: str = "production", **config) -> Flask:
    app = Flask(__name__)
    app.config.update(MITRA_BASE_URL=base_url, MITRA_ENV=env, **config)
    app.add_url_rule("/reset/<token>", "reset", lambda token: "reset")
    app.add_url_rule("/collaborations/<int:ident>", "collaboration", lambda ident: "page")
    links.init_app(app)
    return app


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("https://mitra.example.go.id", "https://mitra.example.go.id"),
        ("https://mitra.example.go.id/", "https://mitra.example.go.id"),
        ("  http://127.0.0.1:5000  ", "http://127.0.0.1:5000"),
        ("https://kemenkop.go.id/mitra/", "https://kemenkop.go.id/mitra"),
    ],
)
def test_a_base_url_is_kept_without_its_trailing_slash(value, kept):
    assert check_base_url(value) == kept


@pytest.mark.parametrize(
    "value",
    [
        "mitra.example.go.id",
        "ftp://mitra.example.go.id",
        "https://",
        "https://x.go.id/?a=1",
        "https://x.go.id/#top",
        "",
    ],
)
def test_anything_but_an_absolute_http_url_is_refused_at_start(value):
    with pytest.raises(ConfigError, match="MITRA_BASE_URL must be an absolute http:// or https:// URL"):
        check_base_url(value)


def test_a_link_is_built_from_the_base_url_without_a_request():
    app = make_app()
    with app.app_context():
        assert links.base_url() == "https://mitra.example.go.id"
        assert links.absolute("/collaborations") == "https://mitra.example.go.id/collaborations"
        assert links.absolute("collaborations") == "https://mitra.example.go.id/collaborations"
        assert links.absolute_url("reset", token="abc") == "https://mitra.example.go.id/reset/abc"


def test_a_link_under_a_path_prefix_keeps_the_prefix():
    app = make_app("https://kemenkop.go.id/mitra")
    with app.app_context():
        assert links.absolute_url("collaboration", ident=7) == "https://kemenkop.go.id/mitra/collaborations/7"


def test_a_link_ignores_the_host_the_request_named():
    app = make_app()
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert links.absolute_url("reset", token="abc") == "https://mitra.example.go.id/reset/abc"


@pytest.mark.parametrize(
    ("anchor", "tail"),
    [
        ("activities", "#activities"),
        ("kegiatan 2", "#kegiatan%202"),
        ("a/b?c", "#a/b?c"),
        ("<x>", "#%3Cx%3E"),
    ],
)
def test_an_anchor_is_quoted_onto_the_link(anchor, tail):
    app = make_app()
    with app.app_context():
        url = links.absolute_url("collaboration", ident=7, _anchor=anchor)
    assert url == "https://mitra.example.go.id/collaborations/7" + tail


def test_query_arguments_are_encoded_onto_the_link():
    app = make_app()
    with app.app_context():
        url = links.absolute_url("collaboration", ident=7, lang="en", q="kopi gayo")
    assert url == "https://mitra.example.go.id/collaborations/7?lang=en&q=kopi+gayo"


# -- which hosts requests may name ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "hosts"),
    [
        (
            {"MITRA_BASE_URL": "https://Mitra.Example.go.id", "MITRA_ENV": "production"},
            ["mitra.example.go.id"],
        ),
        (
            {
                "MITRA_BASE_URL": "https://mitra.example.go.id",
                "MITRA_ENV": "production",
                "MITRA_TRUSTED_HOSTS": ["Intranet.local"],
            },
            ["mitra.example.go.id", "intranet.local"],
        ),
        (
            {"MITRA_BASE_URL": "http://127.0.0.1:5000", "MITRA_ENV": "development"},
            ["127.0.0.1", "localhost"],
        ),
        (
            {"MITRA_BASE_URL": "https://mitra.example.go.id", "MITRA_ENV": "test"},
            ["mitra.example.go.id", "localhost", "127.0.0.1"],
        ),
    ],
)
def test_requests_may_name_the_base_urls_host_the_configured_ones_and_loopback_outside_production(
    config, hosts
):
    assert links.trusted_hosts(config) == hosts


def test_a_request_naming_another_host_is_refused_before_anything_runs():
    app = make_app()
    reached = []
    app.before_request(lambda: reached.append("authentication"))
    response = app.test_client().get("/reset/abc", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.get_data(as_text=True) == "400 Bad Request: unknown host\n"
    assert reached == []


def test_a_request_naming_the_base_urls_host_is_served():
    app = make_app()
    response = app.test_client().get("/reset/abc", headers={"Host": "mitra.example.go.id"})
    assert response.status_code == 200


def test_loopback_is_refused_in_production_and_served_in_development():
    assert make_app().test_client().get("/reset/x", headers={"Host": "localhost"}).status_code == 400
    development = make_app(env="development")
    assert development.test_client().get("/reset/x", headers={"Host": "localhost"}).status_code == 200


def test_trusted_hosts_set_explicitly_are_left_as_they_are():
    app = make_app(TRUSTED_HOSTS=["only.example"])
    assert app.config["TRUSTED_HOSTS"] == ["only.example"]


def test_a_bad_base_url_stops_the_app_from_starting():
    with pytest.raises(ConfigError):
        make_app("mitra.example.go.id")
