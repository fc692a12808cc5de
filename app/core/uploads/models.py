"""The stored file in the database (part of app.core.uploads): one row per uploaded file, owned by a
row of any model with ``__scope__``; HasFiles lets an owner receive files while it is still new.
"""
import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import ForeignKey, Index, Integer, String, and_
from sqlalchemy.orm import Mapped, declared_attr, foreign, mapped_column, relationship

from app.core.clock import UtcDateTime
from app.core.uploads.types import type_of
from app.security.scoping import Scope


class StoredFile(Model):
    """One uploaded file: who uploaded it when, what it is, and the row it belongs to."""

    __tablename__ = "stored_file"
    # Not listed to anybody but staff: a file is reached through its owner, whose scope the download
    # checks. Audited like every domain record (the token is redacted there).
    __scope__ = Scope()
    __table_args__ = (Index("ix_stored_file_owner", "owner_model", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), index=True, unique=True)  # URL and file name on disk
    name: Mapped[str] = mapped_column(String(255))  # sanitised original name, offered on download
    content_type: Mapped[str] = mapped_column(String(100))  # from the content, never from the name
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    owner_model: Mapped[str] = mapped_column(String(100))  # class name of the owning row
    owner_id: Mapped[int] = mapped_column(Integer)  # no foreign key: owners live in many tables
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    @property
    def file_type(self):
        return type_of(self.content_type)

    def __str__(self):
        return self.name


class HasFiles:
    """Mixin for owners that receive files while they are still new (an add form): the files follow
    the owner into the database and are deleted with it."""

    @declared_attr
    def stored_files(cls):
        return relationship(
            StoredFile,
            primaryjoin=lambda: and_(foreign(StoredFile.owner_id) == cls.id, StoredFile.owner_model == cls.__name__),
            cascade="all, delete-orphan", order_by=StoredFile.id, overlaps="stored_files")
