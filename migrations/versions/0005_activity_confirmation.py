"""The partner's confirmation of an activity

`activities.confirmed_at` and `confirmed_by_id` (the partner user), set and cleared
together (a CHECK in the database).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 02:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_activities_confirmed_by_id_users'), 'users',
                                    ['confirmed_by_id'], ['id'])
        batch_op.create_check_constraint(
            batch_op.f('ck_activities_confirmed_together'),
            '(confirmed_at IS NULL) = (confirmed_by_id IS NULL)')


def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_activities_confirmed_together'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_activities_confirmed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('confirmed_by_id')
        batch_op.drop_column('confirmed_at')
