"""Property-based fuzzing of every form and every API write (issue 6, item 8).

Hypothesis feeds random and hostile values (unicode, control characters, NUL, huge numbers, dates
like 31-02, SQL and HTML fragments, very long text) into the add and edit form of every scoped page
and the POST/PUT of every API; the API bodies also get JSON nested thousands of levels deep and lone
surrogates, and every API list gets hostile rison in ``?q=`` (deep brackets, numbers beyond any
column, broken syntax, hostile filter values) (issue 15, items 7 and 8). Whatever comes in: never a 500, no database text in the answer, no
markup echoed unescaped, and nothing saved from a refused submission.

FUZZ_EXAMPLES sets the examples per target (default: enough for more than 10,000 inputs in all);
raise it for a longer run: FUZZ_EXAMPLES=2000 make test.
"""
import json
import os
from urllib.parse import quote

import prison
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.core.api import ScopedModelRestApi
from app.core.views import ScopedModelView
from app.extensions import db

MINIMUM_INPUTS = 10_200  # the issue asks for at least 10,000 generated inputs per CI run
PROBES = {"CompanyMasterDetailProbe", "_ContactDetail"}
MARKUP = ['<script>alert(1)</script>', '"><svg onload=alert(1)>', "<img src=x onerror=alert(1)>"]
SQL_TEXT = ("[SQL:", "psycopg", "sqlite3.", "Traceback", "IntegrityError", "DataError", "ProgrammingError")

hostile_text = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FFF), max_size=40),
    st.sampled_from(MARKUP + ["'; DROP TABLE company; --", "\x00", "a\x00b", "\u202egnp.exe", "😀" * 30,
                              "%", "_", "\\", "NULL", "0", "-1", "1e309", " ", "x" * 5000, "\r\n\r\n"]),
)
hostile_number = st.one_of(st.integers(min_value=-(2 ** 70), max_value=2 ** 70).map(str),
                           st.sampled_from(["1.5", "1e5", "NaN", "", "٣", "0x10", "99999999999999999999"]))
hostile_date = st.one_of(st.sampled_from(["31-02-2003", "29-02-2023", "00-00-0000", "01-13-2020", "2003-01-01",
                                          "01-01-0001", "31-12-9999", "1-1-1", "32-01-2020"]),
                         st.dates().map(lambda d: d.strftime("%d-%m-%Y")))
any_value = st.one_of(hostile_text, hostile_number, hostile_date, st.booleans().map(str))

# Lone surrogates: JSON can carry them ("\\ud800"); no database driver can encode them.
lone_surrogate = st.one_of(
    st.sampled_from(["\ud800", "\udfff", "a\udc00b", "\udc00\ud800"]),
    st.tuples(st.text(max_size=10), st.integers(0xD800, 0xDFFF).map(chr), st.text(max_size=10)).map("".join),
)


