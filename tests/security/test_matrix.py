"""The authorization matrix, generated from the app itself (issue 6, item 1).

Every URL rule of the app is enumerated. Rules of scoped pages and APIs (ScopedModelView,
ScopedModelRestApi) get their expectation from the role table (app/security/roles.py): a role
without the permission gets 403 (401 on the API, the login page when anonymous); a role with it
gets its own rows and a 404 for a row outside its scope — for list, show, edit, delete, every
action, download, export and the API's get/put/delete/_info. Every other rule must be declared in
OTHER_ENDPOINTS with its expectation; a new endpoint without one fails
test_every_endpoint_has_a_declared_expectation.

Own and foreign rows per role and model are picked with app.security.scoping; that the scoping
itself selects the right rows is proven independently, with plain SQL, in test_scope.py.
"""
import csv
import io
from dataclasses import dataclass

import pytest
from sqlalchemy import func, not_, select

from app.core.api import ScopedModelRestApi
from app.core.views import ScopedModelView
from app.extensions import db
from app.security.roles import ROLE_NAMES, role_grants
from app.security.scoping import DELETE, READ, UPDATE, scope_clause

ROLE_USERS = {role: role for role in ROLE_NAMES}
ROLES = [*ROLE_USERS, None]  # None: not logged in
PROBES = {"CompanyMasterDetailProbe", "_ContactDetail"}  # test-only views, see test_fab_holes.py

# Endpoints outside the scoped pages and APIs, each with who may reach it. "public": anybody,
# "login": any signed-in user, a role set: those roles; None: the route must not exist for users
# (checked as 404 for everybody).
OTHER_ENDPOINTS = {
    "static": "public", "appbuilder.static": "public", "LocaleView.index": "public",
    "FondsAuthDBView.login": "public", "FondsAuthDBView.logout": "public",
    "FondsAuthDBView.forgot_password": "public", "FondsAuthDBView.set_password": "public",
    "SecurityApi.login": "public", "SecurityApi.refresh": "public",
    "PartnerLogoImageView.image": "public",
    "StoredFileView.download": "login",  # and 404 when the owning row is outside the scope
    "HomeView.index": "login", "UtilView.back": "login",
    "MenuApi.get_menu_data": "token",  # FAB's menu API: a bearer token, never the session cookie
    "ContactFormView.this_form_get": "login", "ContactFormView.this_form_post": "login",
    "ResetMyPasswordView.this_form_get": "login", "ResetMyPasswordView.this_form_post": "login",
    "UserInfoEditView.this_form_get": "login", "UserInfoEditView.this_form_post": "login",
    "FondsUserView.userinfo": "login",
    "SavedOverviewView.save": "login",
    "ResetPasswordView.this_form_get": {"admin", "staff"},
    "ResetPasswordView.this_form_post": {"admin", "staff"},
    "FondsUserView.list": {"admin", "staff"}, "FondsUserView.show": {"admin", "staff"},
    "FondsUserView.add": {"admin", "staff"}, "FondsUserView.edit": {"admin", "staff"},
    "FondsUserView.delete": {"admin", "staff"}, "FondsUserView.action": {"admin", "staff"},
    "FondsUserView.action_post": {"admin", "staff"},
    "FondsUserView.download": None,
    "PermissionInspectorView.check": {"admin", "staff"},
}

VIEW_OPERATIONS = ("list", "show", "add", "edit", "delete", "action", "action_post", "download",
                   "export_csv", "export_xlsx")
API_OPERATIONS = ("get_list", "get", "post", "put", "delete", "info")
VIEW_PERMISSION = {"list": "can_list", "show": "can_show", "add": "can_add", "edit": "can_edit",
                   "delete": "can_delete", "export_csv": "can_export_csv", "export_xlsx": "can_export_xlsx"}
API_PERMISSION = {"get_list": "can_get", "get": "can_get", "post": "can_post", "put": "can_put",
                  "delete": "can_delete", "info": "can_info"}


def scoped_views(app):
    return [v for v in app.appbuilder.baseviews
            if isinstance(v, (ScopedModelView, ScopedModelRestApi)) and v.endpoint not in PROBES]


def test_every_endpoint_has_a_declared_expectation(app):
    covered = set(OTHER_ENDPOINTS)
    for view in scoped_views(app):
        operations = VIEW_OPERATIONS if isinstance(view, ScopedModelView) else API_OPERATIONS
        covered |= {f"{view.endpoint}.{op}" for op in operations}
        covered |= {f"{view.endpoint}.{route}" for route in getattr(view, "record_routes", {})}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.split(".")[0] not in PROBES}
    undeclared = sorted(endpoints - covered)
    assert undeclared == [], f"endpoints without an expectation in the authorization matrix: {undeclared}"


@dataclass(frozen=True)
class Rows:
    own: int | None
    foreign: int | None


