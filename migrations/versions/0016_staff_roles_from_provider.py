"""staff users: roles_from_provider, set when single sign-on made the account or set its role from the provider's
roles claim, so that a role taken away at the provider keeps the person out at their next sign-in

Revision ID: 0016_staff_roles_from_provider
Revises: 0018_drop_unused_staff_lockout
Create Date: 2026-12-06 04:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0016_staff_roles_from_provider'
down_revision = '0018_drop_unused_staff_lockout'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_users') as batch_op:
        batch_op.add_column(sa.Column('roles_from_provider', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('staff_users') as batch_op:
        batch_op.drop_column('roles_from_provider')
