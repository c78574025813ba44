"""password link requests: what the "Forgot your password?" page queues for the scheduler to send

Revision ID: 0022_password_link_requests
Revises: 0021_residents
Create Date: 2026-12-06 06:40:00

"""
import sqlalchemy as sa
from alembic import op

import alerts.models.base

revision = '0022_password_link_requests'
down_revision = '0021_residents'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'staff_password_link_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=320), nullable=False),
        sa.Column('ip_address', sa.String(length=64), nullable=True),
        sa.Column('created_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_password_link_requests')),
    )


def downgrade():
    op.drop_table('staff_password_link_requests')
