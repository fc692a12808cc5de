"""Login protection (issue 6, item 4), one test per promise: limits per client address and per
account with a Dutch lockout message, identical answers (and equal hashing work) for an unknown
address and a wrong password, no redirect to another host, cookie flags, idle and absolute session
expiry, CSRF on every form, and the security headers (CSP with nonces, no inline script). Also
item 5, errors: Dutch pages and JSON with a request id that is in the log, never database text.

The shared test app runs without limits and without CSRF (like FAB's and Airflow's suites), so this
module builds two more apps on the same database: ``guarded`` (limits on, memory storage) and
``production`` (CSRF on, Secure cookie, HSTS). Time is faked, never slept."""
import importlib
import re
import time
import types

import pytest
from flask_appbuilder.security import manager as fab_manager

from app.security import login_guard, sessions
from tests.security.test_accounts import PASSWORD, new_user

NONCE = re.compile(r'nonce="[^"]*"|nonce-[A-Za-z0-9_-]+')


def _make_app(database_url, tmp_path_factory, **overrides):
    from app import create_app

    instance = tmp_path_factory.mktemp("instance")
    return create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-of-at-least-32-bytes!",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_DIR": str(instance),
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "MAIL_OUTBOX_DIR": str(instance / "mail"),
        **overrides,
    })


@pytest.fixture(scope="module")
def guarded(app, database_url, tmp_path_factory):
    """Limits on (memory storage), CSRF off. Depends on ``app``: the database is migrated and seeded."""
    return _make_app(database_url, tmp_path_factory, WTF_CSRF_ENABLED=False, SESSION_COOKIE_SECURE=False,
                     RATELIMIT_ENABLED=True, AUTH_RATE_LIMITED=True, RATELIMIT_STORAGE_URI="memory://",
                     AUTH_RATE_LIMIT="10 per 20 second", AUTH_ACCOUNT_RATE_LIMIT="5 per minute; 20 per hour")


@pytest.fixture(scope="module")
def production(app, database_url, tmp_path_factory):
    """CSRF on, Secure cookie, HSTS: the production settings; limits off."""
    return _make_app(database_url, tmp_path_factory, WTF_CSRF_ENABLED=True, SESSION_COOKIE_SECURE=True,
                     RATELIMIT_ENABLED=False, AUTH_RATE_LIMITED=False, HSTS_MAX_AGE=31536000)


@pytest.fixture()
def clock(monkeypatch):
    """One fake clock for the limiter's memory storage, the lockout and the session cap."""
    import limits.storage.memory as memory

    now = [time.time()]
    monkeypatch.setattr(memory, "time", types.SimpleNamespace(time=lambda: now[0]))
    monkeypatch.setattr(login_guard, "clock", lambda: now[0])
    monkeypatch.setattr(sessions, "clock", lambda: now[0])
    return now


def login(app, address, password, ip="127.0.0.1", client=None, **kwargs):
    client = client or app.test_client()
    return client.post("/login/", data={"username": address, "password": password},
                       environ_base={"REMOTE_ADDR": ip}, **kwargs)


def logged_in(response):
    return response.status_code == 302 and "/login" not in response.headers["Location"]


def without_nonces(body):
    return NONCE.sub("nonce", body)


# --- limits per account and per client address ------------------------------------------------------------

def test_the_sixth_wrong_password_within_a_minute_is_refused_also_from_another_address(guarded, clock):
    _, address = new_user(guarded)
    for attempt in range(5):
        response = login(guarded, address, "fout wachtwoord nr %d" % attempt, ip="10.1.0.1")
        assert response.status_code == 302 and not logged_in(response)
    sixth = login(guarded, address, "nog een fout wachtwoord", ip="10.1.0.2")
    assert sixth.status_code == 429
    body = sixth.get_data(as_text=True)
    assert "Te veel mislukte inlogpogingen met dit e-mailadres" in body and "over 1 minuut" in body
    assert sixth.headers["Retry-After"] == "60"
    # locked means locked: the right password is not even checked, from yet another address ...
    assert login(guarded, address, PASSWORD, ip="10.1.0.3").status_code == 429
    # ... nor through the API
    api = guarded.test_client().post("/api/v1/security/login", environ_base={"REMOTE_ADDR": "10.1.0.4"},
                                     json={"username": address, "password": PASSWORD, "provider": "db"})
    assert api.status_code == 401
    clock[0] += 61
    assert logged_in(login(guarded, address, PASSWORD, ip="10.1.0.1"))


