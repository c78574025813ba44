"""manage requests: a resident's request for a manage link or code, answered by the scheduler

Revision ID: 0020_manage_requests
Revises: 0019_templates_and_promises
Create Date: 2026-12-06 06:30:00

"""
import sqlalchemy as sa
from alembic import op

import alerts.models.base

revision = '0020_manage_requests'
down_revision = '0019_templates_and_promises'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'manage_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=8), nullable=False),
        sa.Column('contact', sa.String(length=320), nullable=True),
        sa.Column('issued_to', sa.String(length=64), nullable=True),
        sa.Column('guesses', sa.Integer(), nullable=False),
        sa.Column('requested_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('answered_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_manage_requests')),
    )
    op.create_index(op.f('ix_manage_requests_requested_at_utc'), 'manage_requests', ['requested_at_utc'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_manage_requests_requested_at_utc'), table_name='manage_requests')
    op.drop_table('manage_requests')
