"""FondsSecurityManager: FAB's SQLAlchemy security manager, subclassed (never copied), with
- FondsUser: FAB's user plus the links that define a user's scope (regions, company, employee,
  institute, outplacement organisation);
- one permission lookup per request instead of one query per check;
- only the security views the portal uses (login, own password, user administration).
"""
from typing import Optional

from flask import g
from flask_appbuilder import Model
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Column, ForeignKey, Integer, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.outplacement.models import OutplacementOrganisation
from app.registry.models import Company, Employee, Region
from app.training.models import Institute

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

    regions = relationship(Region, secondary=user_region, lazy="selectin", order_by=Region.name)
    company = relationship(Company, foreign_keys=[company_id])
    employee = relationship(Employee, foreign_keys=[employee_id])
    institute = relationship(Institute)
    outplacement_org = relationship(OutplacementOrganisation)

    @property
    def role_names(self):
        return {role.name for role in self.roles}


class FondsSecurityManager(SecurityManager):
    user_model = FondsUser

    def __init__(self, appbuilder):
        from app.security.views import FondsUserView

        self.userdbmodelview = FondsUserView
        super().__init__(appbuilder)

    # --- one permission lookup per request ------------------------------------------------------
    def _permission_set(self, user):
        cache = g.setdefault("_fonds_permissions", {})
        if user.id not in cache:
            cache[user.id] = frozenset(self.get_user_permissions(user))
        return cache[user.id]

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

        self.appbuilder.add_api(self.security_api)
        self.auth_view = self.appbuilder.add_view_no_menu(FondsAuthDBView())
        if self.is_auth_limited:
            self.limiter.limit(self.auth_rate_limit, methods=["POST"])(self.auth_view.blueprint)
        self.appbuilder.add_view_no_menu(self.resetmypasswordview())
        self.appbuilder.add_view_no_menu(self.resetpasswordview())
        self.appbuilder.add_view_no_menu(self.userinfoeditview())
        self.user_view = self.appbuilder.add_view_no_menu(self.userdbmodelview())
