"""Turn a chain into SQL: one statement for the page's rows (only the listed columns, relations
joined in the same statement), and a count that stops early on big selections instead of scanning
a whole table (stock FAB counts every row of 1.56 M employees on every page)."""
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import aliased

from app.core.search.chain import REFINE
from app.security.scoping import restrict

COUNT_CAP = 10_000
# Above this many matches, a page sorted on another column is found faster by walking that column's
# index and testing the text condition row by row than by collecting every match and sorting it.
WIDE_SELECTION = 2_000


@dataclass(frozen=True)
class Page:
    rows: list
    count: int           # exact when not capped, else the number counted so far
    capped: bool         # more rows exist than counted
    number: int          # 1-based page number
    pages: int | None    # None when the count is capped
    size: int


def selection_clause(chain, fields, indexable=True):
    clause = None
    for step in chain.steps:
        condition = and_(*fields[step.field].condition(step.operator, step.value, indexable))
        if clause is None:
            clause = condition
        elif step.mode == REFINE:
            clause = and_(clause, condition)
        else:
            clause = or_(clause, condition)
    return clause


def where_clauses(chain, fields, active_column, indexable=True):
    """The selection (the chain and Actief); the rows a user may see are added by ``restrict``."""
    clauses = [c for c in (selection_clause(chain, fields, indexable),) if c is not None]
    if chain.active_only and active_column is not None:
        clauses.append(active_column == true())  # "= true": unlike "IS true", it can use an index
    return clauses or [true()]


def list_statement(model, columns, where):
    """SELECT id and the listed columns; 'rel.attr' columns are outer-joined, once per relation."""
    joins, selected = {}, [model.id.label("id")]
    for name in columns:
        if "." in name:
            relation, attribute = name.split(".", 1)
            if relation not in joins:
                target = aliased(getattr(model, relation).property.mapper.class_)
                joins[relation] = (target, getattr(model, relation))
            selected.append(getattr(joins[relation][0], attribute).label(name))
        else:
            selected.append(getattr(model, name).label(name))
    statement = select(*selected).select_from(model)
    for target, relationship in joins.values():
        statement = statement.outerjoin(target, relationship.of_type(target))
    return statement.where(*where)


def fetch_page(session, model, user, columns, where, order_column, descending, page_number, page_size,
               unindexed_where=None):
    """One page of rows and a (capped) count. ``unindexed_where`` is the same selection with its text
    keys hidden from the planner; SQLite, which has no statistics on how many rows a prefix matches,
    gets it for wide selections so that it walks the sort column's index instead of sorting them all."""
    order = [order_column.desc(), model.id.desc()] if descending else [order_column.asc(), model.id.asc()]
    cap = max(COUNT_CAP, (page_number + 10) * page_size)
    counted = session.execute(select(func.count()).select_from(
        restrict(select(model.id).where(*where), model, user).limit(cap + 1).subquery())).scalar()
    capped = counted > cap
    count = cap if capped else counted
    pages = None if capped else max(1, -(-count // page_size))
    if pages is not None:
        page_number = min(page_number, pages)
    # Deferred join: the page's ids come from the index alone (a deep OFFSET skips index entries, not
    # table rows); only those 25 rows are then read, with their related columns.
    if unindexed_where is not None and counted > WIDE_SELECTION:
        where = unindexed_where
    page_ids = (restrict(select(model.id).where(*where), model, user).order_by(*order)
                .limit(page_size).offset((page_number - 1) * page_size).scalar_subquery())
    statement = list_statement(model, columns, [model.id.in_(page_ids)]).order_by(*order)
    rows = session.execute(statement).mappings().all()
    return Page(rows=rows, count=count, capped=capped, number=page_number, pages=pages, size=page_size)


def all_rows(session, model, user, columns, where, order_column, descending, limit):
    order = [order_column.desc(), model.id.desc()] if descending else [order_column.asc(), model.id.asc()]
    statement = restrict(list_statement(model, columns, where), model, user).order_by(*order).limit(limit)
    return session.execute(statement.execution_options(yield_per=2000)).mappings()
