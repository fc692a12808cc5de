"""Course institutes (M8). The course catalogue and applications extend this domain."""
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.versioning import Versioned
from app.security.scoping import COMPANY, EMPLOYEE, INSTITUTE, REGION, Scope


class Institute(Versioned, Model):
    __tablename__ = "institute"
    # Institutes are public in the catalogue; an institute user manages only its own record.
    __scope__ = Scope(columns={INSTITUTE: "id"}, open_to=(REGION, COMPANY, EMPLOYEE))

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    place: Mapped[Optional[str]] = mapped_column(String(100))
    email: Mapped[Optional[str]] = mapped_column(String(200))
    website: Mapped[Optional[str]] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self):
        return self.name
