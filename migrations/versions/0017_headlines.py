"""headlines: the service-wide headline an officer sets for the start page and the partner banner, with its end

Revision ID: 0017_headlines
Revises: 0016_staff_roles_from_provider
Create Date: 2026-12-06 04:00:00

"""
import sqlalchemy as sa
from alembic import op

import alerts.models.base

revision = '0017_headlines'
down_revision = '0016_staff_roles_from_provider'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'headlines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=300), nullable=False),
        sa.Column('ends_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('set_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['set_by_id'], ['staff_users.id'], name=op.f('fk_headlines_set_by_id_staff_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_headlines')),
    )
    with op.batch_alter_table('headlines') as batch_op:
        batch_op.create_index(batch_op.f('ix_headlines_ends_at_utc'), ['ends_at_utc'], unique=False)


def downgrade():
    with op.batch_alter_table('headlines') as batch_op:
        batch_op.drop_index(batch_op.f('ix_headlines_ends_at_utc'))
    op.drop_table('headlines')