@dataclass(frozen=True)
class RowsPerAction:
    """Rows for each scope action: reading uses ``read``; edit and actions ``update``; delete ``delete``.
    A row may be readable and still not changeable (another institute's record)."""
    read: Rows
    update: Rows
    delete: Rows


@dataclass(frozen=True)
class Case:
    method: str
    url: str
    expected: tuple  # acceptable status codes
    json: dict | None = None
    data: dict | None = None
    export_of: object = None  # check the CSV holds exactly the rows in scope


def rows_for(user, model, action=READ):
    """An id in the user's scope for ``action`` and one outside it (None when there is none); outside
    the write scope, a row the user can still read is preferred (the sharper test)."""
    first = select(model.id).order_by(model.id).limit(1)
    if user is None:  # anonymous: any row is "foreign"
        return Rows(None, db.session.execute(first).scalar())
    clause = scope_clause(user, model, action)
    if clause is None:
        return Rows(db.session.execute(first).scalar(), None)
    foreign = None
    readable = scope_clause(user, model, READ)
    if action != READ and readable is not None:
        foreign = db.session.execute(first.where(not_(clause), readable)).scalar()
    elif action != READ:
        foreign = db.session.execute(first.where(not_(clause))).scalar()
    return Rows(db.session.execute(first.where(clause)).scalar(),
                foreign or db.session.execute(first.where(not_(clause))).scalar())


def rows_per_action(user, model):
    return RowsPerAction(*(rows_for(user, model, action) for action in (READ, UPDATE, DELETE)))


def granted(role, action, resource):
    grants = role_grants(role) if role else set()
    return grants is None or (action, resource) in grants


def page_cases(view, role, rows):
    base = f"/{view.route_base.strip('/')}"
    resource = view.class_permission_name
    shown = 302 if view.endpoint == "SavedOverviewView" else 200  # reopening an overview redirects

    def status(operation, in_scope, success=200):
        if operation in (view.exclude_route_methods or set()):  # no such route (the audit log's edit)
            return (404,)
        if role is None:
            return (302,)
        permission = VIEW_PERMISSION.get(operation) or view.record_routes[operation]
        if not granted(role, permission, resource):
            return (403,)
        return (success,) if in_scope else (404,)

    cases = [Case("get", f"{base}/list/?actief=0", status("list", True)),
             Case("get", f"{base}/export_csv/?actief=0", status("export_csv", True), export_of=view),
             Case("get", f"{base}/export_xlsx/?actief=0", status("export_xlsx", True)),
             Case("get", f"{base}/download/geheim.pdf", (404,))]
    if "add" not in (view.exclude_route_methods or set()):
        cases.append(Case("get", f"{base}/add", status("add", True)))
    read, update, delete = rows.read, rows.update, rows.delete
    if read.own is not None:
        cases.append(Case("get", f"{base}/show/{read.own}", status("show", True, shown)))
    if update.own is not None:
        cases.append(Case("get", f"{base}/edit/{update.own}", status("edit", True)))
    for route in getattr(view, "record_routes", {}):  # pages of one record besides show/edit (a report)
        if read.own is not None:
            cases.append(Case("get", f"{base}/{route}/{read.own}", status(route, True)))
        if read.foreign is not None:
            cases.append(Case("get", f"{base}/{route}/{read.foreign}", status(route, False)))
    if read.foreign is not None:
        cases.append(Case("get", f"{base}/show/{read.foreign}", status("show", False)))
    if update.foreign is not None:
        cases += [Case("get", f"{base}/edit/{update.foreign}", status("edit", False)),
                  Case("post", f"{base}/edit/{update.foreign}", status("edit", False), data={})]
        for name in view.actions:
            refused = (404,) if role and granted(role, name, resource) else (302, 403, 404)
            cases += [Case("post", f"{base}/action/{name}/{update.foreign}", refused),
                      Case("post", f"{base}/action_post", refused,
                           data={"action": name, "rowid": [str(update.foreign)]})]
    if delete.foreign is not None:
        cases.append(Case("post", f"{base}/delete/{delete.foreign}", status("delete", False)))
    return cases


def api_cases(view, role, rows):
    base = f"/api/v1/{view.resource_name}"
    resource = view.class_permission_name

    def status(operation, in_scope):
        if role is None:
            return (401,)
        if not granted(role, API_PERMISSION[operation], resource):
            return (403,)
        return (200,) if in_scope else (404,)

    cases = [Case("get", f"{base}/", status("get_list", True)), Case("get", f"{base}/_info", status("info", True))]
    if rows.read.own is not None:
        cases.append(Case("get", f"{base}/{rows.read.own}", status("get", True)))
    if rows.read.foreign is not None:
        cases.append(Case("get", f"{base}/{rows.read.foreign}", status("get", False)))
    if rows.update.foreign is not None:
        cases.append(Case("put", f"{base}/{rows.update.foreign}", status("put", False), json={}))
    if rows.delete.foreign is not None:
        cases.append(Case("delete", f"{base}/{rows.delete.foreign}", status("delete", False)))
    return cases


