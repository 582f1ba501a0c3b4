"""Closing and extending over HTTP, and activities kept inside their collaboration's period;
the partner hears of each activity planned, moved or cancelled, the centre of a confirmation."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from mitra.extensions import db
from mitra.models import Collaboration, Notification
from mitra.services.lifecycle import LIFECYCLE_ACTOR, transition

C = "/api/v1/collaborations"


@pytest.fixture
def active(world) -> dict:
    """An accepted collaboration (1 March to 30 June 2031) that the lifecycle job started."""
    draft = world.draft()
    world.act("manager", draft["id"], "propose")
    world.act("partner", draft["id"], "accept")
    transition(db.session.get(Collaboration, draft["id"]), "activate", actor=LIFECYCLE_ACTOR)
    db.session.commit()
    return draft


def test_the_centre_completes_with_a_summary_shown_in_the_history(world, active):
    body = world.act("manager", active["id"], "complete", {}, status=422)
    assert "summary" in body["errors"]
    body = world.act("manager", active["id"], "complete", {"summary": "  "}, status=422)
    assert "summary" in body["errors"]
    world.act("partner", active["id"], "complete", {"summary": "selesai"}, status=403)
    done = world.act(
        "manager",
        active["id"],
        "complete",
        {"summary": "40 UMKM dilatih, 12 masuk marketplace", "outcomes": {"umkm_assisted": 40}},
    )
    assert done["status"] == "completed"
    assert done["closing_summary"] == "40 UMKM dilatih, 12 masuk marketplace"
    assert done["closing_outcomes"] == {"umkm_assisted": 40}
    last = world.call("partner", "GET", f"{C}/{active['id']}/history").get_json()["items"][-1]
    assert last["action"] == "collaboration.complete"
    assert last["after"] == {"status": "completed", "summary": "40 UMKM dilatih, 12 masuk marketplace"}
    world.act("manager", active["id"], "complete", {"summary": "lagi"}, status=409)


def test_outcome_figures_are_named_whole_numbers(world, active):
    body = world.act(
        "manager", active["id"], "complete", {"summary": "ok", "outcomes": {"umkm_assisted": -1}}, status=422
    )
    assert any(name.startswith("outcomes") for name in body["errors"])


def test_the_centre_extends_an_active_collaboration_to_a_later_end(world, active):
    body = world.act("manager", active["id"], "extend", {"ends_on": "2031-06-30"}, status=422)
    assert "ends_on" in body["errors"]
    world.act("partner", active["id"], "extend", {"ends_on": "2031-09-30"}, status=403)
    extended = world.act("manager", active["id"], "extend", {"ends_on": "2031-09-30"})
    assert extended["ends_on"] == "2031-09-30" and extended["status"] == "active"
    last = world.call("manager", "GET", f"{C}/{active['id']}/history").get_json()["items"][-1]
    assert (last["action"], last["before"], last["after"]) == (
        "collaboration.extend",
        {"ends_on": "2031-06-30"},
        {"ends_on": "2031-09-30"},
    )
    # An activity in the new months can now be planned.
    planned = world.call(
        "manager", "POST", f"{C}/{active['id']}/activities", json={"type": "training", "date": "2031-08-15"}
    )
    assert planned.status_code == 201, planned.get_json()


def test_only_an_active_collaboration_is_extended(world):
    draft = world.draft()
    world.act("manager", draft["id"], "extend", {"ends_on": "2031-12-31"}, status=409)
    world.act("other_manager", draft["id"], "extend", {"ends_on": "2031-12-31"}, status=404)


@pytest.mark.parametrize("day", ["2031-02-28", "2031-07-01"])
def test_an_activity_outside_the_period_is_refused_naming_its_date(world, active, day):
    path = f"{C}/{active['id']}/activities"
    body = world.call("manager", "POST", path, json={"type": "training", "date": day})
    assert body.status_code == 422 and "date" in body.get_json()["errors"]
    inside = world.call("manager", "POST", path, json={"type": "training", "date": "2031-03-01"}).get_json()
    moved = world.call(
        "manager",
        "PATCH",
        f"/api/v1/activities/{inside['id']}",
        json={"date": day},
        headers={"If-Match": "*"},
    )
    assert moved.status_code == 422 and "date" in moved.get_json()["errors"]
    last_day = world.call(
        "manager",
        "PATCH",
        f"/api/v1/activities/{inside['id']}",
        json={"date": "2031-06-30"},
        headers={"If-Match": "*"},
    )
    assert last_day.status_code == 200


def test_each_activity_step_is_told_to_the_other_side(app, world, active):
    from tests.workers.test_reminders_events import deliver

    def told(kind: str) -> Counter:
        return Counter(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))

    path = f"{C}/{active['id']}/activities"
    first = world.call("manager", "POST", path, json={"type": "training", "date": "2031-04-01"}).get_json()
    second = world.call("manager", "POST", path, json={"type": "exhibition", "date": "2031-05-01"}).get_json()
    world.call(
        "manager",
        "PATCH",
        f"/api/v1/activities/{first['id']}",
        json={"title": "Kelas foto produk"},
        headers={"If-Match": "*"},
    )  # a new title is no move
    world.call(
        "manager",
        "PATCH",
        f"/api/v1/activities/{first['id']}",
        json={"date": "2031-04-08", "location": "Aula PLUT"},
        headers={"If-Match": "*"},
    )
    assert world.call("partner", "POST", f"/api/v1/activities/{first['id']}/confirm").status_code == 200
    assert (
        world.call(
            "manager",
            "POST",
            f"/api/v1/activities/{second['id']}/cancel",
            json={"reason": "gedung direnovasi"},
        ).status_code
        == 200
    )
    deliver(app)
    partner, manager = world.users["partner"].id, world.users["manager"].id
    assert told("activity.planned") == Counter({partner: 2})
    assert told("activity.moved") == Counter({partner: 1})
    assert told("activity.cancelled") == Counter({partner: 1})
    assert told("activity.confirmed") == Counter({manager: 1})
    assert told("collaboration.activated") == Counter({partner: 1, manager: 1})

    items = world.call("partner", "GET", "/api/v1/notifications").get_json()["items"]
    moved = next(i for i in items if i["kind"] == "activity.moved")
    assert moved["link"] == f"{app.config['MITRA_BASE_URL'].rstrip('/')}/collaborations/{active['id']}"
    assert "Aula PLUT" in moved["body"]
    cancelled = next(i for i in items if i["kind"] == "activity.cancelled")
    assert "gedung direnovasi" in cancelled["body"]
