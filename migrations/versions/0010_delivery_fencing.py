"""delivery: a claim token on each message, so a worker that lost its lease cannot record over a newer claim

Revision ID: 0012_delivery_fencing
Revises: 0014a_privacy_links
Create Date: 2026-11-29 20:20:00

Message status `skipped` (a stale alert not sent) needs no change: statuses are stored as plain strings.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_delivery_fencing'
down_revision = '0014a_privacy_links'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_token', sa.String(length=36), nullable=True))


def downgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('claim_token')
