"""four eyes: editors, who asked and approved, updates waiting for approval, API tokens for a named person

Revision ID: 0011a_four_eyes
Revises: 0011b_staff_accounts
Create Date: 2026-11-29 20:20:00

"""
from alembic import op
import sqlalchemy as sa

import alerts.models.base


# revision identifiers, used by Alembic.
revision = '0011a_four_eyes'
down_revision = '0011b_staff_accounts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice_editors',
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_editors_notice_id_notices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'], name=op.f('fk_notice_editors_staff_user_id_staff_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('notice_id', 'staff_user_id', name=op.f('pk_notice_editors'))
    )
    op.create_table('pending_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('published', 'updated', 'resolved', 'expired', name='update_kind', native_enum=False, length=32), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('advice', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('token_made_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_pending_updates_notice_id_notices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['staff_users.id'], name=op.f('fk_pending_updates_requested_by_id_staff_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['token_made_by_id'], ['staff_users.id'], name=op.f('fk_pending_updates_token_made_by_id_staff_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_updates')),
    sa.UniqueConstraint('notice_id', name=op.f('uq_pending_updates_notice_id'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('requested_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('approved_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notices_requested_by_id_staff_users'), 'staff_users', ['requested_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('notice_updates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notice_updates_approved_by_id_staff_users'), 'staff_users', ['approved_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('expires_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_api_tokens_staff_user_id'), ['staff_user_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_api_tokens_staff_user_id_staff_users'), 'staff_users', ['staff_user_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_api_tokens_created_by_id_staff_users'), 'staff_users', ['created_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_api_tokens_created_by_id_staff_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_api_tokens_staff_user_id_staff_users'), type_='foreignkey')
        batch_op.drop_column('created_by_id')
        batch_op.drop_index(batch_op.f('ix_api_tokens_staff_user_id'))
        batch_op.drop_column('expires_at_utc')
        batch_op.drop_column('staff_user_id')

    with op.batch_alter_table('notice_updates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notice_updates_approved_by_id_staff_users'), type_='foreignkey')
        batch_op.drop_column('approved_by_id')

    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notices_requested_by_id_staff_users'), type_='foreignkey')
        batch_op.drop_column('approved_at_utc')
        batch_op.drop_column('requested_at_utc')
        batch_op.drop_column('requested_by_id')

    op.drop_table('pending_updates')
    op.drop_table('notice_editors')
