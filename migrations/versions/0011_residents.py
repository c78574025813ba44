"""residents: replies to texts (STOP/START), daily email digests, spoken consent by phone

Revision ID: 0016_residents
Revises: 0012_delivery_fencing
Create Date: 2026-11-29 21:15:00

"""
from alembic import op
import sqlalchemy as sa

import alerts.models.base


# revision identifiers, used by Alembic.
revision = '0016_residents'
down_revision = '0012_delivery_fencing'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'inbound_texts',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('action', sa.String(length=16), nullable=False),
        sa.Column('received_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('recorded_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_texts')),
    )
    op.create_index(op.f('ix_inbound_texts_recorded_at_utc'), 'inbound_texts', ['recorded_at_utc'], unique=False)
    op.create_table(
        'digest_sends',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subscriber_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('message_id', sa.String(length=36), nullable=True),
        sa.Column('notices', sa.Integer(), nullable=False),
        sa.Column('created_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], name=op.f('fk_digest_sends_subscriber_id_subscribers'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_digest_sends_message_id_messages'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_sends')),
        sa.UniqueConstraint('subscriber_id', 'day', name=op.f('uq_digest_sends_subscriber_id')),
    )
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_record', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('digest', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.drop_column('digest')
        batch_op.drop_column('consent_record')
    op.drop_table('digest_sends')
    op.drop_index(op.f('ix_inbound_texts_recorded_at_utc'), table_name='inbound_texts')
    op.drop_table('inbound_texts')
