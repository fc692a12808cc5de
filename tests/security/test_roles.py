"""Roles are data (app/security/roles.py); `flask roles sync` makes the database match, idempotently."""
from flask_appbuilder.security.sqla.models import Role

from app.extensions import db
from app.security.roles import ROLE_NAMES, role_grants
from app.security.sync import sync_roles


def test_sync_is_idempotent_and_matches_the_table(app, ctx):
    assert sync_roles(app.appbuilder) == 0
    for name in ROLE_NAMES:
        role = db.session.query(Role).filter_by(name=name).one()
        held = {(pvm.permission.name, pvm.view_menu.name) for pvm in role.permissions}
        grants = role_grants(name)
        if grants is not None:
            assert held == grants, name


def test_sync_repairs_a_role_changed_by_hand(app, ctx):
    role = db.session.query(Role).filter_by(name="employer").one()
    role.permissions = role.permissions[:3]
    db.session.commit()
    assert sync_roles(app.appbuilder) == 1
    assert sync_roles(app.appbuilder) == 0


def test_public_role_has_no_permissions(app, ctx):
    assert db.session.query(Role).filter_by(name="public").one().permissions == []


def test_nine_roles_exist(app, ctx):
    names = {role.name for role in db.session.query(Role)}
    assert set(ROLE_NAMES) <= names and len(ROLE_NAMES) == 9


def test_admin_holds_every_permission(app, ctx):
    from flask_appbuilder.security.sqla.models import PermissionView

    admin = db.session.query(Role).filter_by(name="admin").one()
    assert len(admin.permissions) == db.session.query(PermissionView).count()
