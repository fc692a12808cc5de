"""Folded search-key columns, kept up to date on every ORM write.

A model lists ``__search_keys__ = {"surname_key": "surname"}``; before every insert and update the
key is recomputed from its source. Bulk loads that bypass the ORM (the demo generator) call
``fold`` themselves. On PostgreSQL the key uses the "C" collation, so a prefix range and the
index order agree byte for byte, as they do in SQLite.
"""
from flask_appbuilder import Model
from sqlalchemy import Index, String, event, text
from sqlalchemy.orm import mapped_column

from app.core.search.text import fold


def key_type(length):
    return String(length).with_variant(String(length, collation="C"), "postgresql")


def key_column(length):
    return mapped_column(key_type(length), nullable=True)


def active_only_indexes(table, *column_sets):
    """Partial indexes over the active rows: what a list with "Actief" ticked reads. Both engines use
    them when the query says `active = true` (SQLite: `active = 1`)."""
    return [Index(f"ix_{table}_{'_'.join(columns)}_active", *columns,
                  sqlite_where=text("active = 1"), postgresql_where=text("active"))
            for columns in column_sets]


def refresh_keys(target):
    for key, source in getattr(type(target), "__search_keys__", {}).items():
        setattr(target, key, fold(getattr(target, source)))


@event.listens_for(Model, "before_insert", propagate=True)
def _keys_before_insert(mapper, connection, target):
    refresh_keys(target)


@event.listens_for(Model, "before_update", propagate=True)
def _keys_before_update(mapper, connection, target):
    refresh_keys(target)
