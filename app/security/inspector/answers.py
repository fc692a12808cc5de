"""What the inspector answers: verdicts with their reasons, for a record, a page and the menu."""
from dataclasses import dataclass, field

from flask_babel import gettext as _

RECORD_ACTIONS = ("show", "edit", "delete")  # the ModelView methods behind "zien", "wijzigen", "verwijderen"
FIXED = "fixed"
COUNT_CAP = 10_000


class RecordNotFound(LookupError):
    """The record asked about does not exist."""


@dataclass
class Reason:
    text: str
    ok: bool | None = None  # True: grants, False: refuses, None: for information


@dataclass
class Verdict:
    action: str           # show, edit, delete, fixed; open or menu for pages
    label: str            # "mag zien"
    allowed: bool
    reasons: list = field(default_factory=list)
    roles: list = field(default_factory=list)  # names of the user's roles granting the page permission
    in_scope: bool | None = None               # the record lies in the user's scope (None: no record)
    status: int | None = None                  # what the page answers this user: 200, 403 or 404

    @property
    def answer(self):
        return _("ja") if self.allowed else _("nee")

    @property
    def summary(self):
        """"mag zien: ja" """
        return f"{self.label}: {self.answer}"


@dataclass
class ScopeRule:
    """One way the user's roles reach rows of a model, and whether the record asked about matches."""

    kind: str             # ALL, a scope kind (region, company, ...), "owner", "private" or "none"
    text: str
    matches: bool | None = None  # None: no record asked (a page)


@dataclass
class UserSummary:
    email: str
    name: str
    active: bool
    roles: list           # Dutch role names
    scope: list           # Dutch sentences: "regio (rol Bedrijfstakvoorlichter): regio Zuid-Holland Noord"


@dataclass
class Access:
    """The answer for one user and one record."""

    user: UserSummary
    view: str             # the page (endpoint) whose rules apply, e.g. CompanyView
    kind_label: str       # "Bedrijf"
    record_id: int
    record_label: str     # "100004 Metaalbewerking De Vries B.V."
    in_scope: bool
    scope: list           # ScopeRule
    verdicts: list        # Verdict, in RECORD_ACTIONS order, then FIXED for models with fixed data

    def verdict(self, action):
        return next(v for v in self.verdicts if v.action == action)

    @property
    def summary(self):
        return [v.summary for v in self.verdicts]


@dataclass
class PermissionLine:
    permission: str
    label: str
    allowed: bool
    roles: list           # Dutch names of the roles granting it


@dataclass
class PageAccess:
    """The answer for one user and one page (a view), without a record."""

    user: UserSummary
    view: str
    title: str
    opens: Verdict
    menu: Verdict | None  # None: the page has no menu entry
    permissions: list     # PermissionLine for every permission the page declares
    scope: list           # ScopeRule (matches None); empty for pages without rows
    rows: int | None = None   # rows of the page's model the user reaches (capped at COUNT_CAP)
    rows_capped: bool = False


@dataclass
class MenuLine:
    category: str         # label of the menu block ("Instellingen fonds"), empty at the top level
    label: str
    name: str             # FAB's menu name (menu_access resource)
    url: str
    view: str | None      # endpoint of the page the item opens
    in_menu: Verdict
    opens: Verdict


