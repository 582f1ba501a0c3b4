"""The collaboration page's timeline: a partner's starts at the proposal and names people by
name and organisation; the centre keeps the whole story; nobody reads an e-mail address."""

from __future__ import annotations

import re
from datetime import date

from mitra.services import collaborations

DRAFT_TITLE = "Draf internal: pelatihan sementara"
TIMELINE = re.compile(r'<ol class="timeline" data-testid="timeline">(.*?)</ol>', re.S)


def drafted_retitled_proposed(world) -> int:
    manager = world.users["manager"]
    ident = world.proposal(DRAFT_TITLE, propose=False, respond_by=date(2031, 2, 1))
    collaborations.update(manager, ident, {"title": "Pelatihan ekspor kopi"})
    collaborations.act(manager, ident, "propose")
    collaborations.act(world.users["partner"], ident, "accept")
    return ident


def test_a_partners_page_shows_nothing_of_the_draft_and_no_e_mail_address(world):
    ident = drafted_retitled_proposed(world)
    page = world.visitor("partner").get(f"/collaborations/{ident}")
    assert page.status_code == 200
    assert DRAFT_TITLE not in page.text
    assert "@" not in page.text
    timeline = TIMELINE.search(page.text).group(1)
    entries = re.findall(r"<li\b", timeline)
    assert len(entries) == 2  # proposed, accepted
    assert "Manajer Malang" in timeline and "PLUT-KUMKM Kabupaten Malang" in timeline
    assert "Petugas Bank" in timeline and "Bank BUMN Mitra UMKM" in timeline


def test_the_centre_sees_the_drafting_too(world):
    ident = drafted_retitled_proposed(world)
    page = world.visitor("manager").get(f"/collaborations/{ident}")
    timeline = TIMELINE.search(page.text).group(1)
    assert len(re.findall(r"<li\b", timeline)) == 4  # drafted, edited, proposed, accepted
    assert "@" not in page.text
