"""Saved overviews: "U kunt zelf overzichten samenstellen" — a search chain kept under a name."""
import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import UtcDateTime
from app.core.versioning import Versioned
from app.security.scoping import Scope


class SavedOverview(Versioned, Model):
    __tablename__ = "saved_overview"
    __scope__ = Scope(owner="user_id", private=True)
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_overview_user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    list_endpoint: Mapped[str] = mapped_column(String(100))  # e.g. "CompanyView"
    query: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    def __str__(self):
        return self.name
