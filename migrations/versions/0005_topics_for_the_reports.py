"""the theme and destination of each answered message, for the activity reports

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 05:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('destination_country', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('destination_country')
        batch_op.drop_column('topic')
