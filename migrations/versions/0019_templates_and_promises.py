"""templates and update promises: the council's standard notices, and each notice's "next update by"

Revision ID: 0019_templates_and_promises
Revises: 0018_audience_indexes
Create Date: 2026-12-06 06:10:00

"""
import sqlalchemy as sa
from alembic import op

import alerts.models.base

revision = '0019_templates_and_promises'
down_revision = '0018_audience_indexes'
branch_labels = None
depends_on = None

UTC = alerts.models.base.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        'notice_templates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=60), nullable=True),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('service_id', sa.String(length=64), nullable=False),
        sa.Column('impact', sa.Enum('minor', 'major', 'severe', name='impact', native_enum=False, length=32),
                  nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('advice', sa.Text(), nullable=False),
        sa.Column('created_at_utc', UTC, nullable=False),
        sa.Column('updated_at_utc', UTC, nullable=False),
        sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_notice_templates_service_id_services')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_templates')),
        sa.UniqueConstraint('key', name=op.f('uq_notice_templates_key')),
    )
    op.create_table(
        'update_promises',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notice_id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.String(length=64), nullable=False),
        sa.Column('due_at_utc', UTC, nullable=False),
        sa.Column('made_at_utc', UTC, nullable=False),
        sa.Column('made_by_id', sa.Integer(), nullable=True),
        sa.Column('answered_at_utc', UTC, nullable=True),
        sa.Column('nudged_at_utc', UTC, nullable=True),
        sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_update_promises_notice_id_notices'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_update_promises_service_id_services')),
        sa.ForeignKeyConstraint(['made_by_id'], ['staff_users.id'],
                                name=op.f('fk_update_promises_made_by_id_staff_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_update_promises')),
    )
    with op.batch_alter_table('update_promises') as batch_op:
        batch_op.create_index(batch_op.f('ix_update_promises_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_update_promises_due_at_utc'), ['due_at_utc'], unique=False)
    with op.batch_alter_table('notices') as batch_op:
        batch_op.add_column(sa.Column('next_update_by_utc', UTC, nullable=True))


def downgrade():
    with op.batch_alter_table('notices') as batch_op:
        batch_op.drop_column('next_update_by_utc')
    with op.batch_alter_table('update_promises') as batch_op:
        batch_op.drop_index(batch_op.f('ix_update_promises_due_at_utc'))
        batch_op.drop_index(batch_op.f('ix_update_promises_notice_id'))
    op.drop_table('update_promises')
    op.drop_table('notice_templates')
