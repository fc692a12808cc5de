"""The holes stock FAB 5.3 leaves, closed by the shared base classes (see app/core/views.py)."""
import pytest
from flask_babel import lazy_gettext as _l

from app.core.datamodel import ScopedSQLAInterface
from app.core.views import ScopedMasterDetailView, ScopedModelView
from app.registry.models import Company, ContactPerson


class _ContactDetail(ScopedModelView):
    datamodel = ScopedSQLAInterface(ContactPerson)
    list_columns = ["surname"]


class CompanyMasterDetailProbe(ScopedMasterDetailView):
    """Registered only in tests: no page of the portal uses a master/detail list yet."""

    datamodel = ScopedSQLAInterface(Company)
    list_title = _l("Bedrijven")
    related_views = [_ContactDetail]
    list_columns = ["name"]


def register_probes(appbuilder):
    """Called by conftest before the first request (Flask allows no new routes after it)."""
    appbuilder.add_view_no_menu(_ContactDetail())
    appbuilder.add_view_no_menu(CompanyMasterDetailProbe())


@pytest.fixture()
def master_detail(app):
    from app.security.sync import sync_roles

    with app.app_context():
        app.appbuilder.sm.add_permissions_view(["can_list"], "CompanyMasterDetailProbe")
        role = app.appbuilder.sm.find_role("advisor")
        pvm = app.appbuilder.sm.find_permission_view_menu("can_list", "CompanyMasterDetailProbe")
        app.appbuilder.sm.add_permission_role(role, pvm)
    yield
    with app.app_context():
        sync_roles(app.appbuilder)


def test_master_detail_list_of_a_foreign_master_is_404(master_detail, clients, world):
    client = clients("advisor")
    assert client.get(f"/companymasterdetailprobe/list/{world.zhn_company}").status_code == 200
    assert client.get(f"/companymasterdetailprobe/list/{world.employer2_company}").status_code == 404
