"""FondsSecurityManager: FAB's SQLAlchemy security manager, subclassed (never copied), with
- FondsUser: FAB's user plus the links that define a user's scope (regions, company, employee,
  institute, outplacement organisation) and the session epoch (sessions.py);
- one permission lookup per request instead of one query per check;
- login protection per account (login_guard.py) on top of FAB's limit per client address, which
  also covers the API login;
- sessions and API tokens that end at logout, password change and SESSION_MAX_HOURS (sessions.py);
- only the security views the portal uses (login, password links, own password, user administration).
"""
import logging
from typing import Optional

from flask import current_app, g, request, session
from flask_appbuilder import Model
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Column, ForeignKey, Integer, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.security import sessions
from app.security.login_guard import AccountThrottle

log = logging.getLogger(__name__)

user_region = Table(
    "user_region",
    Model.metadata,
    Column("user_id", Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", Integer, ForeignKey("region.id", ondelete="CASCADE"), primary_key=True),
)


class FondsUser(User):
    __tablename__ = "ab_user"

    company_id: Mapped[Optional[int]] = mapped_column(ForeignKey("company.id"), index=True)
    employee_id: Mapped[Optional[int]] = mapped_column(ForeignKey("employee.id"), index=True)
    institute_id: Mapped[Optional[int]] = mapped_column(ForeignKey("institute.id"))
    outplacement_org_id: Mapped[Optional[int]] = mapped_column(ForeignKey("outplacement_organisation.id"))
    # Raised at logout and password change: sessions and API tokens of an older epoch are refused.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    # The scope links (app.security.scoping.KIND_LINKS), named by class: the domains that define these
    # models import this one, not the other way round. Regions are loaded when a scope needs them
    # (advisors, regional managers): not a query on every page of everyone else.
    regions = relationship("Region", secondary=user_region, lazy="select", order_by="Region.name")
    company = relationship("Company", foreign_keys=[company_id])
    employee = relationship("Employee", foreign_keys=[employee_id])
    institute = relationship("Institute")
    outplacement_org = relationship("OutplacementOrganisation")

    @property
    def role_names(self):
        return {role.name for role in self.roles}

    def get_id(self):
        """Flask-Login's id in the session: "<id>:<epoch>" (sessions.py)."""
        return sessions.session_user_id(self)


PERMISSION_CACHE_SECONDS = 30
_permission_cache = {}


def role_permissions(session, role_ids):
    """Permission pairs of these roles, read with one Core query and cached for 30 seconds."""
    import time

    from flask_appbuilder.security.sqla.models import (
        Permission, PermissionView, ViewMenu, assoc_permissionview_role,
    )
    from sqlalchemy import select

    cached = _permission_cache.get(role_ids)
    if cached and time.monotonic() - cached[0] < PERMISSION_CACHE_SECONDS:
        return cached[1]
    rows = session.execute(
        select(Permission.name, ViewMenu.name)
        .join(PermissionView, PermissionView.permission_id == Permission.id)
        .join(ViewMenu, ViewMenu.id == PermissionView.view_menu_id)
        .join(assoc_permissionview_role, assoc_permissionview_role.c.permission_view_id == PermissionView.id)
        .where(assoc_permissionview_role.c.role_id.in_(role_ids))).all()
    pairs = frozenset((permission, view) for permission, view in rows)
    _permission_cache[role_ids] = (time.monotonic(), pairs)
    return pairs


def forget_cached_permissions():
    _permission_cache.clear()


class FondsSecurityManager(SecurityManager):
    user_model = FondsUser

    def __init__(self, appbuilder):
        from app.security.views import FondsUserView, ResetMyPasswordView, ResetPasswordView, UserInfoEditView

        self.userdbmodelview = FondsUserView
        self.userinfoeditview = UserInfoEditView
        self.resetmypasswordview = ResetMyPasswordView
        self.resetpasswordview = ResetPasswordView
        super().__init__(appbuilder)
        config = current_app.config
        self.login_throttle = self.reset_throttle = None
        if self.is_auth_limited and self.limiter.enabled:
            storage = self.limiter.storage
            self.login_throttle = AccountThrottle(storage, config["AUTH_ACCOUNT_RATE_LIMIT"], "fonds-login")
            self.reset_throttle = AccountThrottle(storage, config["PASSWORD_RESET_RATE_LIMIT"], "fonds-reset")
        self.jwt_manager.additional_claims_loader(self._jwt_claims)

    # --- login protection per account ------------------------------------------------------------
    def auth_user_db(self, username, password):
        """FAB's check (with its fake hash for unknown users), refused for a locked account and
        counted per account. Serves the login page and the API login alike."""
        throttle = self.login_throttle
        if throttle is not None and username:
            if throttle.retry_after(username):
                log.warning("login refused: account locked after repeated failures (client %s)",
                            request.remote_addr)
                return None
        user = super().auth_user_db(username, password)
        if throttle is not None and username:
            if user is None:
                throttle.hit(username)
            else:
                throttle.clear(username)
        return user

    # --- sessions that end -----------------------------------------------------------------------
    def load_user(self, pk):
        """Flask-Login's user loader: only a session of the current epoch, logged in less than
        SESSION_MAX_HOURS ago, loads its user."""
        parsed = sessions.parse_session_user_id(pk)
        if parsed is None:
            return None
        user = self.get_user_by_id(parsed[0])
        max_seconds = current_app.config["SESSION_MAX_HOURS"] * 3600
        if not sessions.session_is_current(user, parsed[1], session.get(sessions.LOGIN_AT),
                                           sessions.clock(), max_seconds):
            return None
        return user

    def load_user_jwt(self, _jwt_header, jwt_data):
        user = self.get_user_by_id(int(jwt_data["sub"]))
        if user is None or not user.is_active or jwt_data.get(sessions.EPOCH_CLAIM) != user.session_epoch:
            return None
        g.user = user
        return user

    def _jwt_claims(self, identity):
        user = self.get_user_by_id(int(identity))
        return {sessions.EPOCH_CLAIM: user.session_epoch if user is not None else -1}

    def update_user_auth_stat(self, user, success=True):
        """FAB's login statistics, with the login time from the one clock (FAB stores the server's local
        time; ab_user's columns are FAB's plain DateTime, so it is kept as naive UTC, as the portal reads it)."""
        user.login_count = user.login_count or 0
        user.fail_login_count = user.fail_login_count or 0
        if success:
            user.login_count += 1
            user.last_login = clock.now().replace(tzinfo=None)
            user.fail_login_count = 0
        else:
            user.fail_login_count += 1
        self.update_user(user)
        if success:
            self.on_user_login(user)
        else:
            self.on_user_login_failed(user)

    def on_user_logout(self, user):
        sessions.end_all_sessions(self.session, user.id)

    def reset_password(self, userid, password):
        super().reset_password(userid, password)
        sessions.end_all_sessions(self.session, int(userid))

    # --- one permission lookup per request ------------------------------------------------------
    def _permission_set(self, user):
        """The (permission, view) pairs of the user's roles: one small query per role, kept for a
        short while per process (roles change only through `flask roles sync`)."""
        key = tuple(sorted(role.id for role in self.get_user_roles(user)))
        cache = g.setdefault("_fonds_permissions", {})
        if key not in cache:
            cache[key] = role_permissions(self.session, key)
        return cache[key]

    def add_permission_role(self, role, perm_view):
        super().add_permission_role(role, perm_view)
        forget_cached_permissions()

    def del_permission_role(self, role, perm_view):
        super().del_permission_role(role, perm_view)
        forget_cached_permissions()

    def get_user_roles(self, user):
        """The user's roles. FAB 5 also adds the roles of the user's groups, one more query on every
        request; the portal has no groups (roles are code, roles.py, and no group page is registered)."""
        if not user.is_authenticated:
            return [self.get_public_role()]
        return list(user.roles)

    def has_access(self, permission_name, view_name):
        """FAB's check, answered from the cached permission set for a signed-in session user (a page
        asks it for every menu item: the answers are kept for the request)."""
        user = getattr(g, "user", None)
        if user is not None and getattr(user, "is_authenticated", False) and not getattr(g, "_api_key_user", False):
            answers = g.setdefault("_fonds_access", {})
            key = (user.id, permission_name, view_name)
            if key not in answers:
                answers[key] = user.is_active and (permission_name, view_name) in self._permission_set(user)
            return answers[key]
        return super().has_access(permission_name, view_name)

    def _has_view_access(self, user, permission_name, view_name):
        return (permission_name, view_name) in self._permission_set(user)

    def _get_user_permission_view_menus(self, user, permission_name, view_menus_name):
        if user is None:
            return set()  # the public role holds no permissions
        granted = self._permission_set(user)
        return {name for name in view_menus_name if (permission_name, name) in granted}

    # --- views ---------------------------------------------------------------------------------
    def register_views(self):
        """Login, own password and user administration only; roles are code (roles.py)."""
        from app.security.views import FondsAuthDBView

        security_api = self.appbuilder.add_api(self.security_api)
        self.auth_view = self.appbuilder.add_view_no_menu(FondsAuthDBView())
        if self.is_auth_limited:  # per client address; login_guard.py adds the limit per account
            self.limiter.limit(self.auth_rate_limit, methods=["POST"])(self.auth_view.blueprint)
            self.limiter.limit(self.auth_rate_limit, methods=["POST"])(security_api.blueprint)
        self.appbuilder.add_view_no_menu(self.resetmypasswordview())
        self.appbuilder.add_view_no_menu(self.resetpasswordview())
        self.appbuilder.add_view_no_menu(self.userinfoeditview())
        self.user_view = self.appbuilder.add_view_no_menu(self.userdbmodelview())
