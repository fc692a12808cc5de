"""number series: one counter row per series and period

Revision ID: f1a2b3c4d5e6
Revises: ebc2468853f9
Create Date: 2026-11-24 09:00:00

The counters of app/core/numbering.py: key "<series>:<period>" (e.g. "application:2026") and the
last number handed out. Bookkeeping, not audited. The table starts empty: a series' ``start``
continues above existing data when a period's row is first made.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1a2b3c4d5e6'
down_revision = 'ebc2468853f9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('number_series',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('last', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade():
    op.drop_table('number_series')
