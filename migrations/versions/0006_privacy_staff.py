"""privacy (staff side): subscribers get an opaque public id for staff URLs

Revision ID: 0014b_privacy_staff
Revises: 0003_staff
Create Date: 2026-11-29 20:20:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014b_privacy_staff'
down_revision = '0003_staff'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_id', sa.String(length=24), nullable=True))
    subscribers = sa.table('subscribers', sa.column('id', sa.Integer()), sa.column('public_id', sa.String()))
    connection = op.get_bind()
    ids = connection.execute(sa.select(subscribers.c.id).where(subscribers.c.public_id.is_(None))).scalars().all()
    for subscriber_id in ids:
        connection.execute(subscribers.update().where(subscribers.c.id == subscriber_id)
                           .values(public_id=secrets.token_urlsafe(12)))
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.alter_column('public_id', existing_type=sa.String(length=24), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_subscribers_public_id'), ['public_id'])


def downgrade():
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_subscribers_public_id'), type_='unique')
        batch_op.drop_column('public_id')
