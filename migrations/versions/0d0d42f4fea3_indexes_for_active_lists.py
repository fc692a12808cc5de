"""partial indexes for lists with Actief ticked; a company's employees by number

Revision ID: 0d0d42f4fea3
Revises: 7664db13a94a
Create Date: 2026-11-23 10:06:00

Lists open with "Actief" ticked; these indexes hold the active rows only, in the orders the search
bar sorts and searches by, so counts and deep pages read an index and not the table.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0d0d42f4fea3'
down_revision = '7664db13a94a'
branch_labels = None
depends_on = None

PARTIAL = {
    "company": [("ix_company_number_active", ["number"]),
                ("ix_company_name_key_id_active", ["name_key", "id"]),
                ("ix_company_place_key_id_active", ["place_key", "id"])],
    "employee": [("ix_employee_number_active", ["number"]),
                 ("ix_employee_surname_key_id_active", ["surname_key", "id"]),
                 ("ix_employee_place_key_id_active", ["place_key", "id"])],
}
WHERE = dict(sqlite_where=sa.text("active = 1"), postgresql_where=sa.text("active"))


def upgrade():
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_active'))
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employee_company_id'))
        batch_op.create_index('ix_employee_company_id_number', ['company_id', 'number'], unique=False)
    for table, indexes in PARTIAL.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, columns in indexes:
                batch_op.create_index(name, columns, unique=False, **WHERE)


def downgrade():
    for table, indexes in PARTIAL.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _ in indexes:
                batch_op.drop_index(name, **WHERE)
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.drop_index('ix_employee_company_id_number')
        batch_op.create_index(batch_op.f('ix_employee_company_id'), ['company_id'], unique=False)
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_active'), ['active'], unique=False)
