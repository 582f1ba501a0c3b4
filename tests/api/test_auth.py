"""Bearer tokens: issued for a password, stored hashed, expiring, revocable; failed sign-ins
are throttled per (account, address) and per address, never for the owner elsewhere, with one
message, all in the audit trail; a refused attempt writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from argon2 import PasswordHasher
from sqlalchemy import func, select

from mitra import create_app
from mitra.extensions import db
from mitra.models import ApiToken, AuditEntry, ThrottleCounter
from mitra.security.tokens import token_hash
from tests.factories import PASSWORD, UserFactory
from tests.workers import reminders_support

TOKENS = "/api/v1/auth/tokens"
smtp_server, mail_to_smtp = reminders_support.smtp_server, reminders_support.mail_to_smtp


@pytest.fixture
def proxied_client(app, app_config):
    """A client of the app as configured behind one reverse proxy (MITRA_TRUSTED_PROXIES=1)."""
    served = create_app({**app_config, "MITRA_TRUSTED_PROXIES": 1})
    yield served.test_client()
    with served.app_context():
        db.engine.dispose()


def sign_in(client, email, password=PASSWORD, address="192.0.2.10", **kwargs):
    return client.post(
        TOKENS, json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}, **kwargs
    )


def quick_hash(user) -> None:
    """Give `user` PASSWORD under a cheap Argon2 hash: a wrong password is checked at the cost
    the stored hash names, and these tests check many (the throttles do not look at it). A
    successful sign-in rehashes it at full cost."""
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    db.session.commit()


def stored_rows() -> tuple[int, int]:
    """(throttle counters, audit entries): what sign-in attempts can leave in the database."""
    counted = (
        db.session.scalar(select(func.count()).select_from(ThrottleCounter)),
        db.session.scalar(select(func.count()).select_from(AuditEntry)),
    )
    db.session.commit()  # SQLite: a read holds the write lock the next request needs
    return counted


def test_a_token_is_returned_once_and_stored_only_as_its_hash(world):
    response = sign_in(world.client, "Manajer.Malang@mitra.test ")
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    token = response.get_json()["token"]
    stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored and token_hash(token) in stored
    expires = datetime.fromisoformat(response.get_json()["expires_at"])
    assert timedelta(hours=11, minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=12)
    me = world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["email"] == "manajer.malang@mitra.test" and me["role"] == "centre_manager"
    assert me["centre_id"] == world.ids["centre"]


def test_unknown_email_wrong_password_and_inactive_account_get_one_message(world):
    world.users["other_partner"].is_active = False
    db.session.commit()
    answers = [
        sign_in(world.client, "nobody@mitra.test", address="192.0.2.1"),
        sign_in(world.client, "manajer.malang@mitra.test", "wrong password", address="192.0.2.2"),
        sign_in(world.client, "mitra.telko@mitra.test", address="192.0.2.3"),
    ]
    assert {a.status_code for a in answers} == {401}
    assert len({a.get_json()["message"] for a in answers}) == 1
    failures = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login_failed")).all()
    assert [f.actor for f in failures] == ["anonymous"] * 3
    assert [f.after["reason"] for f in failures] == ["unknown_email", "wrong_password", "inactive"]


def test_every_sign_in_is_audited(world):
    sign_in(world.client, "mitra.bank@mitra.test")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login")).one()
    assert entry.actor == world.users["partner"].actor and entry.after["address"] == "192.0.2.10"


def test_failures_from_one_address_shut_only_that_address_out_of_the_account(world):
    email, attacker, owner_at_home = "manajer.malang@mitra.test", "198.51.100.7", "203.0.113.20"
    quick_hash(world.users["manager"])
    answers = [sign_in(world.client, email, "wrong", address=attacker).status_code for _ in range(6)]
    assert answers == [401] * 5 + [429]
    refused = sign_in(world.client, email, address=attacker)  # even the right password
    assert refused.status_code == 429 and refused.get_json()["code"] == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 15 * 60 + 1
    assert sign_in(world.client, email, address=owner_at_home).status_code == 201  # the owner gets in
    assert sign_in(world.client, email, address=attacker).status_code == 429  # ... and the attacker not
    assert sign_in(world.client, "mitra.bank@mitra.test", address=attacker).status_code == 201

    before = stored_rows()
    for _ in range(500):
        assert sign_in(world.client, email, "wrong", address=attacker).status_code == 429
    assert stored_rows() == before  # a refused attempt writes nothing: the flood costs no rows
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=16)):
        assert sign_in(world.client, email, address=attacker).status_code == 201


def test_an_unknown_account_is_throttled_like_a_real_one(world):
    answers = [
        sign_in(world.client, "nobody@mitra.test", "x", address="198.51.100.8").status_code for _ in range(6)
    ]
    assert answers == [401] * 5 + [429]  # the throttle tells nothing about who has an account


def test_twenty_failures_from_one_address_lock_that_address(world):
    for n in range(20):
        assert sign_in(world.client, f"guess{n}@mitra.test", "x", address="203.0.113.7").status_code == 401
    assert sign_in(world.client, "mitra.bank@mitra.test", address="203.0.113.7").status_code == 429
    assert sign_in(world.client, "mitra.bank@mitra.test", address="203.0.113.8").status_code == 201
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("auth.login_%")).order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries].count("auth.login_failed") == 20  # the refusal is not one
    throttled = [e.after for e in entries if e.action == "auth.login_throttled"]
    assert throttled == [{"email": "guess19@mitra.test", "address": "203.0.113.7", "scope": "login_address"}]


def test_a_success_forgives_the_addresss_earlier_failures_for_the_account(world):
    email = "manajer.malang@mitra.test"
    quick_hash(world.users["manager"])
    for _ in range(4):
        sign_in(world.client, email, "wrong")
    assert sign_in(world.client, email).status_code == 201
    quick_hash(world.users["manager"])  # the sign-in rehashed the password at full cost
    for _ in range(4):
        assert sign_in(world.client, email, "wrong").status_code == 401
    assert sign_in(world.client, email).status_code == 201


def test_past_the_ceiling_the_owner_and_the_ministry_admins_are_mailed_once(world, mail_to_smtp):
    email = "manajer.malang@mitra.test"
    quick_hash(world.users["manager"])
    spare_admin = UserFactory(email="admin.cadangan@mitra.test", role="ministry_admin", language="en")
    UserFactory(email="admin.lama@mitra.test", role="ministry_admin", is_active=False)

    def fail_from(addresses) -> None:
        for address in addresses:
            for _ in range(5):  # each address up to its own limit
                assert sign_in(world.client, email, "wrong", address=address).status_code == 401

    fail_from(f"198.51.100.{n}" for n in range(9))
    assert mail_to_smtp.take() == []  # 45 failures: under the ceiling
    fail_from(["198.51.100.9"])  # the 50th
    received = {m.to: m for m in mail_to_smtp.take()}
    assert set(received) == {email, "admin@mitra.test", spare_admin.email}  # one each, nobody else
    to_owner, to_admin = received[email], received[spare_admin.email]
    assert to_owner.subject == "Mitra: banyak percobaan masuk yang gagal ke akun Anda"
    assert "50 percobaan masuk ke akun Mitra Anda gagal, dari 10 alamat jaringan" in to_owner.part("plain")
    assert "Akun Anda tidak dikunci" in to_owner.part("plain")
    assert to_admin.subject == f"Mitra: many failed sign-ins to the account {email}"  # in their language
    assert f"50 attempts to sign in to the Mitra account {email} failed" in to_admin.part("plain")

    fail_from(f"198.51.100.{n}" for n in range(10, 14))  # more failures, the same window
    assert mail_to_smtp.take() == []
    assert sign_in(world.client, email, address="203.0.113.20").status_code == 201  # never locked out
    quick_hash(world.users["manager"])  # the sign-in rehashed the password at full cost
    alarms = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login_ceiling_reached"))
    assert [a.subject_id for a in alarms] == [world.users["manager"].id]
    db.session.commit()
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=61)):  # a new window
        fail_from(f"192.0.2.{n}" for n in range(100, 110))
        assert sorted(m.to for m in mail_to_smtp.take()) == sorted(received)


def test_behind_a_trusted_proxy_each_forwarded_client_counts_alone(world, proxied_client):
    email = "manajer.malang@mitra.test"
    quick_hash(world.users["manager"])
    # A client may send its own X-Forwarded-For: the proxy appends the address it saw, and
    # only that last one (MITRA_TRUSTED_PROXIES=1 hop) is believed.
    for forged in ["", "10.9.9.9, ", "10.0.0.2, "]:
        response = sign_in(
            proxied_client,
            email,
            "wrong",
            address="127.0.0.1",
            headers={"X-Forwarded-For": f"{forged}10.0.0.1"},
        )
        assert response.status_code == 401
    for _ in range(2):
        sign_in(proxied_client, email, "wrong", address="127.0.0.1", headers={"X-Forwarded-For": "10.0.0.1"})
    through_proxy = {"address": "127.0.0.1", "headers": {"X-Forwarded-For": "10.0.0.1"}}
    assert sign_in(proxied_client, email, **through_proxy).status_code == 429
    assert (
        sign_in(
            proxied_client, email, address="127.0.0.1", headers={"X-Forwarded-For": "10.0.0.2"}
        ).status_code
        == 201
    )
    login = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login")).one()
    assert login.after["address"] == "10.0.0.2"


def test_without_a_trusted_proxy_x_forwarded_for_changes_nothing(world):
    email = "manajer.malang@mitra.test"
    quick_hash(world.users["manager"])
    for n in range(5):
        assert (
            sign_in(
                world.client,
                email,
                "wrong",
                address="127.0.0.1",
                headers={"X-Forwarded-For": f"10.0.0.{n + 10}"},
            ).status_code
            == 401
        )
    assert (
        sign_in(world.client, email, address="127.0.0.1", headers={"X-Forwarded-For": "10.0.0.2"}).status_code
        == 429
    )
    failures = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login_failed"))
    assert {f.after["address"] for f in failures} == {"127.0.0.1"}


def test_a_token_expires(world):
    token = sign_in(world.client, "mitra.bank@mitra.test").get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert world.client.get("/api/v1/me", headers=headers).status_code == 200
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=12, seconds=1)):
        response = world.client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401


def test_last_used_at_is_written_at_most_once_a_minute(world):
    token = sign_in(world.client, "mitra.bank@mitra.test").get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}

    def last_used():
        stored = select(ApiToken.last_used_at).where(ApiToken.token_hash == token_hash(token))
        return db.session.scalar(stored)

    assert last_used() is None
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        assert world.client.get("/api/v1/me", headers=headers).status_code == 200
    first = last_used()
    assert first == start
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        assert world.client.get("/api/v1/me", headers=headers).status_code == 200
    assert last_used() == first
    with time_machine.travel(start + timedelta(seconds=60), tick=False):
        assert world.client.get("/api/v1/me", headers=headers).status_code == 200
    assert last_used() == start + timedelta(seconds=60)


def test_the_lifetime_is_configurable(app, world):
    app.config["API_TOKEN_HOURS"] = 1
    expires = sign_in(world.client, "mitra.bank@mitra.test").get_json()["expires_at"]
    assert datetime.fromisoformat(expires) - datetime.now(UTC) <= timedelta(hours=1)


def test_a_revoked_token_opens_nothing(world):
    token = sign_in(world.client, "mitra.bank@mitra.test").get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert world.client.delete(f"{TOKENS}/current", headers=headers).status_code == 204
    assert world.client.get("/api/v1/me", headers=headers).status_code == 401
    assert world.client.delete(f"{TOKENS}/current", headers=headers).status_code == 401
    assert db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action == "auth.token_revoked")
    ).all() == ["auth.token_revoked"]
    # Other tokens of the same user still work.
    assert world.call("partner", "GET", "/api/v1/me").status_code == 200


def test_a_deactivated_users_tokens_stop_working(world):
    world.users["partner"].is_active = False
    db.session.commit()
    assert world.call("partner", "GET", "/api/v1/me").status_code == 401


@pytest.mark.parametrize("body", [{}, {"email": "a@b.c"}, {"password": "x"}, {"email": 5, "password": "x"}])
def test_a_token_request_missing_fields_names_them(world, body):
    response = world.client.post(TOKENS, json=body)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) & {"email", "password"}


def test_the_session_login_manager_loads_active_users_only(app, world):
    from mitra.security.auth import current_actor, load_user

    assert load_user(str(world.users["manager"].id)) is world.users["manager"]
    assert load_user("not-a-number") is None
    world.users["manager"].is_active = False
    assert load_user(str(world.users["manager"].id)) is None
    with app.test_request_context("/"):
        assert current_actor() == "anonymous"
