"""The database itself refuses bad rows, and the migrations build exactly the models' schema."""

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from mitra.extensions import db


def test_migrations_and_models_agree(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == []


@pytest.fixture
def centre_and_partner(reference_data):
    db.session.execute(
        text(
            "INSERT INTO centres (id, code, region_code, name, regency_name, province_code, zone,"
            " tier, status, created_at, updated_at) VALUES (1, '3507', '3507', 'PLUT-KUMKM Kab. Malang',"
            " 'Kabupaten Malang', '35', 'Asia/Jakarta', 'premium', 'operational',"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
    )
    db.session.execute(
        text(
            "INSERT INTO partners (id, name, type, scope, created_at, updated_at)"
            " VALUES (1, 'Bank BUMN Mitra UMKM', 'bank', 'national', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
    )
    db.session.execute(
        text(
            "INSERT INTO partnerships (id, centre_id, partner_id, status, created_at, updated_at)"
            " VALUES (1, 1, 1, 'prospect', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
    )
    db.session.commit()


def _insert_collaboration(starts_on: date, ends_on: date, status: str) -> None:
    db.session.execute(
        text(
            "INSERT INTO collaborations (centre_id, partner_id, partnership_id, title, service_area,"
            " description, starts_on, ends_on, target_umkm, status, version, created_at, updated_at)"
            " VALUES (1, 1, 1, 'Pelatihan', 'pemasaran', '', :s, :e, 10, :status, 1,"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ),
        {"s": starts_on, "e": ends_on, "status": status},
    )
    db.session.commit()


def test_a_valid_collaboration_is_accepted(centre_and_partner):
    _insert_collaboration(date(2026, 1, 1), date(2026, 2, 1), "draft")
    assert db.session.scalar(text("SELECT count(*) FROM collaborations")) == 1


def test_collaboration_ending_before_it_starts_is_refused_by_the_database(centre_and_partner):
    with pytest.raises(IntegrityError, match="(?i)ends_after_starts|check"):
        _insert_collaboration(date(2026, 2, 1), date(2026, 1, 1), "draft")
    db.session.rollback()


def test_unknown_collaboration_status_is_refused_by_the_database(centre_and_partner):
    with pytest.raises(IntegrityError, match="(?i)status_valid|check"):
        _insert_collaboration(date(2026, 1, 1), date(2026, 2, 1), "approved-ish")
    db.session.rollback()


def test_negative_participants_are_refused(centre_and_partner):
    _insert_collaboration(date(2026, 1, 1), date(2026, 2, 1), "accepted")
    with pytest.raises(IntegrityError):
        db.session.execute(
            text(
                "INSERT INTO activities (collaboration_id, type, title, date, location, status,"
                " participants, umkm_reached, version, created_at, updated_at) VALUES (1, 'training',"
                " '', '2026-01-10', '', 'held', -1, 0, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        db.session.commit()
    db.session.rollback()


def test_foreign_keys_are_enforced(centre_and_partner):
    with pytest.raises(IntegrityError):
        db.session.execute(
            text(
                "INSERT INTO partnerships (centre_id, partner_id, status, created_at, updated_at)"
                " VALUES (999, 1, 'prospect', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        db.session.commit()
    db.session.rollback()


def test_a_partner_user_must_belong_to_a_partner(centre_and_partner):
    with pytest.raises(IntegrityError, match="(?i)role_binding|check"):
        db.session.execute(
            text(
                "INSERT INTO users (email, name, password_hash, role, centre_id, language, zone,"
                " email_preference, is_active, created_at, updated_at) VALUES ('x@y.z', 'X', 'h',"
                " 'partner_user', 1, 'id', 'Asia/Jakarta', 'immediate', true, CURRENT_TIMESTAMP,"
                " CURRENT_TIMESTAMP)"
            )
        )
        db.session.commit()
    db.session.rollback()
