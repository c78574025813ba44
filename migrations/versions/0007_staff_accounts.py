"""staff accounts: second factor, recovery codes, password reset links, sign-in throttling

Revision ID: 0011b_staff_accounts
Revises: 0014b_privacy_staff
"""
from alembic import op
import sqlalchemy as sa

import alerts.models.base


revision = '0011b_staff_accounts'
down_revision = '0014b_privacy_staff'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret_sealed', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('totp_confirmed_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('password_changed_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=True))

    op.create_table('staff_recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'], name=op.f('fk_staff_recovery_codes_staff_user_id_staff_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_recovery_codes'))
    )
    with op.batch_alter_table('staff_recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_recovery_codes_staff_user_id'), ['staff_user_id'], unique=False)

    op.create_table('staff_password_resets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('requested_by', sa.String(length=320), nullable=False),
    sa.Column('created_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'], name=op.f('fk_staff_password_resets_staff_user_id_staff_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_password_resets')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_password_resets_token_hash'))
    )
    with op.batch_alter_table('staff_password_resets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_password_resets_staff_user_id'), ['staff_user_id'], unique=False)

    op.create_table('staff_sign_in_throttles',
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('retry_after_epoch', sa.Float(), nullable=False),
    sa.Column('last_attempt_epoch', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_staff_sign_in_throttles'))
    )


def downgrade():
    op.drop_table('staff_sign_in_throttles')
    with op.batch_alter_table('staff_password_resets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_password_resets_staff_user_id'))
    op.drop_table('staff_password_resets')
    with op.batch_alter_table('staff_recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_recovery_codes_staff_user_id'))
    op.drop_table('staff_recovery_codes')
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_column('password_changed_at_utc')
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_confirmed_at_utc')
        batch_op.drop_column('totp_secret_sealed')
