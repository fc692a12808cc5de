"""What staff configure on every page (campaign banner, partner logos, M2.3–M2.4) and the helpdesk
inbox of the contact form (M19)."""
import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import UtcDateTime
from app.core.uploads import HasFiles
from app.core.versioning import Versioned
from app.security.manager import FondsUser
from app.security.scoping import CREATE, READ, Scope


class CampaignBanner(Versioned, Model):
    __tablename__ = "campaign_banner"
    __scope__ = Scope.public()

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    text: Mapped[Optional[str]] = mapped_column(String(500))
    link_url: Mapped[Optional[str]] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self):
        return self.title


class PartnerLogo(HasFiles, Versioned, Model):
    """A partner in the footer; its image is a StoredFile (app.core.uploads, app.shell.logos)."""

    __tablename__ = "partner_logo"
    __scope__ = Scope.public()

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    website: Mapped[Optional[str]] = mapped_column(String(300))
    # The type of the current image; empty: no image, the footer shows the name.
    image_type: Mapped[Optional[str]] = mapped_column(String(40))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def logo_file(self):
        return self.stored_files[-1] if self.stored_files else None

    def __str__(self):
        return self.name


class ContactMessage(Versioned, Model):
    """A message sent through "Contact" (M19); lands in the staff inbox."""

    __tablename__ = "contact_message"
    # Staff see all (scope ALL); anybody else only the messages they sent themselves.
    __scope__ = Scope(owner="sender_id", owner_actions=(READ, CREATE))

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    handled: Mapped[bool] = mapped_column(Boolean, default=False)
    answer: Mapped[Optional[str]] = mapped_column(Text)

    sender = relationship(FondsUser)

    def __str__(self):
        return self.subject
