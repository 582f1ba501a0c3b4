"""Requests racing each other: one wins, the other is told why, and nothing is doubled."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from sqlalchemy import func, select

from events.store import outbox
from mitra.extensions import db
from mitra.models import AuditEntry, Collaboration


def race(app, world, requests):
    """Send `requests` [(who, method, path, json, headers)] at once, each on its own client."""
    barrier = Barrier(len(requests))
    # Threads get their own app contexts and sessions; the test's own session must not sit
    # on SQLite's write lock (every transaction takes it up front) while they run.
    db.session.rollback()

    def send(request):
        who, method, path, body, headers = request
        client = app.test_client()
        barrier.wait()
        return client.open(path, method=method, json=body, headers={**world.headers(who), **headers})

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(send, requests))


@pytest.mark.slow
def test_accept_and_decline_at_once_one_wins(app, world):
    draft = world.draft()
    world.act("manager", draft["id"], "propose")
    path = f"/api/v1/collaborations/{draft['id']}"
    answers = race(
        app,
        world,
        [
            ("partner", "POST", f"{path}/accept", None, {}),
            ("partner", "POST", f"{path}/decline", {"reason": "tidak jadi"}, {}),
        ],
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    db.session.expire_all()
    final = db.session.get(Collaboration, draft["id"]).status
    assert final in ("accepted", "declined")
    audits = db.session.scalar(
        select(func.count()).where(
            AuditEntry.subject_type == "collaboration", AuditEntry.subject_id == draft["id"]
        )
    )
    events = db.session.scalar(
        select(func.count()).select_from(outbox).where(outbox.c.subject == f"collaboration/{draft['id']}")
    )
    assert audits == events == 3


@pytest.mark.slow
def test_the_same_idempotency_key_at_once_creates_one(app, world):
    body = {
        "partner_id": world.ids["partner"],
        "title": "Sekali saja",
        "service_area": "pemasaran",
        "starts_on": "2031-03-01",
        "ends_on": "2031-04-01",
    }
    answers = race(
        app, world, [("manager", "POST", "/api/v1/collaborations", body, {"Idempotency-Key": "twin"})] * 3
    )
    assert {a.status_code for a in answers} <= {201, 409}
    created = {a.get_json()["id"] for a in answers if a.status_code == 201}
    assert len(created) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Collaboration)) == 1
