"""Outgoing mail, the one way the portal sends e-mail.

With MAIL_SERVER empty (development, tests) every message is written as an .eml file into
MAIL_OUTBOX_DIR and the file's path is logged; otherwise it is sent over SMTP with the MAIL_*
settings (STARTTLS when MAIL_USE_TLS). The log never holds a message body: bodies carry one-time
links, and a link is as good as a password.
"""
import logging
import smtplib
import threading
import uuid
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app

from app.core.clock import now

log = logging.getLogger(__name__)


def build_message(to, subject, body, sender=None):
    message = EmailMessage()
    message["From"] = sender or current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now())
    message["Message-ID"] = make_msgid(domain=message["From"].rpartition("@")[2] or None)
    message.set_content(body)
    return message


def send_mail(to, subject, body, background=False):
    """Send one plain-text message. Returns the .eml path in outbox mode, else None.

    ``background`` sends over SMTP in a thread, so the answer to the request does not wait for (and
    does not reveal by its timing whether there was) a mail server round trip. Outbox mode always
    writes at once."""
    message = build_message(to, subject, body)
    settings = smtp_settings(current_app.config)
    if not settings["server"]:
        return write_to_outbox(message, current_app.config["MAIL_OUTBOX_DIR"])
    if background:
        threading.Thread(target=_send_logged, args=(message, settings), daemon=True).start()
        return None
    send_smtp(message, settings)
    return None


def smtp_settings(config):
    return {
        "server": config.get("MAIL_SERVER") or "",
        "port": int(config.get("MAIL_PORT") or 587),
        "use_tls": bool(config.get("MAIL_USE_TLS")),
        "username": config.get("MAIL_USERNAME") or "",
        "password": config.get("MAIL_PASSWORD") or "",
        "timeout": int(config.get("MAIL_TIMEOUT_SECONDS") or 10),
    }


def write_to_outbox(message, outbox_dir):
    outbox = Path(outbox_dir)
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{now():%Y%m%d-%H%M%S-%f}-{uuid.uuid4().hex[:8]}.eml"  # UTC
    path = outbox / name
    path.write_bytes(bytes(message))
    log.info("mail to %s (%s) written to %s", _mask(message["To"]), message["Subject"], path)
    return path


def send_smtp(message, settings):
    with smtplib.SMTP(settings["server"], settings["port"], timeout=settings["timeout"]) as smtp:
        if settings["use_tls"]:
            smtp.starttls()
        if settings["username"]:
            smtp.login(settings["username"], settings["password"])
        smtp.send_message(message)
    log.info("mail to %s (%s) sent via %s", _mask(message["To"]), message["Subject"], settings["server"])


def _send_logged(message, settings):
    try:
        send_smtp(message, settings)
    except Exception:  # a background thread has nobody to raise to
        log.exception("mail to %s (%s) could not be sent", _mask(message["To"]), message["Subject"])


def _mask(address):
    """j***@example.nl: enough to recognise a message in the log, not a list of addresses."""
    local, _, domain = str(address).partition("@")
    return f"{local[:1]}***@{domain}"