def plan(app, role, endpoint):
    from app.security.manager import FondsUser

    view = next(v for v in scoped_views(app) if v.endpoint == endpoint)
    user = db.session.query(FondsUser).filter_by(email=f"{role}@demo.fondsportaal.nl").one() if role else None
    rows = rows_per_action(user, view.datamodel.obj)
    return user, (api_cases if isinstance(view, ScopedModelRestApi) else page_cases)(view, role, rows)


MATRIX_VIEWS = ["CampaignBannerView", "CodeView", "CompanyView", "ContactMessageView", "ContactPersonView",
                "EmployeeView", "EmploymentView", "InstituteView", "OutplacementOrganisationView",
                "PartnerLogoView", "RegionView", "SavedOverviewView", "SubBranchView", "AuditLogView",
                "ErrorReportView", "PaymentNoteView", "PaymentNoteLineView", "OtherContributionView", "ProjectView",
                "ProjectParticipantView", "CompanyCodeView", "ExtraTrainingDayView", "PostItemView",
                "ApplicationView", "VocationalTrainingView", "TrainingPlanEntryView",
                "ApplicationApi", "CompanyApi", "ContactPersonApi", "EmployeeApi"]


def test_matrix_covers_every_scoped_view(app):
    assert sorted(v.endpoint for v in scoped_views(app)) == sorted(MATRIX_VIEWS)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("endpoint", MATRIX_VIEWS)
def test_authorization_matrix(app, clients, role, endpoint):
    with app.app_context():
        user, cases = plan(app, role, endpoint)
        for case in cases:
            if role is None:
                response = getattr(app.test_client(), case.method)(case.url, json=case.json, data=case.data)
            elif case.url.startswith("/api/"):
                response = clients(role).api(case.method, case.url, json=case.json)
            else:
                response = clients(role).request(case.method, case.url, json=case.json, data=case.data)
            assert response.status_code in case.expected, \
                f"{role or 'anonymous'} {case.method.upper()} {case.url}: {response.status_code}, expected {case.expected}"
            if case.export_of is not None and response.status_code == 200:
                assert_export_is_the_scope(response, case.export_of, user)


def assert_export_is_the_scope(response, view, user):
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    model = view.datamodel.obj
    clause = scope_clause(user, model)
    query = select(func.count()).select_from(model)
    if clause is not None:
        query = query.where(clause)
    assert len(rows) - 1 == db.session.execute(query).scalar(), f"export of {view.endpoint} for {user.email}"


def other_cases(app):
    """GET rules without arguments among OTHER_ENDPOINTS, with the status each role should get."""
    cases = []
    for rule in app.url_map.iter_rules():
        who = OTHER_ENDPOINTS.get(rule.endpoint, "skip")
        if who == "skip" or rule.arguments or "GET" not in rule.methods or rule.endpoint.endswith("static"):
            continue
        cases.append((rule.rule, who))
    return cases


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_declared_endpoints_answer_as_declared(app, clients, role):
    http = clients(role) if role else app.test_client()
    checked = 0
    for url, who in other_cases(app):
        response = http.get(url)
        where = f"{role or 'anonymous'} GET {url}"
        if who is None:
            assert response.status_code == 404, where
        elif who == "token":
            assert response.status_code == 401, where
        elif who == "public":
            assert response.status_code < 400 or response.status_code == 405, where
        elif role is None:
            assert response.status_code in (302, 401), where
        elif who == "login" or role in who or role == "admin":
            assert response.status_code < 400, where
        else:  # refused: FAB answers 403, or sends a form view without access back with a redirect
            assert response.status_code in (302, 403), where
            if response.status_code == 302:
                assert response.headers["Location"].split("?")[0] not in url, where
        checked += 1
    assert checked >= 8


def test_user_administration_never_serves_uploaded_files(app, clients):
    import os

    os.makedirs(app.config["UPLOAD_FOLDER"], exist_ok=True)
    with open(os.path.join(app.config["UPLOAD_FOLDER"], "paspoort.pdf"), "w") as handle:
        handle.write("vertrouwelijk")
    for role in ("admin", "staff"):
        assert clients(role).get("/users/download/paspoort.pdf").status_code == 404


def test_matrix_case_count(app):
    """Prints how many cases the matrix checks (shown in the warnings summary, also under xdist)."""
    import warnings

    with app.app_context():
        total = sum(len(plan(app, role, endpoint)[1]) for endpoint in MATRIX_VIEWS for role in ROLES)
    assert total > 1000
    warnings.warn(f"authorization matrix: {total} cases over {len(MATRIX_VIEWS)} views and APIs, "
                  f"{len(ROLES)} roles (anonymous included), plus {len(OTHER_ENDPOINTS)} declared endpoints",
                  UserWarning, stacklevel=1)
