"""The collaboration page closes the lifecycle: the centre completes with a summary, extends
the end, and moves or cancels a planned activity; the summary shows on the page."""

from __future__ import annotations

from datetime import date

import pytest

from mitra.extensions import db
from mitra.models import Collaboration
from mitra.services import activities, collaborations
from mitra.services.lifecycle import LIFECYCLE_ACTOR, PERSON_VERBS, SYSTEM, TRANSITIONS, transition, url_word
from tests.web.test_flows import error_beside


def started(world) -> int:
    c = world.proposal()
    collaborations.act(world.users["partner"], c, "accept")
    transition(db.session.get(Collaboration, c), "activate", actor=LIFECYCLE_ACTOR)
    db.session.commit()
    return c


@pytest.mark.parametrize("verb", PERSON_VERBS)
def test_the_page_offers_each_verb_to_whoever_may_take_it_now(world, verb):
    step = TRANSITIONS[verb]
    c = world.proposal(propose=step.sources[0] != "draft")  # a partner sees it once proposed
    db.session.get(Collaboration, c).status = step.sources[0]
    db.session.commit()
    form = f'action="/collaborations/{c}/{url_word(verb)}"'
    for role, who in (("centre_manager", "manager"), ("partner_user", "partner")):
        page = world.visitor(who).get(f"/collaborations/{c}")
        may = role in step.who - SYSTEM
        if page.status_code == 404 and not may:  # a partner never sees a draft
            continue
        assert page.status_code == 200 and (form in page.text) == may, (verb, who, page.status_code)


def test_the_centre_completes_from_the_page_with_a_summary(world):
    c = started(world)
    manager = world.visitor("manager")
    page = manager.get(f"/collaborations/{c}").text
    assert 'data-testid="complete-form"' in page and "Ringkasan penutup" in page
    assert 'data-testid="complete-form"' not in world.visitor("partner").get(f"/collaborations/{c}").text
    empty = manager.post(f"/collaborations/{c}/complete", {"complete-summary": ""}, follow_redirects=True)
    assert empty.status_code == 200
    assert error_beside(empty.text, "complete-summary") == "Mohon tulis ringkasan penutup."
    done = manager.post(
        f"/collaborations/{c}/complete",
        {"complete-summary": "38 UMKM lulus kelas ekspor", "complete-umkm_assisted": "38"},
        follow_redirects=True,
    )
    assert done.status_code == 200 and "Selesai" in done.text
    assert 'data-testid="closing-summary">38 UMKM lulus kelas ekspor' in done.text
    assert "UMKM yang dibina: 38" in done.text
    assert "menyelesaikan kerja sama" in done.text  # the timeline's entry, with the summary beside it
    partner_view = world.visitor("partner").get(f"/collaborations/{c}").text
    assert "38 UMKM lulus kelas ekspor" in partner_view


def test_the_centre_extends_from_the_page_to_a_later_end(world):
    c = started(world)
    manager = world.visitor("manager")
    early = manager.post(
        f"/collaborations/{c}/extend", {"extend-ends_on": "2031-06-01"}, follow_redirects=True
    )
    assert early.status_code == 200 and error_beside(early.text, "extend-ends_on")
    done = manager.post(
        f"/collaborations/{c}/extend", {"extend-ends_on": "2031-09-30"}, follow_redirects=True
    )
    assert "Kerja sama telah diperpanjang" in done.text and "memperpanjang kerja sama" in done.text
    assert db.session.get(Collaboration, c).ends_on == date(2031, 9, 30)
    assert (
        world.visitor("partner")
        .post(f"/collaborations/{c}/extend", {"extend-ends_on": "2031-12-31"})
        .status_code
        == 404
    )


def test_the_centre_moves_and_cancels_a_planned_activity_from_its_page(world):
    c = started(world)
    manager = world.visitor("manager")
    first = activities.plan(world.users["manager"], c, {"type": "training", "date": date(2031, 4, 1)})
    second = activities.plan(world.users["manager"], c, {"type": "exhibition", "date": date(2031, 5, 1)})
    assert f'href="/activities/{first.id}/change"' in manager.get(f"/collaborations/{c}").text
    outside = manager.post(
        f"/activities/{first.id}/change",
        {"move-date": "2031-07-15", "move-location": "Aula", "move-submit": "x"},
    )
    assert outside.status_code == 422 and error_beside(outside.text, "move-date")
    moved = manager.post(
        f"/activities/{first.id}/change",
        {"move-date": "2031-04-08", "move-location": "Aula PLUT", "move-submit": "x"},
        follow_redirects=True,
    )
    assert "Kegiatan telah dipindahkan" in moved.text
    db.session.expire_all()
    assert (first.date, first.location) == (date(2031, 4, 8), "Aula PLUT")
    no_reason = manager.post(f"/activities/{second.id}/change", {"cancel-reason": "", "cancel-submit": "x"})
    assert no_reason.status_code == 422
    cancelled = manager.post(
        f"/activities/{second.id}/change",
        {"cancel-reason": "gedung direnovasi", "cancel-submit": "x"},
        follow_redirects=True,
    )
    assert "Kegiatan telah dibatalkan" in cancelled.text
    db.session.expire_all()
    assert (second.status, second.notes) == ("cancelled", "gedung direnovasi")
    assert world.visitor("partner").get(f"/activities/{first.id}/change").status_code == 404
