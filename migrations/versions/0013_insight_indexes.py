"""insight indexes: kept counts read by metric and day; texts still waiting for Notify's cost

Revision ID: 0015b_insight_indexes
Revises: 0015_insight
Create Date: 2026-11-30 00:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015b_insight_indexes'
down_revision = '0015_insight'
branch_labels = None
depends_on = None

WAITING_FOR_COST = sa.text("channel = 'sms' AND cost_in_pounds IS NULL AND notify_id IS NOT NULL")


def upgrade():
    op.create_index('ix_insight_counts_metric_day', 'insight_counts', ['metric', 'day'])
    op.create_index('ix_messages_waiting_for_cost', 'messages', ['sent_at_utc'],
                    postgresql_where=WAITING_FOR_COST, sqlite_where=WAITING_FOR_COST)


def downgrade():
    op.drop_index('ix_messages_waiting_for_cost', table_name='messages')
    op.drop_index('ix_insight_counts_metric_day', table_name='insight_counts')
