"""insight: kept counts for service managers, per-notice delivery summaries, and Notify's cost per message

Revision ID: 0015_insight
Revises: 0016_residents
Create Date: 2026-11-29 21:30:00

"""
from alembic import op
import sqlalchemy as sa

import alerts.models.base


# revision identifiers, used by Alembic. It applies after 0016_residents although its id carries a lower number:
# ids never change once shipped, and the file name's number is the apply order.
revision = '0015_insight'
down_revision = '0016_residents'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'insight_counts',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('metric', sa.String(length=40), nullable=False),
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'metric', 'key', name=op.f('pk_insight_counts')),
    )
    op.create_table(
        'insight_notice_delivery',
        sa.Column('notice_id', sa.Integer(), nullable=False),
        sa.Column('audience', sa.Integer(), nullable=False),
        sa.Column('texts', sa.Integer(), nullable=False),
        sa.Column('delivered', sa.Integer(), nullable=False),
        sa.Column('failed', sa.Integer(), nullable=False),
        sa.Column('seconds_to_half', sa.Integer(), nullable=True),
        sa.Column('seconds_to_95', sa.Integer(), nullable=True),
        sa.Column('cost_pounds', sa.Numeric(precision=12, scale=4), nullable=True),
        sa.Column('failures', sa.JSON(), nullable=False),
        sa.Column('rolled_up_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_insight_notice_delivery_notice_id_notices'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('notice_id', name=op.f('pk_insight_notice_delivery')),
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cost_in_pounds', sa.Numeric(precision=10, scale=4), nullable=True))
        batch_op.add_column(sa.Column('cost_checked_at_utc', alerts.models.base.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('cost_checked_at_utc')
        batch_op.drop_column('cost_in_pounds')
    op.drop_table('insight_notice_delivery')
    op.drop_table('insight_counts')
