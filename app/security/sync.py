"""Synchronise roles and permissions with the table in roles.py."""
from flask_appbuilder.security.sqla.models import PermissionView

from app.security.roles import ROLE_NAMES, role_grants


class UnknownGrant(LookupError):
    pass


def sync_roles(appbuilder):
    """Create missing permissions, then give every role exactly its declared grants.

    Returns the number of roles whose permissions changed (0 on a second run)."""
    sm = appbuilder.sm
    session = sm.session
    for name in (*ROLE_NAMES, sm.auth_role_public):  # FAB hands new permissions to the admin role
        if sm.find_role(name) is None:
            sm.add_role(name)
    appbuilder.add_permissions(update_perms=True)
    sm.find_role(sm.auth_role_public).permissions = []
    every_pvm = session.query(PermissionView).all()
    index = {(pvm.permission.name, pvm.view_menu.name): pvm for pvm in every_pvm}
    changed = 0
    for name in ROLE_NAMES:
        role = sm.find_role(name)
        grants = role_grants(name)
        if grants is None:
            wanted = every_pvm
        else:
            missing = sorted(grant for grant in grants if grant not in index)
            if missing:
                raise UnknownGrant(f"role {name} is granted permissions no view declares: {missing}")
            wanted = [index[grant] for grant in sorted(grants)]
        if {pvm.id for pvm in role.permissions} != {pvm.id for pvm in wanted}:
            role.permissions = wanted
            changed += 1
    session.commit()
    from app.security.manager import forget_cached_permissions

    forget_cached_permissions()
    return changed
