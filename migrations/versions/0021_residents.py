"""residents: one person's confirmed contacts (email, mobile) linked so they share places, services and the digest

Revision ID: 0021_residents
Revises: 0020_manage_requests
Create Date: 2026-12-06 06:10:00

Existing subscribers keep a null resident: nothing is merged by guessing.
"""
import sqlalchemy as sa
from alembic import op

import alerts.models.base

revision = '0021_residents'
down_revision = '0020_manage_requests'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'residents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at_utc', alerts.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_residents')),
    )
    with op.batch_alter_table('subscribers') as batch_op:
        batch_op.add_column(sa.Column('resident_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_subscribers_resident_id'), ['resident_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_subscribers_resident_id_residents'), 'residents',
                                    ['resident_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('subscribers') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_subscribers_resident_id_residents'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_subscribers_resident_id'))
        batch_op.drop_column('resident_id')
    op.drop_table('residents')
