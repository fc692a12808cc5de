"""Messages for the next page (Flask's flash), always as plain text, so the page escapes them.

A lazily translated message with values in it (``_l("%(name)s is nu de hoofdcontactpersoon.", name=…)``)
has ``__html__``; Flask's session serializer keeps such a value as Markup, and the page would print a
contact named ``<meta http-equiv="refresh" …>`` as markup. Every message of the portal goes through
``tell``; a test makes sure nothing calls ``flash`` itself.
"""
from flask import flash


def tell(message, category="info"):
    flash(str(message), category)
