"""Evidence on the collaboration page: upload several files with one form (the page without
JavaScript), see photos in a gallery and other files as download links, remove them."""

from __future__ import annotations

import io
import re
from datetime import date

from sqlalchemy import select

from mitra.extensions import db
from mitra.models import Attachment
from mitra.services import activities, agreements, collaborations
from tests.support import sample_files as files


def page_of(visitor, ident: int) -> str:
    response = visitor.get(f"/collaborations/{ident}")
    assert response.status_code == 200
    return response.text


def upload(visitor, ident: int, *sent: tuple[bytes, str], **form):
    data = {"file": [(io.BytesIO(content), name) for content, name in sent], **form}
    return visitor.post(f"/collaborations/{ident}/attachments", data, content_type="multipart/form-data")


def test_several_files_in_one_post_show_as_a_gallery_and_a_list(world):
    ident = world.proposal()
    manager = world.visitor("manager")
    empty = page_of(manager, ident)
    assert 'data-testid="no-attachments"' in empty and 'enctype="multipart/form-data"' in empty
    response = upload(
        manager,
        ident,
        (files.jpeg_with_gps(), "foto kelas.jpg"),
        (files.PDF, "daftar hadir.pdf"),
        kind="report",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/collaborations/{ident}#attachments")
    page = page_of(manager, ident)
    photo, pdf = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    gallery = page.split('data-testid="gallery"')[1].split("</ul>")[0]
    assert f'src="/attachments/{photo.id}/thumbnail"' in gallery and "foto kelas.jpg" in gallery
    documents = page.split('data-testid="documents"')[1].split("</ul>")[0]
    assert f'href="/attachments/{pdf.id}/content"' in documents and "daftar hadir.pdf" in documents
    assert "Files attached: 2." in page or "Berkas dilampirkan: 2." in page
    partner = world.visitor("partner")
    download = partner.get(f"/attachments/{pdf.id}/content")
    assert download.status_code == 200 and download.data == files.PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    thumbnail = partner.get(f"/attachments/{photo.id}/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg"


def test_a_refused_file_is_said_and_the_others_are_kept(world):
    ident = world.proposal()
    manager = world.visitor("manager")
    response = upload(manager, ident, (files.HTML, "report.pdf"), (files.PDF, "laporan.pdf"))
    assert response.status_code == 302
    page = page_of(manager, ident)
    assert "report.pdf" in page and ("not accepted" in page or "tidak diterima" in page)
    assert [a.filename for a in db.session.scalars(select(Attachment))] == ["laporan.pdf"]


def test_the_script_sends_one_file_and_reads_json(world):
    ident = world.proposal()
    partner = world.visitor("partner")
    headers = {"X-Requested-With": "XMLHttpRequest"}
    ok = partner.post(
        f"/collaborations/{ident}/attachments",
        {"file": (io.BytesIO(files.PDF), "bukti.pdf")},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert ok.status_code == 201 and ok.get_json()["filename"] == "bukti.pdf"
    refused = partner.post(
        f"/collaborations/{ident}/attachments",
        {"file": (io.BytesIO(files.SVG), "bukti.pdf")},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert refused.status_code == 415 and refused.get_json()["message"]


def test_an_upload_without_the_csrf_token_is_refused(world):
    ident = world.proposal()
    manager = world.visitor("manager")
    response = manager.post(
        f"/collaborations/{ident}/attachments",
        {"file": (io.BytesIO(files.PDF), "x.pdf")},
        with_token=False,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert db.session.scalar(select(Attachment.id)) is None


def test_a_file_too_large_gets_a_friendly_413_page(world):
    ident = world.proposal()
    manager = world.visitor("manager")
    response = upload(manager, ident, (files.PDF + bytes(11 * 1024 * 1024), "besar.pdf"))
    assert response.status_code == 413
    assert "text/html" in response.content_type and "<html" in response.text


def test_remove_is_offered_to_who_may_and_hides_the_file(world):
    ident = world.proposal()
    manager, partner = world.visitor("manager"), world.visitor("partner")
    upload(manager, ident, (files.PDF, "mou.pdf"))
    [attachment] = db.session.scalars(select(Attachment)).all()
    remove = f'action="/attachments/{attachment.id}/remove"'
    assert remove in page_of(manager, ident)
    assert remove not in page_of(partner, ident)
    refused = partner.post(f"/attachments/{attachment.id}/remove")
    assert (
        refused.status_code == 302 and partner.get(f"/attachments/{attachment.id}/content").status_code == 200
    )
    assert manager.post(f"/attachments/{attachment.id}/remove").status_code == 302
    assert "mou.pdf" not in page_of(manager, ident).split('id="attachments"')[1].split("</section>")[0]
    assert manager.get(f"/attachments/{attachment.id}/content").status_code == 404


def test_outsiders_find_nothing(world):
    ident = world.proposal()
    upload(world.visitor("manager"), ident, (files.jpeg_with_gps(), "foto.jpg"))
    [attachment] = db.session.scalars(select(Attachment)).all()
    outsider = world.visitor("other_partner")
    for path in (f"/attachments/{attachment.id}/content", f"/attachments/{attachment.id}/thumbnail"):
        assert outsider.get(path).status_code == 404
    assert upload(outsider, ident, (files.PDF, "x.pdf")).status_code == 404
    assert outsider.post(f"/attachments/{attachment.id}/remove").status_code == 404


def test_the_panel_fits_a_phone(world):
    """No fixed widths in the gallery or the form: the stylesheet's grid shrinks to 360 px."""
    ident = world.proposal()
    page = page_of(world.visitor("manager"), ident)
    section = page.split('id="attachments"')[1].split("</section>")[0]
    assert not re.search(r'style="[^"]*width', section)
    assert 'src="/static/js/attachments.js"' in page


def test_activities_and_agreements_have_a_page_with_their_evidence(world):
    ident = world.proposal()
    collaborations.act(world.users["partner"], ident, "accept")
    activity = activities.plan(world.users["manager"], ident, {"type": "training", "date": date(2031, 4, 1)})
    collaboration = collaborations.get(world.users["manager"], ident)
    agreement = agreements.record(
        world.users["manager"],
        {
            "partnership_id": collaboration.partnership_id,
            "kind": "pks",
            "number": "PKS/09/2031",
            "signed_on": date(2031, 1, 2),
            "valid_until": date(2032, 1, 1),
        },
    )
    db.session.commit()
    partner = world.visitor("partner")
    collaboration_page = page_of(partner, ident)
    assert f'href="/activities/{activity.id}"' in collaboration_page
    assert f'href="/agreements/{agreement.id}"' in partner.get("/agreements").text
    for path in (f"/activities/{activity.id}", f"/agreements/{agreement.id}"):
        response = partner.post(
            f"{path}/attachments",
            {"file": (io.BytesIO(files.PDF), "bukti.pdf")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302 and response.headers["Location"].endswith(f"{path}#attachments")
        page = partner.get(path)
        assert page.status_code == 200 and "bukti.pdf" in page.text
        assert world.visitor("other_partner").get(path).status_code == 404
