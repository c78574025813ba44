"""audience indexes: the check page counts whom a notice would reach exactly, from two covering indexes

Revision ID: 0018_audience_indexes
Revises: 0017_headlines
Create Date: 2026-12-06 06:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0018_audience_indexes'
down_revision = '0017_headlines'
branch_labels = None
depends_on = None

REACHABLE = sa.text("status = 'confirmed' AND contact IS NOT NULL")


def upgrade():
    # Subscriptions by area, carrying the subscriber: an area's followers without reading the table.
    op.create_index('ix_subscriptions_area_id_subscriber_id', 'subscriptions', ['area_id', 'subscriber_id'])
    # Confirmed subscribers with a contact, carrying what the count groups and filters by (PostgreSQL only:
    # SQLite has no INCLUDE, and the partial index serves it as it is).
    op.create_index('ix_subscribers_reachable', 'subscribers', ['id'],
                    postgresql_include=['channel', 'all_services'],
                    postgresql_where=REACHABLE, sqlite_where=REACHABLE)


def downgrade():
    op.drop_index('ix_subscribers_reachable', table_name='subscribers')
    op.drop_index('ix_subscriptions_area_id_subscriber_id', table_name='subscriptions')
