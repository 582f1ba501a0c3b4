"""What was recorded is shown: an activity's outcome notes and document reference reach both
sides, and the timeline says every step in words, naming the activity it is about."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from events.types import utcnow
from mitra.extensions import db
from mitra.services import activities, audit, collaborations

# What an audit action code looks like, should one leak onto a page.
ACTION_CODE = re.compile(
    r"\b(?:collaboration|activity|agreement|auth|centre|partner|partnership|reminder|user)"
    r"\.[a-z_]+\b"
)
NOTES = "Dua puluh UMKM membuka toko daring; sepuluh lagi menyusul bulan depan."
DOCUMENT = "ARSIP/PLUT-3507/2031/017"


def _timeline(page: str) -> str:
    """The timeline as a reader sees it: the activity's name in quotation marks."""
    timeline = page.split('data-testid="timeline"')[1].split("</ol>")[0]
    return html.unescape(timeline.replace('<q class="subject">', "“").replace("</q>", "”"))


def _facts(page: str) -> str:
    return page.split('<dl class="facts">')[1].split("</dl>")[0]


def _held_activity(world) -> tuple[int, int]:
    """A collaboration that went through a question and an answer, with one activity held and
    reported through the report page, and one cancelled."""
    manager, partner = world.users["manager"], world.users["partner"]
    today = utcnow().date()
    # Under way: the activities held days ago fall inside its period.
    c = world.proposal(starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=60))
    collaborations.act(partner, c, "request_info", "Berapa UMKM per kelas?")
    collaborations.act(manager, c, "revise", "Dua puluh UMKM per kelas.")
    collaborations.act(partner, c, "accept")
    past = utcnow().date() - timedelta(days=3)
    held = activities.plan(
        manager, c, {"type": "training", "date": past, "title": "Kelas toko daring", "location": "Aula PLUT"}
    )
    activities.confirm(partner, held.id)
    other = activities.plan(manager, c, {"type": "exhibition", "date": past, "title": "Pameran produk"})
    activities.cancel(manager, other.id, "Gedung pameran dipakai pemerintah daerah.")
    response = world.visitor("manager").post(
        f"/activities/{held.id}/report",
        {"participants": "24", "umkm_reached": "20", "notes": NOTES, "document_ref": DOCUMENT},
    )
    assert response.status_code == 302, response.text
    return c, held.id


def test_outcome_notes_and_document_reach_both_sides(world):
    c, held = _held_activity(world)
    for who in ("manager", "partner"):
        page = html.unescape(world.visitor(who).get(f"/collaborations/{c}").text)
        table = page.split('data-testid="table-activities"')[1].split("</table>")[0]
        assert NOTES in table and DOCUMENT in table, who
        assert "Gedung pameran dipakai pemerintah daerah." in table, who
        timeline = _timeline(page)
        assert "melaporkan hasil kegiatan: “Kelas toko daring”" in timeline, who
        assert NOTES in timeline and f"Rujukan dokumen: {DOCUMENT}" in timeline, who
    report_page = html.unescape(world.visitor("manager").get(f"/activities/{held}/report").text)
    assert NOTES in _facts(report_page) and DOCUMENT in _facts(report_page)
    assert "Catatan hasil" in report_page
    confirm_page = html.unescape(world.visitor("partner").get(f"/activities/{held}/confirm").text)
    assert NOTES in _facts(confirm_page) and DOCUMENT in _facts(confirm_page)
    # The API says the same.
    activity = activities.get(world.users["partner"], held)
    assert (activity.notes, activity.document_ref) == (NOTES, DOCUMENT)


def test_the_timeline_says_each_step_in_words_and_names_the_activity(world):
    c, _held = _held_activity(world)
    for who in ("manager", "partner"):
        page = world.visitor(who).get(f"/collaborations/{c}").text
        timeline = _timeline(page)
        for phrase in (
            "meminta informasi tambahan",
            "menjawab dan mengusulkan kembali",
            "menerima usulan",
            "merencanakan kegiatan: “Kelas toko daring”",
            "mengonfirmasi keikutsertaan dalam kegiatan: “Kelas toko daring”",
            "membatalkan kegiatan: “Pameran produk”",
        ):
            assert phrase in timeline, (who, phrase)
        assert "Berapa UMKM per kelas?" in timeline and "Dua puluh UMKM per kelas." in timeline
        assert "Gedung pameran dipakai pemerintah daerah." in timeline
        leaked = ACTION_CODE.search(page)
        assert leaked is None, leaked.group(0)


def test_an_action_without_words_shows_no_code(world):
    c, held = _held_activity(world)
    audit.record(
        db.session,
        actor=world.users["manager"].actor,
        action="activity.teleport",
        subject_type="activity",
        subject_id=held,
    )
    db.session.commit()
    page = world.visitor("partner").get(f"/collaborations/{c}").text
    assert "activity.teleport" not in page
    assert "membuat perubahan: " in _timeline(page)


def test_an_open_question_is_labelled_as_one_not_as_an_answer(world):
    c = world.proposal()
    collaborations.act(world.users["partner"], c, "request_info", "Berapa UMKM per kelas?")
    facts = _facts(world.visitor("manager").get(f"/collaborations/{c}").text)
    assert "Informasi diminta" in facts and "Dijawab" not in facts
    collaborations.act(world.users["manager"], c, "revise", "Dua puluh.")
    collaborations.act(world.users["partner"], c, "accept")
    facts = _facts(world.visitor("manager").get(f"/collaborations/{c}").text)
    assert "Dijawab" in facts and "Informasi diminta" not in facts
    english = world.visitor("other_partner")  # an English reader of the same kind of page
    c2 = world.proposal(partner_id=world.ids["other_partner"], title="Kelas foto")
    collaborations.act(world.users["other_partner"], c2, "request_info", "How many?")
    assert "Information requested" in _facts(english.get(f"/collaborations/{c2}").text)
