"""`/api/v1/stats`: each role sees its own scope, downloads parse back to the same figures, and
bad questions get the API's JSON errors. The figures are the demo data's, recomputed."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text

from events.envelope import decode
from events.store import outbox
from mitra.demo.data import seed_demo
from mitra.extensions import db
from mitra.models import Centre, User
from mitra.services import statistics, tokens
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    CentreFactory,
    CollaborationFactory,
    PartnerFactory,
    PartnershipFactory,
    UmkmFactory,
    UserFactory,
)
from workers.handlers import HANDLERS

LOGINS = {
    "admin": "admin@mitra.test",
    "malang": "manajer.malang@mitra.test",
    "gianyar": "manajer.gianyar@mitra.test",
    "bank": "mitra.bank@mitra.test",
}
COLLABORATING = "status IN ('accepted', 'active', 'completed')"


@pytest.fixture
def demo(app, client):
    seed_demo(db.session)
    statistics.recompute_statistics(db.session)
    bearer = {}
    for who, email in LOGINS.items():
        user = db.session.scalar(select(User).where(User.email == email))
        bearer[who] = tokens.issue(user)[0]
    db.session.commit()

    def get(who: str | None, path: str):
        headers = {"Authorization": f"Bearer {bearer[who]}"} if who else {}
        return client.get(path, headers=headers)

    return get


def expected(where: str, year: int = 2023) -> dict[str, int]:
    """The figures straight from the source tables, for collaborations matching `where`."""
    span = f"BETWEEN '{year}-01-01' AND '{year}-12-31'"
    row = db.session.execute(
        text(
            f"SELECT COUNT(*), COUNT(DISTINCT partner_id), COUNT(DISTINCT centre_id) FROM collaborations c"
            f" WHERE starts_on {span} AND {COLLABORATING} AND {where}"
        )
    ).one()
    held = db.session.execute(
        text(
            f"SELECT COUNT(*), COALESCE(SUM(a.participants), 0) FROM activities a"
            f" JOIN collaborations c ON c.id = a.collaboration_id"
            f" WHERE a.status = 'held' AND a.date {span} AND {where}"
        )
    ).one()
    return {
        "collaborations": row[0],
        "partners_with_collaboration": row[1],
        "centres_with_collaboration": row[2],
        "activities_held": held[0],
        "participants": held[1],
    }


def picked(figures: dict) -> dict[str, int]:
    return {
        name: figures[name]
        for name in (
            "collaborations",
            "partners_with_collaboration",
            "centres_with_collaboration",
            "activities_held",
            "participants",
        )
    }


def test_the_ministry_sees_the_nation(demo):
    response = demo("admin", "/api/v1/stats/summary?year=2023")
    assert response.status_code == 200, response.get_json()
    figures = response.get_json()
    assert figures["scope"] == {"kind": "national"}
    assert (
        figures["activities_held"],
        figures["partners_with_collaboration"],
        figures["centres_with_collaboration"],
    ) == (49, 73, 32)
    assert picked(figures) == expected("1 = 1")


@pytest.mark.parametrize("who", ["malang", "gianyar", "bank"])
def test_others_see_their_own_scope_only(demo, who):
    user = db.session.scalar(select(User).where(User.email == LOGINS[who]))
    where = f"c.centre_id = {user.centre_id}" if user.centre_id else f"c.partner_id = {user.partner_id}"
    figures = demo(who, "/api/v1/stats/summary?year=2023").get_json()
    assert picked(figures) == expected(where)
    assert figures["activities_held"] < 49 and figures["collaborations"] > 0
    if user.centre_id:
        assert figures["scope"] == {"kind": "centre", "centre_id": user.centre_id}
        assert figures["centres_with_collaboration"] == 1
        rows = demo(who, "/api/v1/stats/breakdown?by=centre&year=2023").get_json()["rows"]
        code = db.session.get(Centre, user.centre_id).code
        assert [row["key"] for row in rows] == [code]
    else:
        assert figures["scope"] == {"kind": "partner", "partner_id": user.partner_id}
        assert figures["partners_with_collaboration"] == 1


@pytest.mark.parametrize("who", ["admin", "malang", "bank"])
def test_every_breakdown_adds_up_to_the_summary(demo, who):
    summary = demo(who, "/api/v1/stats/summary?year=2023").get_json()
    for by in statistics.DIMENSIONS:
        response = demo(who, f"/api/v1/stats/breakdown?by={by}&year=2023")
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert (body["by"], body["year"], body["scope"]) == (by, 2023, summary["scope"])
        for measure in (
            "collaborations",
            "proposals",
            "activities_held",
            "participants",
            "umkm_reached",
            "financing_idr",
        ):
            assert sum(row[measure] for row in body["rows"]) == summary[measure], (by, measure)
        assert all(row["key"] and row["label"] for row in body["rows"])


def test_csv_downloads_parse_back(demo):
    summary = demo("malang", "/api/v1/stats/summary?year=2023").get_json()
    response = demo("malang", "/api/v1/stats/summary?year=2023&format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="mitra-stats-summary-2023.csv"'
    [row] = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert int(row["year"]) == 2023 and row["scope"].startswith("centre:")
    assert int(row["activities_held"]) == summary["activities_held"]
    assert int(row["collaborations_completed"]) == summary["collaborations_by_status"]["completed"]
    assert float(row["median_days_to_answer"]) == summary["median_days_to_answer"]

    breakdown = demo("admin", "/api/v1/stats/breakdown?by=province&year=2023").get_json()["rows"]
    response = demo("admin", "/api/v1/stats/breakdown?by=province&year=2023&format=csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="mitra-stats-province-2023.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["province"], r["label"], int(r["partners_with_collaboration"])) for r in rows] == [
        (r["key"], r["label"], r["partners_with_collaboration"]) for r in breakdown
    ]


def test_xlsx_downloads_parse_back(demo):
    breakdown = demo("admin", "/api/v1/stats/breakdown?by=service_area&year=2023").get_json()["rows"]
    response = demo("admin", "/api/v1/stats/breakdown?by=service_area&year=2023&format=xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="mitra-stats-service_area-2023.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:3] == ["service_area", "label", "collaborations"]
    assert len(rows) == 7
    for row, expected_row in zip(rows, breakdown, strict=True):
        values = dict(zip(header, row, strict=True))
        assert values["service_area"] == expected_row["key"]
        assert values["activities_held"] == expected_row["activities_held"]
        assert values["acceptance_rate"] == expected_row["acceptance_rate"]

    summary = demo("bank", "/api/v1/stats/summary?year=2023&format=xlsx")
    sheet = load_workbook(io.BytesIO(summary.get_data()), read_only=True).active
    header, row = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert dict(zip(header, row, strict=True))["partners_with_collaboration"] == 1


def test_the_year_defaults_to_the_current_one_in_wib(demo, time_machine):
    # 17:30 UTC on New Year's Eve is already 00:30 on 1 January in Jakarta.
    time_machine.move_to(datetime(2023, 12, 31, 17, 30, tzinfo=UTC), tick=False)
    assert demo("admin", "/api/v1/stats/summary").get_json()["year"] == 2024
    time_machine.move_to(datetime(2023, 12, 31, 16, 30, tzinfo=UTC), tick=False)
    figures = demo("admin", "/api/v1/stats/summary").get_json()
    assert (figures["year"], figures["activities_held"]) == (2023, 49)
    assert demo("admin", "/api/v1/stats/breakdown?by=month").get_json()["year"] == 2023


BAD_QUESTIONS = [
    ("/api/v1/stats/breakdown?by=galaxy", "by"),
    ("/api/v1/stats/breakdown", "by"),
    ("/api/v1/stats/summary?year=1999", "year"),
    ("/api/v1/stats/summary?year=dua-ribu", "year"),
    ("/api/v1/stats/summary?format=pdf", "format"),
    ("/api/v1/stats/summary?centre_id=1", "centre_id"),
]


def test_bad_questions_get_json_errors(demo):
    for path, field in BAD_QUESTIONS:
        response = demo("admin", path)
        assert response.status_code == 422, path
        body = response.get_json()
        assert body["code"] == 422 and field in body["errors"], (path, body)


def test_a_token_is_required(demo):
    response = demo(None, "/api/v1/stats/summary?year=2023")
    assert response.status_code == 401
    assert response.get_json()["code"] == 401


def test_the_stats_are_in_the_openapi_document(demo, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/stats/summary", "/api/v1/stats/breakdown"):
        content = spec["paths"][path]["get"]["responses"]["200"]["content"]
        assert {
            "application/json",
            "text/csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        } <= set(content)


# -- the evidence: businesses assisted, outcomes, financing ------------------------------------------


@pytest.fixture
def financed(app, client, reference_data):
    """Malang's active collaboration with a bank, an activity held in March 2024 with one
    business on it; the centre records, through the API, Rp 25.000.000 of financing for it,
    and the statistics consumer handles the events."""
    malang = CentreFactory(code="3507", province_code="35")
    bank = PartnerFactory(name="Bank BUMN Penyalur KUR")
    manager = UserFactory(role="centre_manager", centre=malang)
    partner_user = UserFactory(role="partner_user", partner=bank)
    collaboration = CollaborationFactory(
        partnership=PartnershipFactory(centre=malang, partner=bank),
        status="active",
        starts_on=date(2024, 3, 1),
    )
    activity = ActivityFactory(collaboration=collaboration, status="held", date=date(2024, 3, 5))
    business = UmkmFactory(registered_by_centre_id=malang.id)
    AttendanceFactory(activity=activity, umkm=business)
    bearer = {who: tokens.issue(user)[0] for who, user in (("manager", manager), ("bank", partner_user))}
    db.session.commit()
    response = client.post(
        f"/api/v1/umkm/{business.nib}/outcomes",
        json={
            "type": "financing",
            "date": "2024-07-15",
            "amount_idr": 25_000_000,
            "activity_id": activity.id,
        },
        headers={"Authorization": f"Bearer {bearer['manager']}"},
    )
    assert response.status_code == 201, response.get_json()
    for (envelope,) in db.session.execute(select(outbox.c.envelope).order_by(outbox.c.id)):
        event = decode(envelope)
        handler = HANDLERS["statistics"].get(event.type.type)
        if handler is not None:
            handler(db.session, event)
        db.session.commit()

    def get(who: str, path: str):
        return client.get(path, headers={"Authorization": f"Bearer {bearer[who]}"})

    return get


def test_a_financing_outcome_of_25_million_is_in_the_summary_and_its_downloads(financed):
    for who in ("manager", "bank"):
        figures = financed(who, "/api/v1/stats/summary?year=2024").get_json()
        assert figures["financing_idr"] == 25_000_000, who
        assert figures["outcomes"]["financing"] == 1
        assert figures["umkm_assisted"] == 1
    assert financed("manager", "/api/v1/stats/summary?year=2023").get_json()["financing_idr"] == 0

    text_ = financed("manager", "/api/v1/stats/summary?year=2024&format=csv").get_data(as_text=True)
    [row] = list(csv.DictReader(io.StringIO(text_)))
    assert (row["financing_idr"], row["outcomes_financing"], row["umkm_assisted"]) == ("25000000", "1", "1")
    assert row["outcomes_export"] == "0"

    workbook = financed("bank", "/api/v1/stats/breakdown?by=partner&year=2024&format=xlsx").get_data()
    header, *rows = [
        list(r)
        for r in load_workbook(io.BytesIO(workbook), read_only=True).active.iter_rows(values_only=True)
    ]
    [values] = [dict(zip(header, r, strict=True)) for r in rows]
    assert (values["label"], values["financing_idr"], values["outcomes_financing"]) == (
        "Bank BUMN Penyalur KUR",
        25_000_000,
        1,
    )