class RawJSON:
    """JSON text put into a document as is: nesting deeper than json.dumps itself could write."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return f"RawJSON({self.text[:20]!r}… {len(self.text)} chars)"


def nested(opener, closer, depth, core="1"):
    return RawJSON(opener * depth + core + closer * depth)


deep_json = st.one_of(
    st.builds(nested, st.just("["), st.just("]"), st.integers(33, 6000), st.just("")),
    st.builds(nested, st.just('{"a": '), st.just("}"), st.integers(33, 6000)),
    st.sampled_from([nested("[", "]", 5000, ""), nested('{"a": [', "]}", 3000)]),
)


def json_body(data):
    """The document as JSON text (lone surrogates as \\u escapes, RawJSON as written)."""
    raws = {}

    def default(value):
        if isinstance(value, RawJSON):
            key = f"@@raw{len(raws)}@@"
            raws[json.dumps(key)] = value.text
            return key
        raise TypeError(type(value))

    body = json.dumps(data, default=default)
    for key, text in raws.items():
        body = body.replace(key, text)
    return body


def rison_filter(col, opr, value):
    return prison.dumps({"filters": [{"col": col, "opr": opr, "value": value}]})


def json_filter(col, opr, value):
    return json.dumps({"filters": [{"col": col, "opr": opr, "value": value}]})


def rison_arguments(columns):
    """Hostile ``?q=`` for an API list: broken syntax, deep brackets, numbers out of range, hostile filters."""
    huge = st.one_of(st.integers(-(2 ** 100), 2 ** 100), st.sampled_from(["1e999", "-1e999", "1.5", "NaN", "-0"]))
    column = st.sampled_from(list(columns) or ["name"])
    operator = st.sampled_from(["eq", "ct", "sw", "gt", "lt", "neq", "rel_o_m", "nope"])
    return st.one_of(
        st.text(alphabet="()!:,'~-.0123456789eE_ab", max_size=60),
        st.builds(lambda opener, depth: opener * depth, st.sampled_from(["(", "!(", "[", "{\"a\":", "(a:"]),
                  st.integers(1, 6000)),
        st.builds(lambda key, number: f"({key}:{number})", st.sampled_from(["page", "page_size"]), huge),
        st.builds(rison_filter, column, operator, st.one_of(any_value, st.integers(-(2 ** 70), 2 ** 70))),
        st.builds(json_filter, column, operator, st.one_of(any_value, lone_surrogate,
                                                          st.integers(-(2 ** 70), 2 ** 70))),
    )


def targets(app):
    pages, apis = [], []
    for view in app.appbuilder.baseviews:
        if view.endpoint in PROBES:
            continue
        if isinstance(view, ScopedModelView):
            pages.append(view.endpoint)
        elif isinstance(view, ScopedModelRestApi):
            apis.append(view.endpoint)
    return pages, apis


PAGE_VIEWS = ["CampaignBannerView", "CodeView", "CompanyView", "ContactMessageView", "ContactPersonView",
              "EmployeeView", "EmploymentView", "InstituteView", "OutplacementOrganisationView",
              "PartnerLogoView", "RegionView", "SavedOverviewView", "SubBranchView",
              "ErrorReportView", "PaymentNoteView", "PaymentNoteLineView", "OtherContributionView", "ProjectView",
              "ProjectParticipantView", "CompanyCodeView", "ExtraTrainingDayView", "PostItemView",
              "ApplicationView", "VocationalTrainingView", "TrainingPlanEntryView"]
API_VIEWS = ["ApplicationApi", "CompanyApi", "ContactPersonApi", "EmployeeApi"]


NO_FORMS = {"AuditLogView"}  # read-only pages: no add or edit route to fuzz


def test_every_form_and_api_is_fuzzed(app):
    pages, apis = targets(app)
    assert sorted(set(pages) - NO_FORMS) == sorted(PAGE_VIEWS) and sorted(apis) == sorted(API_VIEWS)
    for endpoint in NO_FORMS & set(pages):
        view = view_named(app, endpoint)
        assert {"add", "edit"} <= set(view.exclude_route_methods or ()), endpoint


def view_named(app, endpoint):
    return next(v for v in app.appbuilder.baseviews if v.endpoint == endpoint)


def snapshot(model):
    return db.session.execute(select(func.count(), func.max(model.id)).select_from(model)).one()


def remove_rows_above(model, highest):
    """Through the session (one by one), so the audit trail sees the cleanup like any other delete."""
    for row in db.session.execute(select(model).where(model.id > (highest or 0))).scalars():
        db.session.delete(row)
    db.session.commit()


def check_answer(response, sent):
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body[:400]
    for marker in SQL_TEXT:
        assert marker not in body, marker
    if response.mimetype != "text/html":
        return  # JSON carries text as data; a browser never renders it (and nosniff is set)
    for markup in MARKUP:
        if any(markup in str(value) for value in sent.values()):
            assert markup not in body, f"unescaped {markup!r} echoed"


def form_fields(view, operation):
    columns = view.add_columns if operation == "add" else view.edit_columns
    return [c for c in columns if "." not in c] or ["name"]


def examples_per_target():
    """FUZZ_EXAMPLES, or just enough per target for MINIMUM_INPUTS over all targets together."""
    return int(os.environ.get("FUZZ_EXAMPLES") or -(-MINIMUM_INPUTS // target_count()))


def target_count():
    return len(PAGE_TARGETS) + 3 * len(API_VIEWS)  # add and edit forms; API post, put and list


def fuzz_settings():
    return settings(max_examples=examples_per_target(), derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


PAGE_TARGETS = [(endpoint, operation) for endpoint in PAGE_VIEWS for operation in ("add", "edit")
                if not (operation == "add" and endpoint in ("ContactMessageView", "SavedOverviewView"))]


def row_values(model, pk):
    from sqlalchemy import inspect

    row = db.session.get(model, pk) if pk is not None else None
    return None if row is None else {c.key: getattr(row, c.key) for c in inspect(model).column_attrs
                                     if c.key != "version"}


def row_state(model, pk):
    """Count, highest id and the edited row's values: what a refused submission must leave alone."""
    count, highest = snapshot(model)
    return count, highest, repr(row_values(model, pk))


