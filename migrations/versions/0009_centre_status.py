"""Centre status "revitalised"; an activity's document reference

`centres.status` may also be `revitalised` (a centre rebuilt or given a new building, open
again: plut_centres.csv names several). `activities.document_ref` says where the evidence
of an activity held is kept (attendance list, report), as `agreements.document_ref` does
for a signed agreement. The downgrade files revitalised centres as operational.

Revision ID: 0009_centre_status
Revises: 0008_lifecycle_close
Create Date: 2026-12-02 17:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_centre_status'
down_revision = '0008_lifecycle_close'
branch_labels = None
depends_on = None

OLD = "status IN ('operational', 'under_construction', 'revitalising')"
NEW = "status IN ('operational', 'under_construction', 'revitalising', 'revitalised')"


def _centre_status_check(old: str, new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f('ck_centres_status_valid'), 'centres', type_='check')
        op.create_check_constraint(op.f('ck_centres_status_valid'), 'centres', new)
        return
    # SQLite changes a CHECK only by copying the table, and copying `centres` means dropping
    # the table that every organisation row refers to: with foreign keys on (they are, and
    # cannot be turned off inside the migration's transaction) that fails, or runs the
    # ON DELETE SET NULL of partners.registered_by_centre_id. A CHECK that admits one more
    # value changes nothing stored, so SQLite's own procedure for such changes applies
    # (sqlite.org/lang_altertable.html, "simpler procedure"): rewrite the table's definition
    # and bump the schema version, in this transaction.
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    changed = bind.execute(
        sa.text("UPDATE sqlite_master SET sql = replace(sql, :old, :new)"
                " WHERE type = 'table' AND name = 'centres' AND instr(sql, :old) > 0"),
        {"old": old, "new": new},
    ).rowcount
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    if changed != 1:
        raise RuntimeError(f"centres: no CHECK ({old}) to change")


def upgrade():
    _centre_status_check(OLD, NEW)
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_ref', sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_column('document_ref')
    op.execute("UPDATE centres SET status = 'operational' WHERE status = 'revitalised'")
    _centre_status_check(NEW, OLD)
