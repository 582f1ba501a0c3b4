"""`mitra seed-demo`: the programme's 2023 figures, idempotence, and the demo logins."""

from __future__ import annotations

from sqlalchemy import func, select, text

from mitra.extensions import db
from mitra.models import Centre, Collaboration, Partner, Province, ServiceArea, User
from mitra.security.passwords import verify_password
from mitra.services.demo_data import DEMO_LOGINS, load_reference_data, seed_demo

IN_2023 = "BETWEEN '2023-01-01' AND '2023-12-31'"
COLLABORATING_2023 = (
    f"FROM collaborations WHERE starts_on {IN_2023} AND status IN ('accepted', 'active', 'completed')"
)


def _scalar(sql: str) -> int:
    return db.session.execute(text(sql)).scalar_one()


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_2023_gives_49_activities_73_partners_32_centres(app):
    seed_demo(db.session)

    assert _scalar(f"SELECT COUNT(*) FROM activities WHERE status = 'held' AND date {IN_2023}") == 49
    assert _scalar(f"SELECT COUNT(DISTINCT partner_id) {COLLABORATING_2023}") == 73
    assert _scalar(f"SELECT COUNT(DISTINCT centre_id) {COLLABORATING_2023}") == 32
    # Cancelled activities of 2023 exist but are not "held".
    assert _scalar(f"SELECT COUNT(*) FROM activities WHERE status = 'cancelled' AND date {IN_2023}") > 0


def test_reference_and_registries(app):
    counts = seed_demo(db.session)

    assert db.session.scalar(select(func.count()).select_from(Province)) == 38
    assert db.session.scalar(select(func.count()).select_from(ServiceArea)) == 7
    assert db.session.scalar(select(func.count()).select_from(Centre)) == 70
    assert db.session.scalar(select(func.count()).select_from(Partner)) == 73
    assert counts["centres"] == 70 and counts["partners"] == 73
    premium = db.session.scalars(select(Centre.code).where(Centre.tier == "premium")).all()
    assert len(premium) == 15 and "7471" in premium and "7471-P" not in premium
    assert _scalar(f"SELECT COUNT(DISTINCT service_area) {COLLABORATING_2023}") == 7


def test_every_demo_login_exists_and_works(app):
    seed_demo(db.session)

    for role, email, password in DEMO_LOGINS:
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None, email
        assert user.role == role
        assert verify_password(user.password_hash, password)
    bank_user = db.session.scalar(select(User).where(User.email == "mitra.bank@mitra.test"))
    proposed = db.session.scalar(
        select(func.count())
        .select_from(Collaboration)
        .where(Collaboration.partner_id == bank_user.partner_id, Collaboration.status == "proposed")
    )
    assert proposed >= 1


def test_running_twice_changes_no_row_count(app):
    seed_demo(db.session)
    first = _row_counts()
    seed_demo(db.session)

    assert _row_counts() == first
    assert first["collaborations"] > 0 and first["activities"] > 0


def test_reference_data_alone(app):
    counts = load_reference_data(db.session)

    assert counts == {"provinces": 38, "service_areas": 7}
    assert db.session.scalar(select(func.count()).select_from(Centre)) == 0
    # The demo builds on reference data loaded before it.
    seed_demo(db.session)
    assert db.session.scalar(select(func.count()).select_from(Province)) == 38


def test_seed_demo_alone_leaves_the_ministry_dashboard_right(app, client):
    from mitra.cli.seed import seed_demo_command
    from mitra.services import tokens

    result = app.test_cli_runner().invoke(seed_demo_command)
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.email == "admin@mitra.test"))
    bearer = tokens.issue(admin)[0]
    db.session.commit()

    response = client.get("/api/v1/stats/summary?year=2023", headers={"Authorization": f"Bearer {bearer}"})
    assert response.status_code == 200, response.get_json()
    figures = response.get_json()
    assert (figures["activities_held"], figures["partners_with_collaboration"],
            figures["centres_with_collaboration"]) == (49, 73, 32)
