"""A search chain (M4.5): a first search, then refinements (AND) and extensions (OR), with the
Actief choice, the sort and the page. It lives entirely in the URL, so a chain survives reload, the
back button and being sent to a colleague (who sees it within their own scope)."""
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l

from app.core.search.fields import OPERATORS, SearchInputError

MAX_STEPS = 20
MAX_VALUE_LENGTH = 200
PAGE_SIZES = (25, 50, 100)
REFINE, EXTEND = "and", "or"


@dataclass(frozen=True)
class Step:
    field: str
    operator: str
    value: str
    mode: str = REFINE  # how this step combines with the selection before it


@dataclass(frozen=True)
class Chain:
    steps: tuple = ()
    active_only: bool = True
    sort: str = ""
    descending: bool = False
    page: int = 1
    page_size: int = 25
    errors: tuple = field(default=(), compare=False)

    def to_args(self, **changes):
        chain = replace(self, **changes)
        args = []
        if not chain.active_only:
            args.append(("actief", "0"))
        for i, step in enumerate(chain.steps):
            if i:
                args.append((f"m{i}", step.mode))
            args.append((f"f{i}", step.field))
            if step.operator != "eq":
                args.append((f"o{i}", step.operator))
            args.append((f"v{i}", step.value))
        if chain.sort:
            args.append(("sort", chain.sort))
            args.append(("dir", "desc" if chain.descending else "asc"))
        if chain.page != 1:
            args.append(("page", str(chain.page)))
        if chain.page_size != PAGE_SIZES[0]:
            args.append(("psize", str(chain.page_size)))
        return urlencode(args)

    def without_step(self, index):
        steps = list(self.steps)
        del steps[index]
        if steps and index == 0:
            steps[0] = replace(steps[0], mode=REFINE)
        return replace(self, steps=tuple(steps), page=1)

    def with_step(self, step):
        return replace(self, steps=self.steps + (step,), page=1)


def parse_chain(args, fields, default_sort, default_descending=False):
    """The chain in request args; unknown or malformed parts become Dutch errors, never exceptions."""
    errors = []
    steps = []
    for i in range(MAX_STEPS + 1):
        key = args.get(f"f{i}")
        if key is None:
            break
        if i == MAX_STEPS:
            errors.append(str(_l("Een zoekopdracht kan uit hoogstens %(n)d stappen bestaan.", n=MAX_STEPS)))
            break
        step, error = _parse_step(args, i, fields)
        if error:
            errors.append(error)
        else:
            steps.append(step)
    sort = args.get("sort", default_sort)
    if sort not in fields:
        errors.append(str(_l("Op dit veld kan niet worden gesorteerd.")))
        sort = default_sort
    return Chain(steps=tuple(steps), active_only=args.get("actief", "1") != "0", sort=sort,
                 descending=args.get("dir", "desc" if default_descending else "asc") == "desc", page=_int(args.get("page"), 1, 1, 10**7),
                 page_size=_page_size(args.get("psize")), errors=tuple(errors))


def _parse_step(args, i, fields):
    return parse_step(args.get(f"f{i}", ""), args.get(f"o{i}", "eq"), args.get(f"v{i}", ""),
                      args.get(f"m{i}", REFINE) if i else REFINE, fields)


def parse_step(key, operator, value, mode, fields):
    """(Step, None) or (None, Dutch error) for one search the user typed."""
    if key not in fields:
        return None, str(_l("Onbekend zoekveld: %(key)s.", key=key[:40]))
    if operator not in OPERATORS:
        return None, str(_l("Onbekende vergelijking: %(op)s.", op=operator[:10]))
    if mode not in (REFINE, EXTEND):
        return None, str(_l("Onbekende combinatie van zoekopdrachten."))
    if len(value) > MAX_VALUE_LENGTH:
        return None, str(_l("Een zoekwaarde mag hoogstens %(n)d tekens lang zijn.", n=MAX_VALUE_LENGTH))
    step = Step(field=key, operator=operator, value=value.strip(), mode=mode)
    try:
        fields[key].condition(operator, step.value)
    except SearchInputError as error:
        return None, str(error)
    return step, None


def _int(text, default, low, high):
    try:
        return min(max(int(text), low), high) if text is not None else default
    except ValueError:
        return default


def _page_size(text):
    size = _int(text, PAGE_SIZES[0], 1, PAGE_SIZES[-1])
    return size if size in PAGE_SIZES else PAGE_SIZES[0]
