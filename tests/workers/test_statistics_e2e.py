"""With a real relay and a real worker (every consumer group, the real handler table), an
acceptance reaches `/api/v1/stats/summary` within 5 seconds and makes the partnership active."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from events.types import utcnow
from mitra.api.stats import REPORTING_ZONE
from mitra.extensions import db
from mitra.models import AuditEntry, Partnership
from mitra.services import collaborations, tokens
from tests.factories import CentreFactory, PartnerFactory, UserFactory
from tests.support.processes import Processes, child_env, wait_until


@pytest.fixture
def processes(app, tmp_path):
    # A broker file of its own: nothing else's queues are touched, whatever BROKER_URL says.
    env = child_env(
        app.config["SQLALCHEMY_DATABASE_URI"],
        f"sqla+sqlite:///{tmp_path / 'broker.db'}",
        tmp_path / "instance",
    )
    procs = Processes(env, tmp_path)
    yield procs
    procs.stop_all()


@pytest.mark.slow
def test_an_acceptance_reaches_the_summary_within_five_seconds(app, client, reference_data, processes):
    centre = CentreFactory(code="7407", province_code="74", zone="Asia/Makassar")
    bank = PartnerFactory(name="Bank BUMN Penyalur KUR")
    manager = UserFactory(role="centre_manager", centre=centre)
    partner_user = UserFactory(role="partner_user", partner=bank)
    token, _expires = tokens.issue(manager)
    db.session.commit()
    starts_on = utcnow().astimezone(REPORTING_ZONE).date()  # in the summary's default year

    def summary() -> dict:
        response = client.get("/api/v1/stats/summary", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.get_json()
        db.session.rollback()  # see what the worker committed
        return response.get_json()

    processes.start("relay")
    processes.start("worker")
    collaboration = collaborations.create(
        manager,
        {
            "partner_id": bank.id,
            "title": "Akses KUR untuk UMKM Wakatobi",
            "service_area": "pembiayaan",
            "starts_on": starts_on,
            "ends_on": starts_on + timedelta(days=1),
        },
    )
    collaborations.act(manager, collaboration.id, "propose")
    # The first figure waits for the processes to start; the second is the one timed.
    wait_until(
        lambda: summary()["collaborations_by_status"]["proposed"] == 1,
        timeout=90,
        message="the proposal in the summary",
    )

    collaborations.act(partner_user, collaboration.id, "accept")
    accepted_at = time.monotonic()
    figures = wait_until(
        lambda: (s := summary())["collaborations"] == 1 and s,
        timeout=5,
        interval=0.05,
        message="the acceptance in the summary",
    )
    elapsed = time.monotonic() - accepted_at
    assert figures["collaborations_by_status"]["proposed"] == 0
    assert figures["partners_with_collaboration"] == 1
    print(f"\nacceptance -> summary in {elapsed:.2f} s")

    def partnership_status() -> str:
        db.session.rollback()
        return db.session.get(Partnership, collaboration.partnership_id).status

    wait_until(lambda: partnership_status() == "active", timeout=5, message="the partnership active")
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "partnership.status_changed"))
    assert audit.actor == "system:partnership-status"
