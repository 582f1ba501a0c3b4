"""`/api/v1/notifications`: paged like every list, only the caller's own, in their language,
and marked read one by one (someone else's is 404)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mitra.extensions import db
from mitra.models import Collaboration, Partnership
from mitra.services import notifications, tokens
from tests.factories import CentreFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.usefixtures("reference_data")
T0 = datetime(2031, 3, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def setting(app, client):
    centre = CentreFactory(
        code="5104", name="PLUT-KUMKM Kab. Gianyar", province_code="51", zone="Asia/Makassar"
    )
    partner = PartnerFactory(name="Bank BUMN Mitra UMKM")
    manager = UserFactory(
        email="manajer@mitra.test", name="Manajer", role="centre_manager", centre=centre, language="en"
    )
    other = UserFactory(email="lain@mitra.test", name="Lain", role="partner_user", partner=partner)
    partnership = Partnership(centre=centre, partner=partner)
    collaboration = Collaboration(
        partnership=partnership,
        centre=centre,
        partner=partner,
        title="Kelas ekspor kopi",
        service_area="pemasaran",
        status="accepted",
        starts_on=date(2031, 4, 1),
        ends_on=date(2031, 5, 1),
        respond_by=date(2031, 3, 20),
    )
    db.session.add_all([partnership, collaboration])
    db.session.flush()
    for n in range(25):
        notifications.create(
            db.session, manager, "collaboration.accepted", collaboration.id, at=T0 + timedelta(minutes=n)
        )
    theirs = notifications.create(db.session, other, "collaboration.proposed", collaboration.id, at=T0)
    db.session.commit()
    headers = {who.email: {"Authorization": f"Bearer {tokens.issue(who)[0]}"} for who in (manager, other)}
    db.session.commit()
    return {
        "client": client,
        "headers": headers,
        "manager": manager,
        "theirs": theirs.id,
        "collaboration": collaboration.id,
    }


def test_pages_of_my_notifications_newest_first(setting):
    client, headers = setting["client"], setting["headers"]["manajer@mitra.test"]
    first = client.get("/api/v1/notifications?per_page=10", headers=headers)
    assert first.status_code == 200, first.get_json()
    page = first.get_json()
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (25, 1, 10, 10)
    item = page["items"][0]
    assert set(item) == {
        "id",
        "kind",
        "title",
        "body",
        "link",
        "subject_type",
        "subject_id",
        "created_at",
        "read_at",
    }
    assert item["title"] == "Proposal accepted: Kelas ekspor kopi"  # the manager reads English
    assert "Kelas ekspor kopi" in item["body"] and item["read_at"] is None
    assert item["link"].endswith(f"/collaborations/{setting['collaboration']}")
    assert (item["subject_type"], item["subject_id"]) == ("collaboration", setting["collaboration"])
    stamps = [i["created_at"] for i in page["items"]]
    assert stamps == sorted(stamps, reverse=True)

    last = client.get("/api/v1/notifications?per_page=10&page=3", headers=headers).get_json()
    assert len(last["items"]) == 5
    seen = {
        i["id"]
        for p in (1, 2, 3)
        for i in client.get(f"/api/v1/notifications?per_page=10&page={p}", headers=headers).get_json()[
            "items"
        ]
    }
    assert len(seen) == 25 and setting["theirs"] not in seen

    oldest = client.get("/api/v1/notifications?sort=created_at&per_page=1", headers=headers).get_json()
    assert oldest["items"][0]["created_at"] == min(stamps + [i["created_at"] for i in last["items"]])


def test_mark_read_and_filter_unread(setting):
    client, headers = setting["client"], setting["headers"]["manajer@mitra.test"]
    mine = client.get("/api/v1/notifications?per_page=1", headers=headers).get_json()["items"][0]
    read = client.post(f"/api/v1/notifications/{mine['id']}/read", headers=headers)
    assert read.status_code == 200, read.get_json()
    read_at = read.get_json()["read_at"]
    assert read_at is not None
    again = client.post(f"/api/v1/notifications/{mine['id']}/read", headers=headers).get_json()
    assert again["read_at"] == read_at  # read once; marking again changes nothing
    unread = client.get("/api/v1/notifications?unread=true", headers=headers).get_json()
    assert unread["total"] == 24 and mine["id"] not in {i["id"] for i in unread["items"]}
    assert client.get("/api/v1/notifications?unread=false", headers=headers).get_json()["total"] == 1
    assert notifications.unread_count(setting["manager"]) == 24


def test_someone_elses_notification_is_not_found(setting):
    client, headers = setting["client"], setting["headers"]["manajer@mitra.test"]
    theirs = client.post(f"/api/v1/notifications/{setting['theirs']}/read", headers=headers)
    assert theirs.status_code == 404
    assert theirs.get_json()["code"] == 404 and "notification" in theirs.get_json()["message"]
    assert client.post("/api/v1/notifications/999999/read", headers=headers).status_code == 404
    other = setting["headers"]["lain@mitra.test"]
    assert client.get("/api/v1/notifications", headers=other).get_json()["total"] == 1


def test_needs_a_token_and_refuses_bad_paging(setting):
    client, headers = setting["client"], setting["headers"]["manajer@mitra.test"]
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.get("/api/v1/notifications?per_page=1000", headers=headers).status_code == 422
    assert client.get("/api/v1/notifications?colour=blue", headers=headers).status_code == 422