def test_lockout_looks_the_same_for_an_address_without_account(guarded, clock):
    _, address = new_user(guarded)
    unknown = "bestaat-niet-%d@example.nl" % id(clock)
    answers = []
    for who in (address, unknown):
        for attempt in range(5):
            login(guarded, who, "fout wachtwoord", ip="10.2.0.1")
        answers.append(login(guarded, who, "fout wachtwoord", ip="10.2.0.2"))
    known_answer, unknown_answer = answers
    assert known_answer.status_code == unknown_answer.status_code == 429
    assert known_answer.headers["Retry-After"] == unknown_answer.headers["Retry-After"]
    known_body = without_nonces(known_answer.get_data(as_text=True)).replace(address, "ADDRESS")
    assert known_body == without_nonces(unknown_answer.get_data(as_text=True)).replace(unknown, "ADDRESS")


def test_twenty_failures_an_hour_lock_the_account_for_longer(guarded, clock):
    _, address = new_user(guarded)
    for minute in range(4):
        for attempt in range(5):
            assert login(guarded, address, "fout", ip=f"10.3.{minute}.{attempt}").status_code == 302
        clock[0] += 61
    locked = login(guarded, address, PASSWORD, ip="10.3.9.9")
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 3000
    clock[0] += 3600
    assert logged_in(login(guarded, address, PASSWORD, ip="10.3.9.9"))


def test_a_good_login_clears_the_failures(guarded, clock):
    _, address = new_user(guarded)
    for attempt in range(4):
        login(guarded, address, "fout", ip="10.4.0.1")
    assert logged_in(login(guarded, address, PASSWORD, ip="10.4.0.1"))
    for attempt in range(5):
        assert login(guarded, address, "fout", ip="10.4.0.2").status_code == 302


def test_limit_per_client_address_on_the_login_page_and_the_api(guarded, clock):
    for attempt in range(10):
        assert login(guarded, f"iemand{attempt}@example.nl", "fout", ip="10.5.0.1").status_code == 302
    eleventh = login(guarded, "nog-iemand@example.nl", "fout", ip="10.5.0.1")
    assert eleventh.status_code == 429
    assert "Te veel pogingen" in eleventh.get_data(as_text=True)
    assert login(guarded, "nog-iemand@example.nl", "fout", ip="10.5.0.2").status_code == 302
    api = guarded.test_client()
    codes = [api.post("/api/v1/security/login", environ_base={"REMOTE_ADDR": "10.5.0.3"},
                      json={"username": f"x{n}@example.nl", "password": "fout", "provider": "db"}).status_code
             for n in range(11)]
    assert codes == [401] * 10 + [429]
    clock[0] += 21
    assert login(guarded, "nog-iemand@example.nl", "fout", ip="10.5.0.1").status_code == 302


def test_reset_mails_per_address_are_limited(guarded, clock):
    from tests.security.test_accounts import mails_to

    _, address = new_user(guarded)
    client = guarded.test_client()
    answers = {client.post("/forgot-password/", data={"email": address},
                           environ_base={"REMOTE_ADDR": f"10.6.0.{n}"}).headers["Location"] for n in range(5)}
    assert len(answers) == 1  # the same neutral answer every time
    assert len(mails_to(guarded, address)) == 3  # PASSWORD_RESET_RATE_LIMIT: 3 per hour


# --- the same answer, and the same work, for an unknown address and a wrong password -----------------------

def test_unknown_address_and_wrong_password_get_identical_answers(app):
    _, address = new_user(app)
    first, second = app.test_client(), app.test_client()
    wrong = first.post("/login/?next=/companyview/list/", data={"username": address, "password": "fout wachtwoord"})
    unknown = second.post("/login/?next=/companyview/list/",
                          data={"username": "onbekend@example.nl", "password": "fout wachtwoord"})
    assert (wrong.status_code, wrong.headers["Location"], wrong.get_data()) == \
           (unknown.status_code, unknown.headers["Location"], unknown.get_data())
    wrong_page = first.get(wrong.headers["Location"]).get_data(as_text=True)
    unknown_page = second.get(unknown.headers["Location"]).get_data(as_text=True)
    assert "Het e-mailadres of wachtwoord is onjuist." in wrong_page
    assert without_nonces(wrong_page) == without_nonces(unknown_page)


