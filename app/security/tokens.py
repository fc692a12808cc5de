"""One-time account tokens: the link in an invitation or a password-reset mail.

Only a SHA-256 hash of a token is stored (the token itself has 256 random bits, so a fast hash is
enough: nobody can guess one to compare). A token is valid until it expires or is used, and using
one, or issuing a new one for the same user, ends every other open token of that user.
Plain functions over a SQLAlchemy session and an explicit ``now``, tested without HTTP.
"""
import datetime as dt
import hashlib
import secrets
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import UtcDateTime
from app.security.scoping import Scope

INVITE = "invite"
RESET = "reset"
PURPOSES = (INVITE, RESET)


class AccountToken(Model):
    __tablename__ = "account_token"
    # No view or API shows tokens; were one ever to, a user would see only their own.
    __scope__ = Scope(owner="user_id", private=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[Optional[dt.datetime]] = mapped_column(UtcDateTime)

    @property
    def user(self):
        """The token's user (no ORM relationship: this module must import before FondsUser exists)."""
        from sqlalchemy.orm import object_session

        return object_session(self).get(_user_model(), self.user_id)

    def __repr__(self):  # never the hash
        return f"<AccountToken {self.id} {self.purpose} user={self.user_id}>"


def _user_model():
    from app.security.manager import FondsUser

    return FondsUser


def hash_token(raw):
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue(session, user_id, purpose, now, valid_for):
    """A new token for the user; earlier open tokens of the user end. Returns the raw token, which
    goes into the mail and nowhere else."""
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    end_open_tokens(session, user_id, now)
    raw = secrets.token_urlsafe(32)
    session.add(AccountToken(user_id=user_id, purpose=purpose, token_hash=hash_token(raw),
                             created_at=now, expires_at=now + valid_for))
    session.flush()
    return raw


def find_valid(session, raw, now):
    """The open, unexpired token for ``raw``, or None (unknown, used and expired look the same)."""
    if not raw or len(raw) > 100:
        return None
    token = session.execute(
        select(AccountToken).where(AccountToken.token_hash == hash_token(raw))
        .execution_options(populate_existing=True)).scalar_one_or_none()
    if token is None or token.used_at is not None or token.expires_at <= now:
        return None
    if token.user is None or not token.user.active:
        return None
    return token


def consume(session, raw, now):
    """Use the token once: returns its row, or None if it was not (or no longer) valid. The update
    is conditional, so two requests racing with one link cannot both succeed."""
    token = find_valid(session, raw, now)
    if token is None:
        return None
    used = session.execute(
        update(AccountToken).where(AccountToken.id == token.id, AccountToken.used_at.is_(None))
        .values(used_at=now))
    if used.rowcount != 1:
        return None
    end_open_tokens(session, token.user_id, now)
    return token


def end_open_tokens(session, user_id, now):
    session.execute(
        update(AccountToken).where(AccountToken.user_id == user_id, AccountToken.used_at.is_(None))
        .values(used_at=now))
