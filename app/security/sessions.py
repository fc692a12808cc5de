"""Sessions that end: logout and a password change end every session of the user, and no session
lives longer than SESSION_MAX_HOURS after its login, however active (ASVS 3.3.1, 3.3.2).

Flask's session is a signed cookie, so the server cannot delete it. Instead each user has a
``session_epoch`` (a column on ab_user), and the session stores "<user id>:<epoch>" as Flask-Login's
user id (its "alternative token" pattern): a cookie from before the epoch was raised no longer
loads a user. The idle timeout is Flask's own: PERMANENT_SESSION_LIFETIME, renewed by every request
(create_app), checked against the cookie's signed timestamp.
"""
from sqlalchemy import update

from app.core.clock import now

LOGIN_AT = "_fonds_login_at"  # session key: when this session logged in (epoch seconds)
EPOCH_CLAIM = "fonds_epoch"  # the same epoch in API tokens (JWT)



def clock():
    """Now, in seconds since the epoch (what a session stores as its login time)."""
    return now().timestamp()


def session_user_id(user):
    """What Flask-Login keeps in the session for ``user``."""
    return f"{user.id}:{user.session_epoch or 0}"


def parse_session_user_id(value):
    """(user id, epoch) from a session's user id, or None for anything else (an old plain id)."""
    user_id, separator, epoch = str(value or "").partition(":")
    if not separator or not user_id.isdigit() or not epoch.isdigit():
        return None
    return int(user_id), int(epoch)


def session_is_current(user, epoch, login_at, now, max_seconds):
    """The session still belongs to ``user``: same epoch, and logged in less than max_seconds ago."""
    if user is None or not user.is_active or epoch != (user.session_epoch or 0):
        return False
    if not isinstance(login_at, (int, float)):
        return False
    return 0 <= now - login_at < max_seconds


def end_all_sessions(db_session, user_id):
    """Raise the user's epoch: every session and API token issued before now stops working."""
    from app.security.manager import FondsUser

    db_session.execute(update(FondsUser).where(FondsUser.id == user_id)
                       .values(session_epoch=FondsUser.session_epoch + 1)
                       .execution_options(synchronize_session=False))
    db_session.commit()
    db_session.expire_all()
