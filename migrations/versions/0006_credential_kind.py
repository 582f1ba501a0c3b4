"""Web sessions and API tokens are different kinds of credential

`api_tokens.kind` is 'api' or 'session' (a CHECK in the database), and an API token may
carry the `label` its owner gave it.

Rows from before cannot be told apart: web sessions and API tokens were issued alike. They
are all marked 'api' and those still live are revoked, so no credential of unknown kind
keeps working: everyone signs in once more (web and API alike). The downgrade drops the
columns; sessions and tokens are then alike again.

Revision ID: 0006_credential_kind
Revises: 0005
Create Date: 2026-12-02 17:30:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_credential_kind'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('label', sa.String(length=100), nullable=True))
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == 'sqlite':
        now = now.replace(tzinfo=None)  # UTC by contract, as events.types.UTCDateTime stores it
    op.execute(sa.text("UPDATE api_tokens SET kind = 'api'"))
    op.execute(sa.text("UPDATE api_tokens SET revoked_at = :now WHERE revoked_at IS NULL")
               .bindparams(sa.bindparam('now', value=now, type_=sa.DateTime(timezone=True))))
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=16), nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_api_tokens_kind'), "kind IN ('api', 'session')")


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_api_tokens_kind'), type_='check')
        batch_op.drop_column('label')
        batch_op.drop_column('kind')
