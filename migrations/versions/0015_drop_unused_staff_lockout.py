"""staff users: drop failed_sign_ins and locked_until_utc, which nothing has read since sign-in throttling moved to
staff_sign_in_throttles

Revision ID: 0018_drop_unused_staff_lockout
Revises: 0017_council_profile
Create Date: 2026-11-30 01:25:00

"""
import sqlalchemy as sa
from alembic import op

import alerts.models.base

revision = '0018_drop_unused_staff_lockout'
down_revision = '0017_council_profile'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_users') as batch_op:
        batch_op.drop_column('locked_until_utc')
        batch_op.drop_column('failed_sign_ins')


def downgrade():
    with op.batch_alter_table('staff_users') as batch_op:
        batch_op.add_column(sa.Column('failed_sign_ins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until_utc', alerts.models.base.UTCDateTime(timezone=True),
                                      nullable=True))
