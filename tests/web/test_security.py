"""CSRF on every form, other organisations' records are absent, session cookies and security
headers, and a session that ends on the server: at logout, at a password change or reset."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import time_machine

from events.types import utcnow
from mitra import config as config_module
from mitra import create_app
from mitra.extensions import db
from mitra.services import activities, collaborations
from tests.factories import PASSWORD
from tests.web.conftest import Visitor
from tests.web.pages import PAGES

NEW_PASSWORD = "kata sandi baru yang panjang"


def _status(world, c) -> str:
    db.session.expire_all()
    return collaborations.get(world.users["admin"], c).status


# -- CSRF ---------------------------------------------------------------------------------------


def test_login_without_its_csrf_token_is_refused(world):
    visitor = world.visitor()
    response = visitor.post(
        "/login", {"email": "mitra.bank@mitra.test", "password": PASSWORD}, with_token=False
    )
    assert response.status_code == 400
    assert "Permintaan tidak dapat dipahami" in response.text
    assert visitor.get("/account").status_code == 302  # not signed in


@pytest.mark.parametrize(
    ("who", "path", "data"),
    [
        ("partner", "/collaborations/{c}/accept", {}),
        ("partner", "/collaborations/{c}/decline", {"decline-reason": "Anggaran habis"}),
        ("partner", "/collaborations/{c}/request-info", {"request_info-question": "Berapa peserta?"}),
        ("manager", "/collaborations/{c}/cancel", {"cancel-reason": "Batal"}),
        ("partner", "/logout", {}),
        (
            "partner",
            "/account",
            {"name": "X", "language": "en", "zone": "Asia/Jakarta", "email_preference": "digest"},
        ),
        ("partner", "/notifications/read", {}),
        ("manager", "/collaborations/new", {"title": "Tanpa token"}),
        ("manager", "/partners/new", {"name": "Koperasi Tanpa Token", "type": "association"}),
    ],
)
def test_every_form_posted_without_its_token_is_refused_and_changes_nothing(world, who, path, data):
    c = world.proposal()
    visitor = world.visitor(who)
    response = visitor.post(path.format(c=c), data, with_token=False)
    assert response.status_code == 400
    assert _status(world, c) == "proposed"
    assert visitor.get("/account").status_code == 200  # still signed in: the logout was refused too


def test_the_api_takes_bearer_tokens_without_csrf(world):
    visitor = world.visitor()
    db.session.commit()  # the request runs beside the test's own session, as another process would
    response = visitor.client.post(
        "/api/v1/auth/tokens", json={"email": "mitra.bank@mitra.test", "password": PASSWORD}
    )
    assert response.status_code == 201


def test_a_session_cookie_does_not_open_the_api(world):
    visitor = world.visitor("partner")
    assert visitor.get("/api/v1/me").status_code == 401


# -- other organisations ------------------------------------------------------------------------


@pytest.mark.parametrize("intruder", ["other_partner", "other_manager"])
def test_another_organisations_proposal_is_not_found(world, intruder):
    c = world.proposal()
    visitor = world.visitor(intruder)
    assert visitor.get(f"/collaborations/{c}").status_code == 404
    for path, data in [
        ("accept", {}),
        ("decline", {"decline-reason": "x"}),
        ("request-info", {"request_info-question": "x"}),
        ("cancel", {"cancel-reason": "x"}),
    ]:
        assert visitor.post(f"/collaborations/{c}/{path}", data).status_code == 404, path
    assert _status(world, c) == "proposed"
    assert (
        "Pelatihan pemasaran digital"
        not in visitor.get("/inbox" if intruder == "other_partner" else "/collaborations").text
    )


def test_a_partner_never_sees_a_draft(world):
    draft = world.proposal(propose=False)
    assert world.visitor("partner").get(f"/collaborations/{draft}").status_code == 404


def test_another_centres_activity_is_not_found(world, ids):
    visitor = world.visitor("other_manager")
    assert visitor.get(f"/activities/{ids['a']}/report").status_code == 404
    response = visitor.post(f"/activities/{ids['a']}/report", {"participants": "10", "umkm_reached": "5"})
    assert response.status_code == 404
    db.session.expire_all()
    assert activities.get(world.users["admin"], ids["a"]).status == "planned"


# -- cookies and headers ------------------------------------------------------------------------


def _session_cookie(response) -> str:
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert cookies, "no session cookie set"
    return cookies[-1]


def test_the_session_cookie_is_httponly_and_samesite(world):
    visitor = world.visitor()
    visitor.get("/login")
    response = visitor.post("/login", {"email": "mitra.bank@mitra.test", "password": PASSWORD})
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_the_session_cookie_is_secure_outside_development(monkeypatch, tmp_path):
    monkeypatch.setenv("MITRA_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("MITRA_BASE_URL", "https://mitra.example.go.id")
    monkeypatch.setenv("MITRA_INSTANCE_PATH", str(tmp_path))
    settings = config_module.from_environment()
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_trusted_proxies_default_to_none_and_must_be_a_count(monkeypatch):
    monkeypatch.delenv("MITRA_TRUSTED_PROXIES", raising=False)
    assert config_module.from_environment()["MITRA_TRUSTED_PROXIES"] == 0
    monkeypatch.setenv("MITRA_TRUSTED_PROXIES", "2")
    assert config_module.from_environment()["MITRA_TRUSTED_PROXIES"] == 2
    for wrong in ("-1", "yes"):
        monkeypatch.setenv("MITRA_TRUSTED_PROXIES", wrong)
        with pytest.raises(config_module.ConfigError, match="MITRA_TRUSTED_PROXIES"):
            config_module.from_environment()


def test_secure_flag_reaches_the_cookie(app_config, server_app, world):
    server_app.config["SESSION_COOKIE_SECURE"] = True
    visitor = world.visitor()
    assert "Secure" in _session_cookie(visitor.get("/login", base_url="https://localhost"))


@pytest.fixture
def proxied_app(app_config, app):
    """The app as configured behind one reverse proxy (MITRA_TRUSTED_PROXIES=1)."""
    served = create_app({**app_config, "MITRA_TRUSTED_PROXIES": 1, "MITRA_BASE_URL": "https://mitra.example"})
    yield served
    with served.app_context():
        db.engine.dispose()


HTTPS_PROXY = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-For": "203.0.113.5",
    "X-Forwarded-Host": "mitra.example",
}


def test_behind_a_trusted_proxy_https_brings_hsts_and_secure_cookies(world, proxied_app):
    over_https = Visitor(proxied_app).get("/login", headers=HTTPS_PROXY)
    assert over_https.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Secure" in _session_cookie(over_https)
    over_http = Visitor(proxied_app).get("/login", headers={**HTTPS_PROXY, "X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in over_http.headers
    assert "Secure" not in _session_cookie(over_http)


def test_forwarded_headers_from_no_trusted_proxy_are_ignored(world):
    response = world.visitor().get("/login", headers=HTTPS_PROXY)
    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in _session_cookie(response)


def test_hsts_only_over_https(world):
    assert "Strict-Transport-Security" not in world.visitor().get("/login").headers
    response = world.visitor().get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Secure" in _session_cookie(response)


@pytest.mark.parametrize("path", ["/login", "/account/reset", "/does-not-exist"])
def test_security_headers(world, path):
    response = world.visitor().get(path)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_api_reference_page_may_style_itself_but_run_no_script(world):
    response = world.visitor().get("/api/docs")
    assert response.status_code == 200
    csp = dict(d.strip().split(" ", 1) for d in response.headers["Content-Security-Policy"].split(";"))
    assert csp["style-src"] == "'self' 'unsafe-inline'" and csp["script-src"] == "'self'"


@pytest.mark.parametrize("role", list(PAGES))
def test_no_page_carries_inline_script_or_style(world, ids, role):
    visitor = world.visitor(role)
    for path in [p.format(**ids) for p in PAGES[role]]:
        page = visitor.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), path
        assert not re.search(r"\son\w+=", page), path  # no event-handler attributes
        assert not re.search(r"<style|\sstyle=", page), path


# -- the session ends on the server -------------------------------------------------------------


def test_logout_ends_the_session_on_the_server(world):
    visitor = world.visitor("partner")
    stolen = visitor.client.get_cookie("session").value
    assert visitor.post("/logout").status_code == 302
    assert visitor.get("/inbox").status_code == 302
    replay = world.visitor()
    replay.client.set_cookie("session", stolen)
    response = replay.get("/inbox")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_password_change_ends_the_other_sessions(world):
    phone, laptop = world.visitor("manager"), world.visitor("manager")
    wrong = laptop.post(
        "/account/password",
        {"current_password": "salah sekali", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert wrong.status_code == 200 and "Kata sandi saat ini salah." in wrong.text
    short = laptop.post(
        "/account/password", {"current_password": PASSWORD, "new_password": "pendek", "confirm": "pendek"}
    )
    assert "paling sedikit 10 karakter" in short.text
    done = laptop.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert laptop.get("/centre").status_code == 200
    assert phone.get("/centre").status_code == 302
    assert world.visitor().login("manajer.malang@mitra.test", NEW_PASSWORD).status_code == 302


def test_failed_logins_are_generic_then_limited(world):
    visitor = world.visitor()
    for password in ["salah1", "salah2", "salah3", "salah4", "salah5"]:
        response = visitor.login("mitra.bank@mitra.test", password)
        assert response.status_code == 401
        assert "Alamat surel atau kata sandi salah, atau akun tidak aktif." in response.text
    unknown = visitor.login("tidak.ada@mitra.test", "apa saja")
    assert "Alamat surel atau kata sandi salah, atau akun tidak aktif." in unknown.text
    limited = visitor.login("mitra.bank@mitra.test", PASSWORD)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 15 * 60 + 1
    assert "Terlalu banyak percobaan masuk yang gagal" in limited.text
    elsewhere = world.visitor()  # the owner, from another address, still signs in
    elsewhere.client.environ_base["REMOTE_ADDR"] = "203.0.113.20"
    assert elsewhere.login("mitra.bank@mitra.test", PASSWORD).status_code == 302


# -- password reset -----------------------------------------------------------------------------


def _mails(folder: Path) -> list:
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.glob("*.eml"))]


def _reset_link(world) -> str:
    folder = Path(world.app.config["INSTANCE_PATH"]) / "mail"
    before = len(_mails(folder)) if folder.exists() else 0
    visitor = world.visitor()
    response = visitor.post("/account/reset", {"email": "Mitra.Bank@mitra.test"})
    assert response.status_code == 302
    mails = _mails(folder)
    assert len(mails) == before + 1
    mail = mails[-1]
    assert mail["To"] == "mitra.bank@mitra.test"
    body = mail.get_body(("plain",)).get_content()
    assert "Halo Petugas Bank," in body
    base = re.escape(world.app.config["MITRA_BASE_URL"])
    return re.search(base + r"(/account/reset/\S+)", body).group(1)


def test_a_reset_link_sets_a_new_password_once(world):
    link = _reset_link(world)
    signed_in = world.visitor("partner")
    visitor = world.visitor()
    assert visitor.get(link).status_code == 200
    response = visitor.post(link, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert visitor.get(link).status_code == 400  # used: the password it was made for is gone
    again = visitor.post(link, {"new_password": "lagi dan lagi sekali", "confirm": "lagi dan lagi sekali"})
    assert again.status_code == 400
    assert signed_in.get("/inbox").status_code == 302  # every session ended
    assert world.visitor().login("mitra.bank@mitra.test", PASSWORD).status_code == 401
    assert world.visitor().login("mitra.bank@mitra.test", NEW_PASSWORD).status_code == 302


def test_a_reset_link_expires_after_an_hour(world):
    link = _reset_link(world)
    with time_machine.travel(utcnow() + timedelta(minutes=61)):
        response = world.visitor().get(link)
    assert response.status_code == 400
    assert "Tautan tidak berlaku lagi" in response.text


def test_an_account_gets_at_most_three_reset_mails_an_hour(world):
    folder = Path(world.app.config["INSTANCE_PATH"]) / "mail"

    def ask() -> int:
        response = world.visitor().post(
            "/account/reset", {"email": "mitra.bank@mitra.test"}, follow_redirects=True
        )
        assert "Jika ada akun dengan alamat ini" in response.text  # the same answer every time
        return len(list(folder.glob("*.eml"))) if folder.exists() else 0

    before = len(list(folder.glob("*.eml"))) if folder.exists() else 0
    assert [ask() - before for _ in range(5)] == [1, 2, 3, 3, 3]
    with time_machine.travel(utcnow() + timedelta(minutes=61)):
        assert ask() - before == 4


def test_a_forged_link_is_refused(world):
    assert world.visitor().get("/account/reset/bukan-tautan-asli").status_code == 400


def test_an_unknown_address_gets_the_same_answer_and_no_mail(world):
    folder = Path(world.app.config["INSTANCE_PATH"]) / "mail"
    before = len(list(folder.glob("*.eml"))) if folder.exists() else 0
    response = world.visitor().post(
        "/account/reset", {"email": "tidak.ada@mitra.test"}, follow_redirects=True
    )
    assert "Jika ada akun dengan alamat ini" in response.text
    assert (len(list(folder.glob("*.eml"))) if folder.exists() else 0) == before


def _flashes(html: str) -> list[str]:
    return re.findall(r'<div class="flash[^"]*"[^>]*>(.*?)</div>', html, re.S)


def test_a_reset_request_answers_the_same_for_an_existing_and_an_unknown_account(world):
    answers = []
    for email in ["mitra.bank@mitra.test", "tidak.ada@mitra.test"]:
        visitor = world.visitor()
        response = visitor.post("/account/reset", {"email": email})
        page = visitor.get(response.headers["Location"])
        answers.append(
            (
                response.status_code,
                response.headers["Location"],
                response.data,
                sorted(response.headers.keys()),
                page.status_code,
                _flashes(page.text),
            )
        )
    assert answers[0] == answers[1]
    assert answers[0][0] == 302 and "Jika ada akun dengan alamat ini" in answers[0][-1][0]


def test_reset_requests_are_limited_per_address_whatever_they_ask_for(world):
    folder = Path(world.app.config["INSTANCE_PATH"]) / "mail"
    before = len(_mails(folder)) if folder.exists() else 0
    visitor = world.visitor()
    for n in range(10):
        assert visitor.post("/account/reset", {"email": f"tidak.ada.{n}@mitra.test"}).status_code == 302
    refused = [
        world.visitor().post("/account/reset", {"email": email})  # from the same address
        for email in ("tidak.ada@mitra.test", "mitra.bank@mitra.test")
    ]
    assert [r.status_code for r in refused] == [429, 429]  # the same for both: it says nothing of either
    assert _flashes(refused[0].text) == _flashes(refused[1].text)
    assert "Terlalu banyak permintaan dari jaringan Anda" in _flashes(refused[0].text)[0]
    assert 1 <= int(refused[1].headers["Retry-After"]) <= 3600 + 1
    assert (len(_mails(folder)) if folder.exists() else 0) == before  # and no mail went out
    elsewhere = world.visitor()
    elsewhere.client.environ_base["REMOTE_ADDR"] = "203.0.113.20"
    assert elsewhere.post("/account/reset", {"email": "mitra.bank@mitra.test"}).status_code == 302
    assert len(_mails(folder)) == before + 1
    with time_machine.travel(utcnow() + timedelta(minutes=61)):
        assert visitor.post("/account/reset", {"email": "tidak.ada@mitra.test"}).status_code == 302
