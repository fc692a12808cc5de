"""Response headers that protect every page, and the answer to a form without a valid CSRF token.

- Content-Security-Policy without inline script: a script runs only from our own origin or with this
  response's nonce. FAB's templates put ``nonce="{{ baselib.get_nonce() }}"`` on their scripts, which
  calls the ``csp_nonce()`` registered here (the name flask-talisman uses). Styles may be inline: FAB's
  templates use style attributes (hidden action forms, tab bars), and a style cannot run code.
- frame-ancestors 'none' (and X-Frame-Options for old browsers), nosniff, Referrer-Policy same-origin
  (one-time links never leave the site in a Referer), a Permissions-Policy, and HSTS where
  HSTS_MAX_AGE > 0 (production; 0 in development).
- ProxyFix for TRUSTED_PROXIES, so the limit per client address sees the client, not the proxy.
"""
import logging
import secrets

from flask import current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)


def csp_nonce():
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce):
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def security_headers(nonce, hsts_max_age):
    headers = {
        "Content-Security-Policy": content_security_policy(nonce),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if hsts_max_age > 0:
        headers["Strict-Transport-Security"] = f"max-age={hsts_max_age}"
    return headers


def register_security_headers(app):
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _security_headers(response):
        for name, value in security_headers(csp_nonce(), int(app.config.get("HSTS_MAX_AGE") or 0)).items():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        from app.core.errors import request_id

        if "user" not in g:  # CSRFProtect runs before FAB's before_request sets it; the page needs it
            g.user = current_user

        log.warning("form refused without a valid CSRF token: %s %s, request id %s (%s)",
                    request.method, request.path, request_id(), error.description)
        message = _("Het formulier is verlopen of niet via het portaal verstuurd. Er is niets opgeslagen. "
                    "Laad de pagina opnieuw en probeer het nog eens.")
        if request.path.startswith("/api/"):
            return jsonify(message=message, request_id=request_id()), 400
        return render_template("shell/error.html", code=400, message=message, request_id=request_id(),
                               appbuilder=current_app.appbuilder, title=message), 400
