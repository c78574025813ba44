"""council profile: the council whose areas this database holds, so another council's are refused

Revision ID: 0017_council_profile
Revises: 0015b_insight_indexes
Create Date: 2026-11-30 00:30:00

"""
from alembic import op
import sqlalchemy as sa

import alerts.models.base


revision = '0017_council_profile'
down_revision = '0015b_insight_indexes'
branch_labels = None
depends_on = None


def upgrade():
    # Empty until `flask load-reference-data` (or seed-demo, import-postcodes) records the council it loads. A
    # database that already has areas is checked against them then (alerts/data/reference.py check_council).
    op.create_table(
        'council_profile',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('council_id', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('recorded_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_council_profile')),
    )


def downgrade():
    op.drop_table('council_profile')