def test_an_unknown_address_costs_the_same_password_hash_as_a_wrong_password(app, monkeypatch):
    """Django's counting-hasher test: equal work rather than wall-clock time (CVE-2021-29621)."""
    fake = app.config["AUTH_DB_FAKE_PASSWORD_HASH_CHECK"]
    assert fake.startswith("scrypt:32768:8:1$")  # FAB's fake hash is on, with our hash's cost
    with app.app_context():
        from app.security.accounts import hash_password

        assert hash_password("x").split("$")[0] == fake.split("$")[0]
    _, address = new_user(app)
    _, inactive = new_user(app, active=False)
    checks = []
    real = fab_manager.check_password_hash
    monkeypatch.setattr(fab_manager, "check_password_hash", lambda h, p: checks.append(h) or real(h, p))
    for who in (address, "onbekend@example.nl", inactive):
        checks.clear()
        app.test_client().post("/login/", data={"username": who, "password": "fout wachtwoord"})
        assert len(checks) == 1 and checks[0].startswith("scrypt:32768:8:1$"), who


# --- redirects ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["http://evil.example/", "//evil.example/", "https://evil.example/users/list/"])
def test_login_never_redirects_to_another_host(app, target):
    assert app.config["FAB_SAFE_REDIRECT_HOSTS"]
    _, address = new_user(app)
    client = app.test_client()
    response = client.post(f"/login/?next={target}", data={"username": address, "password": PASSWORD})
    assert logged_in(response) and "evil.example" not in response.headers["Location"]
    again = client.get(f"/login/?next={target}")  # already logged in: FAB redirects at once
    assert again.status_code == 302 and "evil.example" not in again.headers["Location"]
    inside = app.test_client().post("/login/?next=/companyview/list/", data={"username": address, "password": PASSWORD})
    assert inside.headers["Location"] == "/companyview/list/"


# --- the session cookie ---------------------------------------------------------------------------------------

def test_session_cookie_is_secure_httponly_and_samesite_in_production(production):
    cookie = production.test_client().get("/login/").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # permanent: PERMANENT_SESSION_LIFETIME is the idle timeout


def test_production_and_development_defaults(monkeypatch):
    import config

    try:
        monkeypatch.setenv("FONDS_ENV", "production")
        production_config = importlib.reload(config)
        assert production_config.SESSION_COOKIE_SECURE is True and production_config.SESSION_COOKIE_HTTPONLY is True
        assert production_config.SESSION_COOKIE_SAMESITE == "Lax"
        assert production_config.HSTS_MAX_AGE >= 180 * 24 * 3600
        assert production_config.AUTH_RATE_LIMITED and production_config.RATELIMIT_ENABLED
        assert production_config.WTF_CSRF_ENABLED is True
        monkeypatch.setenv("FONDS_ENV", "development")
        development_config = importlib.reload(config)
        assert development_config.SESSION_COOKIE_SECURE is False and development_config.HSTS_MAX_AGE == 0
    finally:
        monkeypatch.undo()
        importlib.reload(config)


