"""Migrations keep the rows they find: 0005 adds the activity confirmation to a database
that already holds activities (on SQLite a batch migration copies the table), and its
downgrade gives them back unchanged; 0006 gives existing credentials a kind."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from mitra import create_app
from mitra.extensions import db
from mitra.models import SERVICE_AREAS, ApiToken
from mitra.services import tokens
from tests.conftest import ON_POSTGRES, _drop_postgres_database, _postgres_database
from tests.factories import UserFactory

ROWS = [
    "INSERT INTO centres (id, code, region_code, name, regency_name, province_code, zone, tier, status,"
    " created_at, updated_at) VALUES (1, '3507', '3507', 'PLUT-KUMKM Kabupaten Malang', 'Kabupaten Malang',"
    " '35', 'Asia/Jakarta', 'reguler', 'operational', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    "INSERT INTO partners (id, name, type, scope, created_at, updated_at)"
    " VALUES (1, 'Bank BUMN Mitra UMKM', 'bank', 'national', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    "INSERT INTO partnerships (id, centre_id, partner_id, status, created_at, updated_at)"
    " VALUES (1, 1, 1, 'active', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    "INSERT INTO collaborations (id, centre_id, partner_id, partnership_id, title, service_area, description,"
    " starts_on, ends_on, target_umkm, status, version, created_at, updated_at) VALUES (1, 1, 1, 1,"
    " 'Kelas ekspor', 'pemasaran', '', '2023-02-01', '2023-06-30', 25, 'active', 1, CURRENT_TIMESTAMP,"
    " CURRENT_TIMESTAMP)",
    "INSERT INTO activities (id, collaboration_id, type, title, service_area, date, location, status,"
    " participants, umkm_reached, notes, version, created_at, updated_at) VALUES (7, 1, 'training',"
    " 'Foto produk', 'pemasaran', '2023-03-04', 'Aula PLUT', 'held', 41, 23, 'Ramai', 2,"
    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
]
ACTIVITY = text(
    "SELECT id, collaboration_id, type, title, date, location, status, participants,"
    " umkm_reached, notes, version FROM activities"
)


@pytest.fixture
def scratch_url(tmp_path):
    if ON_POSTGRES:
        name = f"mitra_test_migrations_{os.getpid()}"
        yield _postgres_database(os.environ["DATABASE_URL"], name)
        _drop_postgres_database(os.environ["DATABASE_URL"], name)
    else:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"


def _reference_data_of_old_schemas() -> None:
    """The provinces and service areas the rows refer to, as plain SQL: the reference loader
    writes today's tables (regencies among them), which an old revision does not have yet."""
    db.session.execute(
        text(
            "INSERT INTO provinces (code, name, capital, zone, iana_zone)"
            " VALUES ('35', 'Jawa Timur', 'Surabaya', 'WIB', 'Asia/Jakarta')"
        )
    )
    for position, (code, name_id, name_en) in enumerate(SERVICE_AREAS, start=1):
        db.session.execute(
            text("INSERT INTO service_areas (code, position, name_id, name_en) VALUES (:c, :p, :i, :e)"),
            {"c": code, "p": position, "i": name_id, "e": name_en},
        )


def test_0005_keeps_existing_activities_both_ways(scratch_url, tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": scratch_url, "MITRA_ENV": "test", "INSTANCE_PATH": str(tmp_path)}
    )
    with app.app_context():
        upgrade(revision="0004")
        _reference_data_of_old_schemas()
        for statement in ROWS:
            db.session.execute(text(statement))
        db.session.commit()
        before = db.session.execute(ACTIVITY).all()
        db.session.commit()  # PostgreSQL: no open read may hold a lock the ALTER TABLE waits for

        upgrade()
        after = db.session.execute(ACTIVITY).all()
        confirmation = db.session.execute(text("SELECT confirmed_at, confirmed_by_id FROM activities")).all()
        db.session.commit()
        assert after == before and confirmation == [(None, None)]

        downgrade(revision="0004")
        assert db.session.execute(ACTIVITY).all() == before
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_0006_marks_existing_credentials_api_and_revokes_the_live_ones(scratch_url, tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": scratch_url, "MITRA_ENV": "test", "INSTANCE_PATH": str(tmp_path)}
    )
    with app.app_context():
        upgrade(revision="0005")
        user = UserFactory()
        db.session.commit()
        later, earlier = datetime.now(UTC) + timedelta(hours=6), datetime.now(UTC) - timedelta(hours=1)
        insert = text(
            "INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at, revoked_at)"
            " VALUES (:user, :hash, :created, :expires, :revoked)"
        )
        for n, revoked in ((1, None), (2, earlier)):
            db.session.execute(
                insert.bindparams(
                    user=user.id,
                    hash=f"{n:064x}",
                    created=earlier.replace(tzinfo=None),
                    expires=later.replace(tzinfo=None),
                    revoked=revoked and revoked.replace(tzinfo=None),
                )
            )
        db.session.commit()

        upgrade()
        rows = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).all()
        assert [r.kind for r in rows] == ["api", "api"]
        assert rows[0].revoked_at is not None  # live before, of unknown kind: ended
        assert abs(rows[1].revoked_at - earlier) < timedelta(seconds=1)  # kept as it was
        db.session.commit()
        with pytest.raises(Exception, match="(?i)check"):
            db.session.execute(text("UPDATE api_tokens SET kind = 'other'"))
        db.session.rollback()
        token, _expires = tokens.issue(user, kind="session")
        db.session.commit()

        downgrade(revision="0005")
        assert db.session.execute(text("SELECT count(*) FROM api_tokens")).scalar() == 3
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _centre_status(status: str) -> None:
    db.session.execute(text("UPDATE centres SET status = :s WHERE id = 1"), {"s": status})
    db.session.commit()


def test_0009_admits_revitalised_centres_and_keeps_the_rows_that_refer_to_them(scratch_url, tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": scratch_url, "MITRA_ENV": "test", "INSTANCE_PATH": str(tmp_path)}
    )
    with app.app_context():
        upgrade(revision="0005")
        _reference_data_of_old_schemas()
        for statement in ROWS:
            db.session.execute(text(statement))
        db.session.execute(text("UPDATE partners SET registered_by_centre_id = 1"))
        db.session.commit()
        with pytest.raises(IntegrityError):
            _centre_status("revitalised")
        db.session.rollback()

        upgrade(revision="0009_centre_status")
        _centre_status("revitalised")
        with pytest.raises(IntegrityError):
            _centre_status("rebuilt")
        db.session.rollback()
        assert db.session.execute(text("SELECT registered_by_centre_id FROM partners")).scalar_one() == 1
        assert db.session.execute(text("SELECT document_ref FROM activities")).all() == [(None,)]
        db.session.commit()

        downgrade(revision="0005")
        assert db.session.execute(text("SELECT status FROM centres")).scalar_one() == "operational"
        assert db.session.execute(text("SELECT registered_by_centre_id FROM partners")).scalar_one() == 1
        db.session.commit()
        with pytest.raises(IntegrityError):
            _centre_status("revitalised")
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
