"""A refused action on a page is said once, in words that say what to do, and answered
Post/Redirect/Get: the browser goes back to the page, which keeps what was typed, and
reloading it is an ordinary GET."""

from __future__ import annotations

import re
from datetime import date, timedelta

from events.types import utcnow
from mitra.services import collaborations


def error_messages(html: str) -> list[str]:
    """Every refusal the page shows: at the top and beside fields."""
    found = re.findall(r'<div class="flash flash-error"[^>]*>(.*?)</div>', html, flags=re.S)
    found += re.findall(r'<p class="field-error"[^>]*>(.*?)</p>', html, flags=re.S)
    return [m.strip() for m in found]


def back_to(response, path: str) -> None:
    assert response.status_code in (302, 303), response.status_code
    assert response.headers["Location"].split("#")[0] == path


def test_accepting_a_declined_proposal_says_so_once_and_reload_is_a_get(world):
    c = world.proposal()
    collaborations.act(world.users["partner"], c, "decline", "Anggaran habis")
    partner = world.visitor("partner")
    back_to(partner.post(f"/collaborations/{c}/accept", {}), f"/collaborations/{c}")
    page = partner.get(f"/collaborations/{c}")
    assert page.status_code == 200
    assert error_messages(page.text) == [
        "Tindakan ini belum dapat dilakukan: data sedang dalam keadaan lain, atau baru saja diubah "
        "orang lain. Halaman ini menampilkan keadaannya saat ini."
    ]
    again = partner.get(f"/collaborations/{c}")  # the reload
    assert again.status_code == 200 and error_messages(again.text) == []


def test_a_decline_without_a_reason_is_marked_beside_the_field_only(world):
    c = world.proposal()
    partner = world.visitor("partner")
    back_to(partner.post(f"/collaborations/{c}/decline", {"decline-reason": " "}), f"/collaborations/{c}")
    page = partner.get(f"/collaborations/{c}")
    assert page.status_code == 200
    assert error_messages(page.text) == ["Mohon sebutkan alasannya."]
    assert 'id="decline-reason-error"' in page.text
    assert partner.get(f"/collaborations/{c}").status_code == 200
    assert collaborations.get(world.users["admin"], c).status == "proposed"


def test_proposing_after_the_deadline_says_what_to_do_once(world):
    past = utcnow().date() - timedelta(days=3)
    d = world.proposal(propose=False, respond_by=past)
    manager = world.visitor("manager")
    back_to(manager.post(f"/collaborations/{d}/propose", {}), f"/collaborations/{d}")
    page = manager.get(f"/collaborations/{d}")
    messages = error_messages(page.text)
    assert len(messages) == 1 and messages[0].startswith("Batas jawaban sudah lewat")
    assert "Mohon perbaiki isian yang ditandai." not in page.text  # no field is marked on this page


def test_a_refused_activity_keeps_what_was_typed(world):
    c = world.proposal()
    collaborations.act(world.users["partner"], c, "accept")
    manager = world.visitor("manager")
    refused = manager.post(
        f"/collaborations/{c}/activities",
        {"type": "mentoring", "date": "besok", "title": "Klinik kemasan", "location": "Aula PLUT"},
    )
    back_to(refused, f"/collaborations/{c}")
    assert refused.headers["Location"].endswith("#plan-heading")
    page = manager.get(f"/collaborations/{c}").text
    assert error_messages(page) == ["Isikan tanggal."]
    assert 'value="Klinik kemasan"' in page and 'value="Aula PLUT"' in page
    assert '<option selected value="mentoring">' in page
    reload = manager.get(f"/collaborations/{c}").text
    assert error_messages(reload) == [] and 'value="Klinik kemasan"' not in reload
    planned = manager.post(
        f"/collaborations/{c}/activities",
        {"type": "mentoring", "date": date(2031, 4, 2).isoformat(), "title": "Klinik"},
    )
    assert planned.status_code == 302
