"""status changes: the history of every record with a state machine

Revision ID: a7c3e9d2b814
Revises: f1a2b3c4d5e6
Create Date: 2026-12-06 09:00:00

One status_change row per move of a record between its states (app/core/states.py): the record
(model and id), from and to, when (UTC), who, and a note. Applications and error reports move on it;
existing records get no history (their moves before this revision are in the audit trail).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9d2b814'
down_revision = 'f1a2b3c4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('status_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_model', sa.String(length=100), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.String(length=30), nullable=True),
    sa.Column('to_state', sa.String(length=30), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_email', sa.String(length=320), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('status_change', schema=None) as batch_op:
        batch_op.create_index('ix_status_change_record', ['record_model', 'record_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('status_change', schema=None) as batch_op:
        batch_op.drop_index('ix_status_change_record')
    op.drop_table('status_change')