def test_idle_sessions_expire_and_activity_keeps_them_alive(app, monkeypatch):
    import itsdangerous.timed

    now = [time.time()]
    monkeypatch.setattr(itsdangerous.timed, "time", types.SimpleNamespace(time=lambda: now[0]))
    monkeypatch.setattr(sessions, "clock", lambda: now[0])
    _, address = new_user(app)
    client = app.test_client()
    assert logged_in(login(app, address, PASSWORD, client=client))
    idle = app.permanent_session_lifetime.total_seconds()
    assert idle == 30 * 60
    for step in range(3):  # a request every 29 minutes keeps the session
        now[0] += idle - 60
        assert client.get("/users/userinfo/").status_code == 200
    now[0] += idle + 1
    response = client.get("/users/userinfo/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_sessions_end_twelve_hours_after_login_however_active(app, monkeypatch):
    now = [time.time()]
    monkeypatch.setattr(sessions, "clock", lambda: now[0])
    _, address = new_user(app)
    client = app.test_client()
    assert logged_in(login(app, address, PASSWORD, client=client))
    now[0] += 12 * 3600 - 60
    assert client.get("/users/userinfo/").status_code == 200
    now[0] += 61
    response = client.get("/users/userinfo/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- CSRF -------------------------------------------------------------------------------------------------------

def csrf_token(html):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_every_form_and_state_change_needs_the_csrf_token(production):
    user_id, address = new_user(production)
    other_id, _ = new_user(production)
    client = production.test_client()
    refused = client.post("/login/", data={"username": address, "password": PASSWORD})
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert "Het formulier is verlopen of niet via het portaal verstuurd" in body and "Foutcode" in body
    token = csrf_token(client.get("/login/").get_data(as_text=True))
    assert logged_in(client.post("/login/", data={"username": address, "password": PASSWORD, "csrf_token": token}))

    for url, data in (("/users/add", {"first_name": "X", "last_name": "Y", "email": "csrf@example.nl"}),
                      (f"/users/edit/{other_id}", {"first_name": "Gewijzigd"}),
                      (f"/users/delete/{other_id}", {}),
                      ("/users/action_post", {"action": "invite", "rowid": [str(other_id)]}),
                      (f"/users/action/invite/{other_id}", {}),
                      ("/resetmypassword/form", {"old_password": PASSWORD, "password": "x" * 20, "conf_password": "x" * 20}),
                      ("/contactformview/form", {"subject": "x", "message": "y"}),
                      ("/forgot-password/", {"email": address}),
                      ("/logout/", {})):
        assert client.post(url, data=data).status_code == 400, url
    # a GET may not change anything either: FAB refuses deletes and actions by GET once CSRF is on
    client.get(f"/users/delete/{other_id}")
    client.get(f"/users/action/invite/{other_id}")
    assert client.get(f"/users/show/{other_id}").status_code == 200
    api = production.test_client().post("/api/v1/company/", json={"name": "x"})
    assert api.status_code in (401, 400)  # the API takes tokens, never the cookie


# --- security headers ---------------------------------------------------------------------------------------------

def check_headers(response):
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    body = response.get_data(as_text=True)
    for tag in re.findall(r"<script\b[^>]*>", body):  # every script is ours: a file or this nonce
        assert f'nonce="{nonce}"' in tag or re.search(r'src="/', tag), tag
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", body), "inline event handler"
    assert "javascript:" not in body
    return nonce


def test_security_headers_on_public_and_signed_in_pages(app, production, clients):
    first = check_headers(app.test_client().get("/login/"))
    second = check_headers(app.test_client().get("/login/"))
    assert first != second  # a fresh nonce per response
    staff = clients("staff")
    for url in ("/", "/users/list/", "/companyview/list/", "/users/userinfo/", "/resetmypassword/form",
                "/contactformview/form"):
        response = staff.get(url)
        assert response.status_code == 200, url
        check_headers(response)
    assert production.test_client().get("/login/").headers["Strict-Transport-Security"] == "max-age=31536000"


def test_no_hsts_in_development():
    from app.security.headers import security_headers

    assert "Strict-Transport-Security" not in security_headers("n", 0)
    assert security_headers("n", 100)["Strict-Transport-Security"] == "max-age=100"


# --- in a real browser: the CSP blocks nothing the portal needs ---------------------------------------------

# --- errors (item 5): Dutch, with a request id that is in the log, never database or stack text --------------

def _boom(*args, **kwargs):
    from sqlalchemy.exc import OperationalError

    raise OperationalError("SELECT password FROM ab_user WHERE email = 'x'", {}, Exception("geheime-db-tekst"))


@pytest.fixture()
def error_log(caplog, monkeypatch):
    from app.core import errors

    monkeypatch.setattr(errors.log, "disabled", False)  # Alembic's fileConfig in the set-up disables loggers
    return caplog


def test_an_unexpected_error_is_a_dutch_page_whose_request_id_is_in_the_log(app, clients, monkeypatch, error_log):
    monkeypatch.setitem(app.view_functions, "HomeView.index", _boom)
    response = clients("advisor").get("/")
    body = response.get_data(as_text=True)
    request_id = response.headers["X-Request-Id"]
    assert response.status_code == 500 and "Er ging iets mis aan onze kant" in body and request_id in body
    for secret in ("SELECT", "ab_user", "geheime-db-tekst", "Traceback", "OperationalError"):
        assert secret not in body
    logged = [r for r in error_log.records if request_id in r.getMessage()]
    assert logged and any(r.exc_info for r in logged)  # the log has the details, the page only the id


def test_api_errors_are_dutch_json_with_a_request_id(app, clients, world, monkeypatch, error_log):
    advisor = clients("advisor")
    nul = advisor.api("put", f"/api/v1/contact/{world.zhn_contact}", json={"surname": "Nul\x00byte"})
    assert nul.status_code == 400 and nul.json["request_id"] == nul.headers["X-Request-Id"]
    assert "ongeldig teken" in nul.json["message"] and "SQL" not in nul.get_data(as_text=True)
    monkeypatch.setitem(app.view_functions, "CompanyApi.get_list", _boom)
    broken = advisor.api("get", "/api/v1/company/")
    text = broken.get_data(as_text=True)
    assert broken.status_code == 500 and broken.json["request_id"] == broken.headers["X-Request-Id"]
    assert "Er ging iets mis" in broken.json["message"] and "SELECT" not in text and "geheime" not in text


def test_too_large_and_unknown_give_dutch_pages(app, clients, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = clients("advisor").post("/contactformview/form", data={"subject": "x", "message": "y" * 5000})
    assert response.status_code == 413 and "te groot" in response.get_data(as_text=True)
    assert "Foutcode" in clients("advisor").get("/bestaat/niet").get_data(as_text=True)


def in_chromium(base_url, journey):
    """Run ``journey(page)`` in Debian's Chromium, on a thread of its own: the browser tests in
    tests/browser keep their Playwright (an asyncio loop) running on the main thread for the whole
    session, and a second sync Playwright may not start on the same thread."""
    import threading

    from tests.browser.conftest import CHROMIUM

    outcome = {}

    def run():
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync"])
                context = browser.new_context(locale="nl-NL")
                outside = []
                context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url)
                              else (outside.append(route.request.url), route.abort()))
                page = context.new_page()
                page.base_url = base_url
                try:
                    outcome["value"] = journey(page)
                finally:
                    browser.close()
                assert outside == [], f"the page tried to load from the internet: {outside}"
        except BaseException as error:  # handed to the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "the browser journey did not finish"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@pytest.fixture(scope="module")
def portal_url(app):
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.browser
def test_csp_blocks_nothing_on_the_pages_and_their_scripts_work(portal_url, world):
    """FAB's list and action JavaScript, the confirm dialog, the help collapse and the login page run
    under the CSP; Chromium reports no violation; Afsluiten in the menu logs out at once."""
    from tests.browser.conftest import login
    from tests.helpers import DEMO_PASSWORD

    def journey(page):
        violations = []
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text or "Refused to" in message.text else None)
        page.goto(f"{page.base_url}/forgot-password/")
        assert "Wachtwoord vergeten" in page.locator("h1").inner_text()
        login(page, "staff", DEMO_PASSWORD)
        page.goto(f"{page.base_url}/users/list/")
        page.locator("input[name=rowid]").first.check()  # ab_actions.js: tick a row, pick an action
        page.click("text=Acties")
        page.click("a:has-text('Uitnodiging sturen')")
        page.wait_for_selector("#modal-confirm", state="visible")
        page.click("#modal-confirm-ok")
        page.wait_for_load_state("networkidle")
        assert "uitnodiging" in page.locator(".alert").first.inner_text().lower()
        page.goto(f"{page.base_url}/companyview/show/{world.zhn_company}")
        page.click(".fonds-help-button")
        page.wait_for_selector("#fonds-help.in", state="visible")
        page.goto(f"{page.base_url}/contactpersonview/list/")
        page.wait_for_load_state("networkidle")
        page.click("#fonds-logout")
        page.wait_for_load_state("networkidle")
        assert "/login" in page.url
        return violations

    assert in_chromium(portal_url, journey) == []
