"""The migrations build the whole schema: the test database was upgraded from empty to head by the
fixture, and autogenerate then finds nothing to add (on whichever engine the suite runs)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.extensions import db


def test_upgraded_database_matches_the_models(app, ctx):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_database_is_at_the_single_head(app, ctx):
    config = app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == heads[0]


def test_metadata_holds_fab_and_domain_tables():
    assert {"ab_user", "ab_role", "company", "employee", "contact_person", "user_region"} <= set(db.metadata.tables)
