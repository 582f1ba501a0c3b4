"""Compiled statistics of the evidence: businesses assisted, outcomes by type

Revision ID: 0011_evidence_statistics
Revises: 0010_evidence
Create Date: 2026-12-03 14:00:00

Written by hand, in the style of 0003: two derived tables, no foreign keys, WITHOUT ROWID on
SQLite so that the key is the order. `stat_umkm_assisted` keeps each (cell, business) pair,
since distinct businesses do not add up across cells; `stat_outcomes` counts outcomes by
type with the financing amounts summed in rupiah (BIGINT: a year's total passes 2^31).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_evidence_statistics'
down_revision = '0010_evidence'
branch_labels = None
depends_on = None

TABLES = ('stat_umkm_assisted', 'stat_outcomes')


def _cell():
    """The shared dimensions; they lead every primary key, year first."""
    return [
        sa.Column('year', sa.SmallInteger(), nullable=False),
        sa.Column('month', sa.SmallInteger(), nullable=False),
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('service_area', sa.String(length=40), nullable=False),
    ]


KEY = ['year', 'month', 'centre_id', 'partner_id', 'service_area']


def upgrade():
    op.create_table('stat_umkm_assisted',
    *_cell(),
    sa.Column('umkm_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint(*KEY, 'umkm_id', name=op.f('pk_stat_umkm_assisted')),
    sqlite_with_rowid=False,
    )
    op.create_table('stat_outcomes',
    *_cell(),
    sa.Column('type', sa.String(length=24), nullable=False),
    sa.Column('outcomes', sa.Integer(), nullable=False),
    sa.Column('amount_idr', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint(*KEY, 'type', name=op.f('pk_stat_outcomes')),
    sqlite_with_rowid=False,
    )
    for table in TABLES:
        op.create_index(f'ix_{table}_centre_partner', table, ['centre_id', 'partner_id'], unique=False)


def downgrade():
    for table in reversed(TABLES):
        op.drop_index(f'ix_{table}_centre_partner', table_name=table)
        op.drop_table(table)
