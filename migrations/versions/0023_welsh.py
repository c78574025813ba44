"""welsh: Welsh texts beside the English ones, and each contact's language

Revision ID: 0023_welsh
Revises: 0022_password_link_requests
Create Date: 2026-12-06 09:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0023_welsh'
down_revision = '0022_password_link_requests'
branch_labels = None
depends_on = None

WELSH_COLUMNS = {
    'areas': [('name_cy', sa.String(length=200))],
    'services': [('name_cy', sa.String(length=200))],
    'notices': [('title_cy', sa.String(length=200)), ('summary_cy', sa.Text()), ('advice_cy', sa.Text())],
    'notice_updates': [('summary_cy', sa.Text()), ('advice_cy', sa.Text())],
    'pending_updates': [('summary_cy', sa.Text()), ('advice_cy', sa.Text())],
    'notice_templates': [('title_cy', sa.String(length=200)), ('summary_cy', sa.Text()), ('advice_cy', sa.Text())],
    'headlines': [('text_cy', sa.String(length=300))],
}


def upgrade():
    for table, columns in WELSH_COLUMNS.items():
        with op.batch_alter_table(table) as batch_op:
            for name, type_ in columns:
                batch_op.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table('subscribers') as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=2), server_default='en', nullable=False))


def downgrade():
    with op.batch_alter_table('subscribers') as batch_op:
        batch_op.drop_column('language')
    for table, columns in WELSH_COLUMNS.items():
        with op.batch_alter_table(table) as batch_op:
            for name, _type in columns:
                batch_op.drop_column(name)
