"""record versions: no lost updates

Revision ID: 5b1e2c7d9a01
Revises: 9dd624f27df8
Create Date: 2026-11-23 10:45:00

Every editable record gets a version number (SQLAlchemy version_id_col); forms carry it in a
hidden field and the API in ETag / If-Match, so a stale save is refused instead of overwriting.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1e2c7d9a01'
down_revision = '9dd624f27df8'
branch_labels = None
depends_on = None

TABLES = ("region", "sub_branch", "code", "company", "contact_person", "employee", "employment", "institute",
          "outplacement_organisation", "campaign_banner", "partner_logo", "contact_message", "saved_overview")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
