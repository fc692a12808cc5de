"""Accounts (issue 6, item 3): invitations and "Wachtwoord vergeten" with one-time links, the mail
module, the password policy (ASVS 2.1), and logout / password change ending every session.

Every test makes its own users: logging a shared demo user out would end the sessions the other
tests share (that is the point of the feature)."""
import datetime as dt
import email
import itertools
import logging
import re
from pathlib import Path

import pytest
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from sqlalchemy import select, text

from app.core import clock
from app.extensions import db
from app.security import accounts, sessions, tokens
from app.security.rules import common_passwords, is_common_password, password_policy
from tests.helpers import Client

PASSWORD = "een lange zin als wachtwoord"
NEW_PASSWORD = "fietsen langs de Vecht in mei"
_numbers = itertools.count(1)


def new_user(app, role="staff", password=PASSWORD, active=True):
    """A fresh user (no scope link needed for staff) with a password, or invited (password=None)."""
    from app.security.manager import FondsUser

    n = next(_numbers)
    address = f"account-{n}-{id(app) % 10000}@example.nl"
    with app.app_context():
        role_row = app.appbuilder.sm.find_role(role)
        user = FondsUser(first_name="Test", last_name=f"Gebruiker {n}", username=address, email=address,
                         active=active, roles=[role_row],
                         password=accounts.hash_password(password) if password else accounts.unusable_password())
        db.session.add(user)
        db.session.commit()
        return user.id, address


def mails_to(app, address):
    outbox = Path(app.config["MAIL_OUTBOX_DIR"])
    found = []
    for path in sorted(outbox.glob("*.eml")) if outbox.exists() else []:
        message = email.message_from_bytes(path.read_bytes())
        if message["To"] == address:
            found.append(message)
    return found


def link_in(message):
    body = message.get_payload(decode=True).decode("utf-8")
    return re.search(r"https?://\S+/set-password/\S+", body).group(0)


def path_of(link):
    return re.sub(r"^https?://[^/]+", "", link)


def can_log_in(app, address, password):
    response = app.test_client().post("/login/", data={"username": address, "password": password})
    return response.status_code == 302 and "/login" not in response.headers["Location"]


def role_id(app, name):
    with app.app_context():
        return db.session.execute(text("SELECT id FROM ab_role WHERE name = :n"), {"n": name}).scalar()


# --- password policy (rules, without HTTP) ----------------------------------------------------------

def test_password_policy_length_list_and_no_composition_rules(ctx):
    for good in ("twaalf tekens", "een lange zin als wachtwoord", "alleenkleineletters", "ëën zin met spaties",
                 "x" * 3 + "y" * 3 + "z" * 3 + "w" * 3):
        password_policy(good)  # no upper case, digit or symbol demanded (ASVS 2.1.9)
    refused = {
        "elf tekens!": "12 tekens",
        "x" * 129: "128 tekens",
        "Password2024!!": "veelgebruikte",
        "wachtwoord123": "veelgebruikte",
        "Welkom01!!!!": "veelgebruikte",
        "123456789012": "veelgebruikte",
        "hallohallohallo": "veelgebruikte",
        "aaaaaaaaaaaaaaaa": "veelgebruikte",
        "qwertyuiop12": "veelgebruikte",
    }
    for password, message in refused.items():
        with pytest.raises(PasswordComplexityValidationError, match=message):
            password_policy(password)


def test_common_password_list_ships_with_the_app(ctx):
    listed = common_passwords()
    assert len(listed) > 3000
    assert {"password", "123456", "iloveyou", "wachtwoord", "welkom", "fondsportaal"} <= listed
    assert not any(entry.startswith("#!comment") for entry in listed)
    assert is_common_password("Fondsportaal2026!")
    assert not is_common_password("mijn kat slaapt op de verwarming")


# --- one-time tokens (without HTTP) --------------------------------------------------------------------