def restore_row(model, pk, values):
    """An accepted edit is undone (through the session), so the shared test data stays as seeded."""
    if values is None:
        return
    row = db.session.get(model, pk)
    for key, value in values.items():
        setattr(row, key, value)
    db.session.commit()


@pytest.mark.parametrize("endpoint,operation", PAGE_TARGETS)
def test_fuzz_form(app, clients, endpoint, operation):
    view = view_named(app, endpoint)
    client = clients("admin")
    model = view.datamodel.obj
    with app.app_context():
        target = db.session.execute(select(model.id).order_by(model.id).limit(1)).scalar()
    url = f"/{view.route_base.strip('/')}/add" if operation == "add" else f"/{view.route_base.strip('/')}/edit/{target}"
    fields = form_fields(view, operation)

    @fuzz_settings()
    @given(st.fixed_dictionaries({}, optional={name: any_value for name in fields}))
    def submit(data):
        with app.app_context():
            before = row_state(model, target)
            original = row_values(model, target)
            response = client.post(url, data=data)
            check_answer(response, data)
            db.session.expire_all()
            after = row_state(model, target)
            if response.status_code != 302:  # refused: re-rendered form or error page
                assert after == before, f"{url} saved something from a refused submission: {data!r}"
            elif operation == "add" and after[0] > before[0]:  # accepted: valid data, remove it again
                remove_rows_above(model, before[1])
            elif operation == "edit":
                restore_row(model, target, original)

    if target is None and operation == "edit":
        return
    submit()


@pytest.mark.parametrize("method", ["post", "put"])
@pytest.mark.parametrize("endpoint", API_VIEWS)
def test_fuzz_api(app, clients, endpoint, method):
    view = view_named(app, endpoint)
    client = clients("staff")
    model = view.datamodel.obj
    with app.app_context():
        target = db.session.execute(select(model.id).order_by(model.id).limit(1)).scalar()
    url = f"/api/v1/{view.resource_name}/" + ("" if method == "post" else str(target))
    fields = view.add_columns if method == "post" else view.edit_columns
    json_value = st.one_of(any_value, st.integers(min_value=-(2 ** 70), max_value=2 ** 70), st.none(),
                           st.lists(st.integers(), max_size=3), st.floats(allow_nan=True),
                           lone_surrogate, deep_json)

    @fuzz_settings()
    @given(st.fixed_dictionaries({}, optional={name: json_value for name in fields}))
    def send(data):
        with app.app_context():
            before = row_state(model, target)
            original = row_values(model, target)
            response = client.api(method, url, data=json_body(data), content_type="application/json")
            check_answer(response, {k: v for k, v in data.items() if isinstance(v, str)})
            db.session.expire_all()
            after = row_state(model, target)
            if response.status_code >= 400:
                assert after == before, f"{method.upper()} {url} saved something from a refused request: {data!r}"
            elif method == "post" and after[0] > before[0]:
                remove_rows_above(model, before[1])
            elif method == "put":
                restore_row(model, target, original)

    send()


@pytest.mark.parametrize("endpoint", API_VIEWS)
def test_fuzz_api_rison(app, clients, endpoint):
    """Hostile ``?q=`` on every API list: never a 500, never database text."""
    view = view_named(app, endpoint)
    client = clients("staff")
    url = f"/api/v1/{view.resource_name}/"

    @fuzz_settings()
    @given(rison_arguments(view.search_columns))
    def ask(q):
        response = client.api("get", f"{url}?q={quote(q, errors='surrogatepass')}")
        check_answer(response, {})

    ask()


def test_the_run_generates_at_least_ten_thousand_inputs():
    """Prints how many inputs the run generates (shown in the warnings summary, also under xdist)."""
    import warnings

    total = examples_per_target() * target_count()
    assert total >= 10_000
    warnings.warn(f"fuzzing: {total} generated inputs over {len(PAGE_TARGETS)} forms, "
                  f"{2 * len(API_VIEWS)} API writes and {len(API_VIEWS)} API lists", UserWarning, stacklevel=1)
