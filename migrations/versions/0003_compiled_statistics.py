"""Compiled statistics: collaborations by status, answer times, activities held

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 09:00:00.000000

Written by hand after autogenerate (which also picked up other work in progress): three
derived tables, no foreign keys, WITHOUT ROWID on SQLite so that the key is the order.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

TABLES = ('stat_collaborations', 'stat_answer_days', 'stat_activities')


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
    op.create_table('stat_collaborations',
    *_cell(),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('collaborations', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint(*KEY, 'status', name=op.f('pk_stat_collaborations')),
    sqlite_with_rowid=False,
    )
    op.create_table('stat_answer_days',
    *_cell(),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('collaborations', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint(*KEY, 'days', name=op.f('pk_stat_answer_days')),
    sqlite_with_rowid=False,
    )
    op.create_table('stat_activities',
    *_cell(),
    sa.Column('held', sa.Integer(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('umkm_reached', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint(*KEY, name=op.f('pk_stat_activities')),
    sqlite_with_rowid=False,
    )
    for table in TABLES:
        op.create_index(f'ix_{table}_centre_partner', table, ['centre_id', 'partner_id'], unique=False)


def downgrade():
    for table in reversed(TABLES):
        op.drop_index(f'ix_{table}_centre_partner', table_name=table)
        op.drop_table(table)
