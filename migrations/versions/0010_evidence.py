"""Evidence and outcomes: regencies, attachments, the UMKM register, attendance, outcomes

`regencies` holds the 514 Kemendagri regency codes (loaded from data/regencies.csv with
the other reference data). `umkm` is the register of businesses by NIB, its digits and
KBLI code checked in the database; `attendance` puts a business on an activity once;
`outcomes` records what a business got (financing carries its amount in rupiah, nothing
else does); `attachments` describes files held in the attachment store, each on exactly
one agreement, collaboration or activity. All new tables: the downgrade drops them.

Revision ID: 0010_evidence
Revises: 0009_centre_status
Create Date: 2026-12-03 13:38:37

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_evidence'
down_revision = '0009_centre_status'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('regencies',
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['province_code'], ['provinces.code'], name=op.f('fk_regencies_province_code_provinces')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_regencies'))
    )
    with op.batch_alter_table('regencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regencies_province_code'), ['province_code'], unique=False)

    op.create_table('umkm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nib', sa.String(length=13), nullable=False),
    sa.Column('business_name', sa.String(length=200), nullable=False),
    sa.Column('owner_name', sa.String(length=120), nullable=False),
    sa.Column('kbli', sa.String(length=5), nullable=False),
    sa.Column('scale', sa.String(length=8), nullable=False),
    sa.Column('regency_code', sa.String(length=4), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('registered_by_centre_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("length(kbli) = 5 AND trim(kbli, '0123456789') = ''", name=op.f('ck_umkm_kbli_digits')),
    sa.CheckConstraint("length(nib) = 13 AND trim(nib, '0123456789') = ''", name=op.f('ck_umkm_nib_digits')),
    sa.CheckConstraint("scale IN ('mikro', 'kecil', 'menengah')", name=op.f('ck_umkm_scale_valid')),
    sa.ForeignKeyConstraint(['regency_code'], ['regencies.code'], name=op.f('fk_umkm_regency_code_regencies')),
    sa.ForeignKeyConstraint(['registered_by_centre_id'], ['centres.id'], name=op.f('fk_umkm_registered_by_centre_id_centres')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_umkm')),
    sa.UniqueConstraint('nib', name=op.f('uq_umkm_nib'))
    )
    with op.batch_alter_table('umkm', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_umkm_business_name'), ['business_name'], unique=False)
        batch_op.create_index('ix_umkm_regency_scale', ['regency_code', 'scale'], unique=False)
        batch_op.create_index(batch_op.f('ix_umkm_registered_by_centre_id'), ['registered_by_centre_id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=True),
    sa.Column('collaboration_id', sa.Integer(), nullable=True),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('thumbnail_sha256', sa.String(length=64), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('agreement', 'attendance', 'photo', 'report', 'other')", name=op.f('ck_attachments_kind_valid')),
    sa.CheckConstraint('(removed_at IS NULL) = (removed_by_id IS NULL)', name=op.f('ck_attachments_removed_together')),
    sa.CheckConstraint('CASE WHEN agreement_id IS NULL THEN 0 ELSE 1 END + CASE WHEN collaboration_id IS NULL THEN 0 ELSE 1 END + CASE WHEN activity_id IS NULL THEN 0 ELSE 1 END = 1', name=op.f('ck_attachments_one_subject')),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_attachments_sha256_length')),
    sa.CheckConstraint('size >= 0', name=op.f('ck_attachments_size_non_negative')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_attachments_activity_id_activities')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_attachments_agreement_id_agreements')),
    sa.ForeignKeyConstraint(['collaboration_id'], ['collaborations.id'], name=op.f('fk_attachments_collaboration_id_collaborations')),
    sa.ForeignKeyConstraint(['removed_by_id'], ['users.id'], name=op.f('fk_attachments_removed_by_id_users')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_collaboration_id'), ['collaboration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_sha256'), ['sha256'], unique=False)

    op.create_table('attendance',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('umkm_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_attendance_activity_id_activities')),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_attendance_added_by_id_users')),
    sa.ForeignKeyConstraint(['umkm_id'], ['umkm.id'], name=op.f('fk_attendance_umkm_id_umkm')),
    sa.PrimaryKeyConstraint('activity_id', 'umkm_id', name=op.f('pk_attendance'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_umkm', ['umkm_id'], unique=False)

    op.create_table('outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('umkm_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=24), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('amount_idr', sa.BigInteger(), nullable=True),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('collaboration_id', sa.Integer(), nullable=True),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(type = 'financing') = (amount_idr IS NOT NULL)", name=op.f('ck_outcomes_amount_iff_financing')),
    sa.CheckConstraint("type IN ('financing', 'halal_certificate', 'sni_certificate', 'bpom_permit', 'nib_issued', 'marketplace_onboarding', 'export', 'other')", name=op.f('ck_outcomes_type_valid')),
    sa.CheckConstraint('amount_idr IS NULL OR amount_idr > 0', name=op.f('ck_outcomes_amount_positive')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_outcomes_activity_id_activities')),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_outcomes_centre_id_centres')),
    sa.ForeignKeyConstraint(['collaboration_id'], ['collaborations.id'], name=op.f('fk_outcomes_collaboration_id_collaborations')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_outcomes_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['umkm_id'], ['umkm.id'], name=op.f('fk_outcomes_umkm_id_umkm')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcomes'))
    )
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcomes_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcomes_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcomes_collaboration_id'), ['collaboration_id'], unique=False)
        batch_op.create_index('ix_outcomes_date', ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcomes_umkm_id'), ['umkm_id'], unique=False)



def downgrade():
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcomes_umkm_id'))
        batch_op.drop_index('ix_outcomes_date')
        batch_op.drop_index(batch_op.f('ix_outcomes_collaboration_id'))
        batch_op.drop_index(batch_op.f('ix_outcomes_centre_id'))
        batch_op.drop_index(batch_op.f('ix_outcomes_activity_id'))

    op.drop_table('outcomes')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_attendance_umkm')

    op.drop_table('attendance')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_sha256'))
        batch_op.drop_index(batch_op.f('ix_attachments_collaboration_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_agreement_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_activity_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('umkm', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_umkm_registered_by_centre_id'))
        batch_op.drop_index('ix_umkm_regency_scale')
        batch_op.drop_index(batch_op.f('ix_umkm_business_name'))

    op.drop_table('umkm')
    with op.batch_alter_table('regencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regencies_province_code'))

    op.drop_table('regencies')
