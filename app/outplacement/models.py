"""Outplacement organisations (003). Clients, attests and steps extend this domain."""
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.versioning import Versioned
from app.registry.models import Region
from app.security.scoping import OUTPLACEMENT_ORG, REGION, Scope


class OutplacementOrganisation(Versioned, Model):
    __tablename__ = "outplacement_organisation"
    __scope__ = Scope(columns={OUTPLACEMENT_ORG: "id", REGION: "region_id"})

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[Optional[int]] = mapped_column(ForeignKey("region.id"), index=True)

    region: Mapped[Optional[Region]] = relationship()

    def __str__(self):
        return f"{self.name} ({self.number})"
