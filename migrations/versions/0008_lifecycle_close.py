"""A collaboration's closing summary and outcome figures

`collaborations.closing_summary` (the centre's words when it completes a collaboration, or
"closed automatically: period ended" from the lifecycle job) and `closing_outcomes`
(optional figures, a JSON object of name -> non-negative number).

Revision ID: 0008_lifecycle_close
Revises: 0007_login_throttle
Create Date: 2026-12-02 17:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_lifecycle_close'
down_revision = '0007_login_throttle'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('collaborations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closing_summary', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('closing_outcomes', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('collaborations', schema=None) as batch_op:
        batch_op.drop_column('closing_outcomes')
        batch_op.drop_column('closing_summary')
