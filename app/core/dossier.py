"""Dossier tabs that domains plug in (MijnOOM 6.3, 7.3).

A dossier is a record's page (a company, an employee) with tabs, one page per tab (``?tab=<key>``).
Each domain registers its own tabs in its ``tabs.py``:

    register_tab(Company, Tab("aangevraagd", _l("Aangevraagd"), company_applications, columns, more=True,
                              template="training/applications_tab.html", context=applications_context),
                 order=140)

A tab carries who may see it (``visible_to`` roles, or a ``visible`` rule), its one query (``rows``,
limited to the owner and to the user's scope with ``restrict``, loading what its columns need in the
same statement, so a tab costs a fixed number of queries however many rows it has), the columns to
show, its actions (``context`` for its ``template``) and how it appears in the company report
(``period``, ``report_rows``). A tab the user may not see is absent from the tabs, answers 404 and never
reaches the user's report.
"""
from dataclasses import dataclass
from typing import Callable, Optional

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.core.formatting import display_value, money, yes_no

DETAILS = "details"  # the record's own data: the show page, rendered by the dossier view itself


@dataclass(frozen=True)
class Column:
    label: object
    value: Callable
    link: Optional[tuple] = None  # (view endpoint, row → pk): the cell links to that show page
    css: str = ""


@dataclass(frozen=True)
class Tab:
    key: str
    label: object
    rows: Optional[Callable] = None  # (session, owner, user) → rows; None: the template shows what it needs
    columns: tuple = ()
    more: bool = False  # listed under "Meer" (M6.3.7)
    empty: object = _l("Er zijn geen gegevens.")
    row_class: Optional[Callable] = None
    footer: Optional[Callable] = None  # rows → text under the table (a total)
    intro: object = None
    visible_to: Optional[frozenset] = None  # role names that see the tab; None: whoever sees the record
    visible: Optional[Callable] = None  # user → bool, a rule instead of (or beside) roles
    template: Optional[str] = None  # the tab's body; default: its rows as a table
    context: Optional[Callable] = None  # (view, owner) → what the template needs (its actions)
    period: Optional[Callable] = None  # row → the date that places it in a report period
    report_rows: Optional[Callable] = None  # (session, owner, user, start, end) → rows for the report
    in_report: bool = True

    def may_be_seen_by(self, user):
        if self.visible_to is not None and not (set(getattr(user, "role_names", ())) & self.visible_to):
            return False
        return self.visible is None or bool(self.visible(user))

    @property
    def reportable(self):
        return self.in_report and self.rows is not None


_TABS = {}  # owner model → {key: (order, tab)}


def register_tab(owner, tab, order):
    """Add ``tab`` to the dossier of ``owner`` (a model class) at position ``order``."""
    tabs = _TABS.setdefault(owner, {})
    if tab.key in tabs and tabs[tab.key][1] != tab:
        raise ValueError(f"{owner.__name__} has a tab {tab.key!r} already")
    tabs[tab.key] = (order, tab)


def unregister_tab(owner, key):
    _TABS.get(owner, {}).pop(key, None)


def all_tabs(owner):
    return [tab for _order, tab in sorted(_TABS.get(owner, {}).values(), key=lambda entry: entry[0])]


def tabs_for(owner, user):
    """The tabs of ``owner``'s dossier that ``user`` may see, in order."""
    return [tab for tab in all_tabs(owner) if tab.may_be_seen_by(user)]


def tab_named(tabs, key):
    """The tab with this key (the first tab when no key is asked), or None."""
    if not key:
        return tabs[0] if tabs else None
    return next((tab for tab in tabs if tab.key == key), None)


def total(attribute, formatter=money):
    """A tab's footer: the sum of one attribute over its rows ("Totaal € 1.350,00", "Totaal 4,5")."""
    return lambda rows: formatter(sum((getattr(row, attribute) or 0 for row in rows)))


def rendered_rows(tab, rows, links):
    """(row, its CSS class, its <td> cells) for every row: built here rather than cell by cell in
    Jinja, because a tab may have 500 rows of five columns. ``links`` maps a view endpoint to its
    show URL prefix, or to None when the user may not open that page."""
    yes_no_text = {True: escape(yes_no(True)), False: escape(yes_no(False))}  # translated once

    def cell(column, row):
        value = column.value(row)
        text = yes_no_text[value] if isinstance(value, bool) else escape(display_value(value))
        prefix = links.get(column.link[0]) if column.link else None
        if prefix and text != "":
            text = f'<a href="{prefix}{int(column.link[1](row))}">{text}</a>'
        return f'<td class="{column.css}">{text}</td>' if column.css else f"<td>{text}</td>"

    return [(row, tab.row_class(row) if tab.row_class else "",
             Markup("".join(cell(column, row) for column in tab.columns))) for row in rows]
