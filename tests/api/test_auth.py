"""Bearer tokens: issued for a password, stored hashed, expiring, revocable; failed sign-ins
are rate-limited per account and per address, with one message, all in the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from mitra.extensions import db
from mitra.models import ApiToken, AuditEntry
from mitra.security.tokens import token_hash
from tests.api.factories import PASSWORD

TOKENS = "/api/v1/auth/tokens"


def sign_in(client, email, password=PASSWORD, address="192.0.2.10"):
    return client.post(TOKENS, json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


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


def test_five_failures_lock_the_account_for_a_while_then_it_opens_again(world):
    email = "manajer.malang@mitra.test"
    for attempt in range(5):
        assert sign_in(world.client, email, "wrong", address=f"198.51.100.{attempt}").status_code == 401
    locked = sign_in(world.client, email, address="198.51.100.99")  # right password, still refused
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["Retry-After"]) <= 15 * 60 + 1
    assert locked.get_json()["code"] == 429
    other = sign_in(world.client, "mitra.bank@mitra.test", address="198.51.100.99")
    assert other.status_code == 201  # the lock is the account's, not the address's
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=16)):
        assert sign_in(world.client, email).status_code == 201


def test_twenty_failures_from_one_address_lock_that_address(world):
    for n in range(20):
        assert sign_in(world.client, f"guess{n}@mitra.test", "x", address="203.0.113.7").status_code == 401
    assert sign_in(world.client, "mitra.bank@mitra.test", address="203.0.113.7").status_code == 429
    assert sign_in(world.client, "mitra.bank@mitra.test", address="203.0.113.8").status_code == 201
    throttled = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "auth.login_failed").order_by(AuditEntry.id.desc())
    ).first()
    assert throttled.after["reason"] == "throttled"


def test_a_success_forgives_the_accounts_earlier_failures(world):
    email = "manajer.malang@mitra.test"
    for _ in range(4):
        sign_in(world.client, email, "wrong")
    assert sign_in(world.client, email).status_code == 201
    for _ in range(4):
        assert sign_in(world.client, email, "wrong").status_code == 401
    assert sign_in(world.client, email).status_code == 201


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
    assert db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action == "auth.token_revoked")).all() == ["auth.token_revoked"]
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