def test_tokens_are_stored_hashed_single_use_and_expire(app, ctx):
    user_id, _ = new_user(app)
    now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc)
    session = db.session
    raw = tokens.issue(session, user_id, tokens.RESET, now, dt.timedelta(hours=2))
    session.commit()
    stored = session.execute(select(tokens.AccountToken).where(tokens.AccountToken.user_id == user_id)).scalar_one()
    assert stored.token_hash == tokens.hash_token(raw) and raw not in repr(vars(stored))
    assert tokens.find_valid(session, raw, now + dt.timedelta(minutes=119)) is not None
    assert tokens.find_valid(session, raw, now + dt.timedelta(minutes=120)) is None  # expired
    assert tokens.find_valid(session, raw + "x", now) is None
    # a newer link ends the older one
    newer = tokens.issue(session, user_id, tokens.INVITE, now, dt.timedelta(days=7))
    assert tokens.find_valid(session, raw, now) is None
    # single use, also when two requests race with the same link
    assert tokens.consume(session, newer, now) is not None
    assert tokens.consume(session, newer, now) is None
    session.commit()


# --- invitations ----------------------------------------------------------------------------------------

def test_staff_create_a_user_without_password_and_the_user_sets_one_through_the_invitation(app, clients):
    address = "uitgenodigd@example.nl"
    response = clients("staff").post("/users/add", data={
        "first_name": "Uit", "last_name": "Genodigd", "email": address, "active": "y",
        "roles": [str(role_id(app, "staff"))], "password": "", "conf_password": ""}, follow_redirects=True)
    assert response.status_code == 200
    assert f"Er is een uitnodiging gestuurd naar {address}" in response.get_data(as_text=True)
    [mail] = mails_to(app, address)
    assert mail["Subject"] == "Uitnodiging voor Fondsportaal"
    link = link_in(mail)
    assert link.startswith("http://localhost/set-password/")
    with app.app_context():  # only the hash is in the database
        hashes = db.session.execute(text("SELECT token_hash FROM account_token")).scalars().all()
    assert link.rsplit("/", 1)[1] not in hashes
    assert not can_log_in(app, address, "")

    visitor = app.test_client()
    page = visitor.get(path_of(link))
    assert page.status_code == 200 and address in page.get_data(as_text=True)
    weak = visitor.post(path_of(link), data={"password": "wachtwoord123", "conf_password": "wachtwoord123"})
    assert "veelgebruikte" in weak.get_data(as_text=True)
    mismatch = visitor.post(path_of(link), data={"password": PASSWORD, "conf_password": PASSWORD + "!"})
    assert "niet gelijk" in mismatch.get_data(as_text=True)
    done = visitor.post(path_of(link), data={"password": PASSWORD, "conf_password": PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login/")
    assert can_log_in(app, address, PASSWORD)
    again = visitor.get(path_of(link))
    assert again.status_code == 404 and "niet (meer) geldig" in again.get_data(as_text=True)


def test_invitation_action_on_list_and_show_page(app, clients):
    staff = clients("staff")
    first_id, first = new_user(app, password=None)
    second_id, second = new_user(app, password=None)
    inactive_id, inactive = new_user(app, active=False)
    show = staff.get(f"/users/show/{first_id}").get_data(as_text=True)
    assert "Uitnodiging sturen" in show
    response = staff.post("/users/action_post", data={"action": "invite",
                                                      "rowid": [str(first_id), str(second_id), str(inactive_id)]})
    assert response.status_code == 302
    assert len(mails_to(app, first)) == 1 and len(mails_to(app, second)) == 1 and not mails_to(app, inactive)
    staff.post(f"/users/action/invite/{first_id}")  # the button on the show page posts
    assert len(mails_to(app, first)) == 2
    old, new = (link_in(m) for m in mails_to(app, first))
    assert app.test_client().get(path_of(old)).status_code == 404  # the newer invitation replaced it
    assert app.test_client().get(path_of(new)).status_code == 200


def test_staff_cannot_invite_or_set_the_password_of_an_administrator(app, clients):
    admin_id, admin_address = new_user(app, role="admin")
    staff = clients("staff")
    staff.post("/users/action_post", data={"action": "invite", "rowid": [str(admin_id)]})
    assert not mails_to(app, admin_address)
    assert staff.get(f"/resetpassword/form?pk={admin_id}").status_code == 404
    response = staff.post(f"/resetpassword/form?pk={admin_id}",
                          data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    assert response.status_code == 404
    assert can_log_in(app, admin_address, PASSWORD)
    without_user = staff.get("/resetpassword/form")
    assert without_user.status_code == 302 and without_user.headers["Location"].endswith("/users/list/")
    assert staff.post("/resetpassword/form", data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD}).status_code == 404


# --- Wachtwoord vergeten -----------------------------------------------------------------------------------

def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(app):
    _, address = new_user(app)
    client = app.test_client()
    assert "Wachtwoord vergeten" in client.get("/login/").get_data(as_text=True)
    known = client.post("/forgot-password/", data={"email": address})
    unknown = client.post("/forgot-password/", data={"email": "niemand-hier@example.nl"})
    assert (known.status_code, known.headers["Location"], known.get_data()) == \
           (unknown.status_code, unknown.headers["Location"], unknown.get_data())
    page = client.get(known.headers["Location"]).get_data(as_text=True)
    assert "Als dit e-mailadres bij ons bekend is" in page
    assert len(mails_to(app, address)) == 1 and not mails_to(app, "niemand-hier@example.nl")
    [mail] = mails_to(app, address)
    assert "2 uur geldig" in mail.get_payload(decode=True).decode()

    link = path_of(link_in(mail))
    done = client.post(link, data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    assert done.status_code == 302
    assert can_log_in(app, address, NEW_PASSWORD) and not can_log_in(app, address, PASSWORD)
    assert client.post(link, data={"password": PASSWORD, "conf_password": PASSWORD}).status_code == 404


def test_reset_link_expires_after_two_hours(app):
    _, address = new_user(app)
    app.test_client().post("/forgot-password/", data={"email": address})
    link = path_of(link_in(mails_to(app, address)[-1]))
    with clock.frozen_at(clock.now() + dt.timedelta(minutes=121)):
        page = app.test_client().get(link)
    assert page.status_code == 404 and "verlopen" in page.get_data(as_text=True)


def test_reset_link_never_points_at_a_forged_host(app):
    _, address = new_user(app)
    app.test_client().post("/forgot-password/", data={"email": address}, headers={"Host": "evil.example"})
    link = link_in(mails_to(app, address)[-1])
    assert "evil.example" not in link and link.startswith("http://127.0.0.1/set-password/")


def test_inactive_users_get_no_reset_mail(app):
    _, address = new_user(app, active=False)
    app.test_client().post("/forgot-password/", data={"email": address})
    assert not mails_to(app, address)


# --- the mail module -----------------------------------------------------------------------------------------

def test_outbox_mode_writes_eml_and_logs_the_path_but_never_the_body(app, caplog, tmp_path, monkeypatch):
    from app.core.mail import log, send_mail

    monkeypatch.setattr(log, "disabled", False)  # Alembic's fileConfig in the test set-up disables loggers
    with app.test_request_context(), caplog.at_level(logging.INFO, logger="app.core.mail"):
        app.config["MAIL_OUTBOX_DIR"], saved = str(tmp_path), app.config["MAIL_OUTBOX_DIR"]
        try:
            path = send_mail("iemand@example.nl", "Onderwerp", "geheime-link-abc123")
        finally:
            app.config["MAIL_OUTBOX_DIR"] = saved
    assert path.parent == tmp_path and path.suffix == ".eml"
    message = email.message_from_bytes(path.read_bytes())
    assert message["From"] == "noreply@fondsportaal.nl" and message["Subject"] == "Onderwerp"
    assert str(path) in caplog.text and "geheime-link-abc123" not in caplog.text
    assert "iemand@example.nl" not in caplog.text  # masked: i***@example.nl


def test_smtp_mode_uses_the_mail_settings(app, monkeypatch):
    import app.core.mail as mail

    calls = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            calls.append(("connect", host, port, timeout))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            calls.append(("quit",))

        def starttls(self):
            calls.append(("starttls",))

        def login(self, user, password):
            calls.append(("login", user, password))

        def send_message(self, message):
            calls.append(("send", message["To"], message["Subject"]))

    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    settings = {"MAIL_SERVER": "smtp.example.nl", "MAIL_PORT": 2525, "MAIL_USE_TLS": True,
                "MAIL_USERNAME": "portaal", "MAIL_PASSWORD": "s3cret"}
    with app.test_request_context():
        saved = {k: app.config[k] for k in settings}
        app.config.update(settings)
        try:
            assert mail.send_mail("a@example.nl", "Test", "tekst") is None
        finally:
            app.config.update(saved)
    assert calls == [("connect", "smtp.example.nl", 2525, 10), ("starttls",), ("login", "portaal", "s3cret"),
                     ("send", "a@example.nl", "Test"), ("quit",)]


# --- logout and password change end every session ------------------------------------------------------------

def protected_page_opens(app, cookie):
    client = app.test_client()
    client.set_cookie("session", cookie)
    response = client.get("/users/userinfo/")
    return response.status_code == 200


def test_a_cookie_captured_before_logout_is_refused_after_it(app):
    _, address = new_user(app)
    laptop = Client.logged_in(app, address, PASSWORD)
    phone = Client.logged_in(app, address, PASSWORD)
    captured = laptop.http.get_cookie("session").value
    assert protected_page_opens(app, captured)
    token = laptop.token
    assert laptop.api("get", "/api/v1/company/").status_code == 200

    assert laptop.post("/logout/").status_code == 302  # "Afsluiten"
    replay = app.test_client()
    replay.set_cookie("session", captured)
    response = replay.get("/users/userinfo/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert phone.get("/users/userinfo/").status_code == 302  # every session of the user ended
    refused = app.test_client().get("/api/v1/company/", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401  # API tokens of the old epoch too
    assert Client.logged_in(app, address, PASSWORD).get("/users/userinfo/").status_code == 200


def test_only_the_portal_itself_can_log_a_user_out(app):
    """A GET from another site (an image, a link) gets a button, not a logout: Afsluiten ends every
    session of the user, so it must not be a cross-site request forgery target."""
    _, address = new_user(app)
    user = Client.logged_in(app, address, PASSWORD)
    for headers in ({}, {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "none"}):
        page = user.get("/logout/", headers=headers)
        assert page.status_code == 200 and 'id="fonds-logout-confirm"' in page.get_data(as_text=True)
        assert user.get("/users/userinfo/").status_code == 200
    clicked = user.get("/logout/", headers={"Sec-Fetch-Site": "same-origin"})  # the menu's Afsluiten
    assert clicked.status_code == 302 and user.get("/users/userinfo/").status_code == 302
    assert app.test_client().get("/logout/").headers["Location"].endswith("/login/")


def test_own_password_change_asks_the_current_one_and_ends_the_other_sessions(app):
    _, address = new_user(app)
    laptop = Client.logged_in(app, address, PASSWORD)
    phone = Client.logged_in(app, address, PASSWORD)
    wrong = laptop.post("/resetmypassword/form", data={
        "old_password": "niet mijn wachtwoord", "password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    assert "Het huidige wachtwoord is onjuist" in wrong.get_data(as_text=True)
    assert can_log_in(app, address, PASSWORD)
    changed = laptop.post("/resetmypassword/form", data={
        "old_password": PASSWORD, "password": NEW_PASSWORD, "conf_password": NEW_PASSWORD}, follow_redirects=True)
    assert "Uw wachtwoord is gewijzigd" in changed.get_data(as_text=True)
    assert laptop.get("/users/userinfo/").status_code == 200  # this session goes on
    assert phone.get("/users/userinfo/").status_code == 302  # the other one ended
    assert can_log_in(app, address, NEW_PASSWORD) and not can_log_in(app, address, PASSWORD)


def test_staff_setting_a_password_and_a_reset_link_end_the_users_sessions(app, clients):
    user_id, address = new_user(app)
    session_before = Client.logged_in(app, address, PASSWORD)
    clients("staff").post(f"/resetpassword/form?pk={user_id}",
                          data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    assert session_before.get("/users/userinfo/").status_code == 302
    session_after = Client.logged_in(app, address, NEW_PASSWORD)
    app.test_client().post("/forgot-password/", data={"email": address})
    link = path_of(link_in(mails_to(app, address)[-1]))
    app.test_client().post(link, data={"password": PASSWORD, "conf_password": PASSWORD})
    assert session_after.get("/users/userinfo/").status_code == 302


def test_session_ids_without_epoch_load_no_user(ctx):
    assert sessions.parse_session_user_id("5") is None  # a cookie from before this release
    assert sessions.parse_session_user_id("5:x") is None
    assert sessions.parse_session_user_id("5:2") == (5, 2)
