"""privacy: codes bound to the client they were sent for; when a subscriber was suspended

Revision ID: 0014a_privacy_links
Revises: 0011a_four_eyes
Create Date: 2026-11-29 20:30:00

"""
from alembic import op
import sqlalchemy as sa

import alerts.models.base


# revision identifiers, used by Alembic.
revision = '0014a_privacy_links'
down_revision = '0011a_four_eyes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code_issued_to', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('suspended_at_utc', alerts.models.base.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.drop_column('suspended_at_utc')
        batch_op.drop_column('code_issued_to')
