"""counsellors, the queue's life cycle, private notes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 03:30:00
"""
from alembic import op
import sqlalchemy as sa
import bot.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('waiting', 'assigned')")
OLD_OPEN = sa.text("status != 'closed'")


def upgrade() -> None:
    op.create_table('counsellor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=80), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('centre', sa.String(length=16), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_on', bot.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_on', bot.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counsellor')),
    sa.UniqueConstraint('username', name=op.f('uq_counsellor_username'))
    )
    op.create_table('note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.String(length=32), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_on', bot.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['counsellor.id'], name=op.f('fk_note_author_id_counsellor'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], name=op.f('fk_note_conversation_id_conversation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_note'))
    )
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_note_conversation_id'), ['conversation_id'], unique=False)

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_message_author_id_counsellor'), 'counsellor', ['author_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_index('uq_escalation_open_conversation', sqlite_where=OLD_OPEN, postgresql_where=OLD_OPEN)
        batch_op.add_column(sa.Column('centre', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('assigned_to', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assigned_on', bot.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_on', bot.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('referral', sa.String(length=120), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_escalation_assigned_to_counsellor'), 'counsellor', ['assigned_to'], ['id'], ondelete='SET NULL')
    # escalations opened before this revision belong to the centre of their conversation
    op.execute("UPDATE escalation SET centre = (SELECT centre FROM conversation "
               "WHERE conversation.id = escalation.conversation_id)")
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.alter_column('centre', existing_type=sa.String(length=16), nullable=False)
        batch_op.create_index('uq_escalation_open_conversation', ['conversation_id'], unique=True, sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index('ix_escalation_queue', ['centre', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_index('ix_escalation_queue')
        batch_op.drop_index('uq_escalation_open_conversation', sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.drop_constraint(batch_op.f('fk_escalation_assigned_to_counsellor'), type_='foreignkey')
        batch_op.drop_column('referral')
        batch_op.drop_column('outcome')
        batch_op.drop_column('closed_on')
        batch_op.drop_column('assigned_on')
        batch_op.drop_column('assigned_to')
        batch_op.drop_column('centre')
        batch_op.create_index('uq_escalation_open_conversation', ['conversation_id'], unique=True, sqlite_where=OLD_OPEN, postgresql_where=OLD_OPEN)
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_message_author_id_counsellor'), type_='foreignkey')
        batch_op.drop_column('author_id')
    op.drop_table('note')
    op.drop_table('counsellor')
