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


# Plain ALTER TABLE ADD/DROP COLUMN, not a batch copy: SQLite (3.35+) drops a column with no
# constraint or index in place, while copying `collaborations` would mean dropping a table that
# activities and audit rows refer to, which foreign keys (on, and not switchable inside the
# migration's transaction) refuse.


def upgrade():
    op.add_column('collaborations', sa.Column('closing_summary', sa.Text(), nullable=True))
    op.add_column('collaborations', sa.Column('closing_outcomes', sa.JSON(), nullable=True))


def downgrade():
    op.drop_column('collaborations', 'closing_outcomes')
    op.drop_column('collaborations', 'closing_summary')
