"""Bounded load test with virtual users (issue 6, item 9).

    .venv/bin/python -m bench.users                 # 50 users, 60 s, PostgreSQL at sector scale (1x)
    .venv/bin/python -m bench.users --quick         # CI: 5 users, 5 s, the small SQLite database
    .venv/bin/python -m bench.run users [...]       # the same, through the benchmark's one command

Gunicorn (sync workers) on a free loopback port serves the portal as in production (TESTING off, CSRF
on) over the benchmark's database (bench/data.py makes or reuses it). N virtual users — threads of this
process, each with its own account, its own session cookie and its own keep-alive connection
(http.client) — log in through the real login form and then loop over journeys until the time is up,
with a think time between steps:

* search:  Mijn bedrijven, a place prefix, a refinement or extension of that chain, page 2;
* dossier: a company in the user's scope, its werknemers tab, one of its employees;
* edit:    a contact person's edit form, saved back with another job title (CSRF token and the hidden
           record version read from the form), then the page the save redirects to.

Accounts (made idempotently in the bench database with the portal's own models and password hash):
advisors spread over the twelve regions, two regional managers with two regions each, a few employers
(each of a different company) and a few staff. Every user edits only contacts of companies assigned to
them alone, so no two users ever save the same record (a conflict would be a bug, and is reported).

Everything is bounded: the timed part (ramp-up included) lasts --duration seconds (at most 90), a
request times out after --timeout seconds, and gunicorn is stopped by its pid at the end, also on Ctrl-C
or SIGTERM. The report gives req/s, median / p95 / p99 / max per step and overall, errors per kind,
PASS/FAIL lines for the targets (p95 <= 150 ms, 0 errors), the load average at the start, and is
written to bench/out/users-<time>.json.

A new module adds its journey by writing a function ``journey_<name>(user)`` that calls ``user.get``,
``user.post`` and ``user.think`` and adding it to JOURNEYS with a weight.
"""
import argparse
import datetime as dt
import html
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

from bench.common import OUT, PASSWORD, ROOT, label, pct
from bench.load import HOST, free_port, login as staff_login, request as plain_request, stop, take_cookies, \
    worker_memory

MAX_DURATION = 90
TARGET_P95_MS = 150
ACCOUNT_DOMAIN = "demo.fondsportaal.nl"  # `flask demo seed --reset` removes these accounts with the demo's
CONFLICT_TEXT = "Iemand anders heeft dit gegeven gewijzigd"  # app/core/versioning.py's refusal
JOB_TITLES = ["Directeur", "HR-adviseur", "Bedrijfsleider", "Opleidingscoördinator", "Personeelsfunctionaris",
              "Office manager", "Hoofd productie", "Praktijkopleider"]


# ================================================================================================
# Preparation (a child process: it imports the portal): data, accounts, each user's share of the data
# ================================================================================================

def composition(n):
    """Roles of n virtual users: 10 % staff, 10 % employers, one regional manager per 25, the rest
    advisors (the portal's main users)."""
    staff = max(1, round(n * 0.1))
    employers = max(1, round(n * 0.1)) if n > 1 else 0
    managers = n // 25
    advisors = max(0, n - staff - employers - managers)
    return {"advisor": advisors, "regional_manager": managers, "employer": employers, "staff": staff}


def prepare(engine, scale, n_users, seed=2026, log=print):
    """Make or reuse the database, make the accounts, and give every user their share of the data."""
    from bench import data
    from bench.common import create_ours

    facts = data.ensure(engine, scale, log=log)
    app = create_ours(facts["url"])
    with app.app_context():
        from app.extensions import db

        try:
            accounts = ensure_accounts(db.session, n_users)
            plan, skipped = share_out(db.session, accounts, seed)
        finally:
            db.session.remove()
            db.engine.dispose()
    facts.pop("show_ids", None)
    if skipped["left_out_phone_rule"]:
        log(f"  note: {skipped['left_out_phone_rule']} of {skipped['contacts_considered']} contacts of the users' "
            f"companies have a stored phone number the portal's phone rule refuses (e.g. "
            f"{', '.join(skipped['examples'][:3])}); saving their form would be refused, so the edit journey "
            f"leaves them out")
    return {"facts": facts, "users": plan, "contacts_skipped": skipped}


def ensure_accounts(session, n_users):
    """The virtual users' accounts, created or brought up to date (idempotent): role, scope links,
    active, no failed logins, the benchmark's password (one hash for all)."""
    from flask_appbuilder.security.sqla.models import Role
    from sqlalchemy import func, select

    from app.demo import REGIONS
    from app.registry.models import Company, ContactPerson, Employee, Region
    from app.security.accounts import hash_password
    from app.security.manager import FondsUser

    roles = {role.name: role for role in session.execute(select(Role)).scalars()}
    regions = {region.code: region for region in session.execute(select(Region)).scalars()}
    codes = [code for code, _ in REGIONS]
    mix = composition(n_users)
    # Employers: companies with 2+ contacts and 8+ employees, evenly spread over the id range.
    contacts = select(ContactPerson.company_id).group_by(ContactPerson.company_id) \
        .having(func.count() >= 2).subquery()
    employees = select(Employee.company_id).group_by(Employee.company_id).having(func.count() >= 8).subquery()
    candidates = session.execute(select(Company.id).where(Company.id.in_(select(contacts.c.company_id)),
                                                          Company.id.in_(select(employees.c.company_id)))
                                 .order_by(Company.id)).scalars().all()
    if mix["employer"] and len(candidates) < mix["employer"]:
        raise RuntimeError(f"only {len(candidates)} companies fit an employer account")
    password = hash_password(PASSWORD)
    accounts = []
    for role, count in mix.items():
        for k in range(count):
            email = f"bench-{role.replace('_', '-')}-{k + 1:02d}@{ACCOUNT_DOMAIN}"
            user = session.execute(select(FondsUser).where(FondsUser.username == email)).scalar_one_or_none()
            if user is None:
                user = FondsUser(username=email, email=email, first_name="Bench",
                                 last_name=f"{role} {k + 1}"[:64])
                session.add(user)
            user.active, user.password, user.fail_login_count = True, password, 0
            user.roles = [roles[role]]
            user.company_id = None
            if role == "advisor":
                scope = [codes[k % len(codes)]]
            elif role == "regional_manager":
                scope = [codes[(2 * k) % len(codes)], codes[(2 * k + 1) % len(codes)]]
            else:
                scope = []
            user.regions = [regions[code] for code in scope]
            if role == "employer":
                user.company_id = candidates[k * len(candidates) // mix["employer"]]
            accounts.append({"email": email, "role": role, "regions": [regions[c].id for c in scope],
                             "region_codes": scope, "company_id": user.company_id})
    session.commit()
    return accounts


def share_out(session, accounts, seed, per_user=40, employees_per_company=10):
    """Each user's companies (for dossiers and contact edits) and search places. The companies are a
    partition: an employer's own company; every tenth other company for staff; the rest of a region
    dealt round-robin over the advisors and regional managers who cover it. Nobody edits a contact
    of a company that belongs to someone else."""
    from sqlalchemy import select

    from app.registry.models import Company, ContactPerson, Employee

    rng = random.Random(seed)
    companies = session.execute(select(Company.id, Company.region_id, Company.place).order_by(Company.id)).all()
    employer_companies = {a["company_id"] for a in accounts if a["role"] == "employer"}
    staff = [i for i, a in enumerate(accounts) if a["role"] == "staff"]
    covering = defaultdict(list)  # region id -> indexes of the users who cover it
    for i, a in enumerate(accounts):
        for region_id in a["regions"]:
            covering[region_id].append(i)
    pools = defaultdict(list)
    for i, a in enumerate(accounts):
        if a["role"] == "employer":
            pools[i].append(a["company_id"])
    places = {company_id: place for company_id, _, place in companies}
    dealt = Counter()
    for company_id, region_id, _ in companies:
        if company_id in employer_companies:
            continue
        if company_id % 10 == 0 and staff:
            owners = staff
            key = "staff"
        else:
            owners = covering.get(region_id)
            key = region_id
        if owners:
            pools[owners[dealt[key] % len(owners)]].append(company_id)
            dealt[key] += 1
    chosen = {i: sorted(rng.sample(pool, min(per_user, len(pool)))) for i, pool in pools.items()}
    wanted = sorted({c for ids in chosen.values() for c in ids})
    contacts, staff_of = defaultdict(list), defaultdict(list)
    refused_phones = []
    phone_ok = _phone_rule()
    for start in range(0, len(wanted), 1000):
        part = wanted[start:start + 1000]
        for contact_id, company_id, phone in session.execute(
                select(ContactPerson.id, ContactPerson.company_id, ContactPerson.phone)
                .where(ContactPerson.company_id.in_(part)).order_by(ContactPerson.id)):
            if phone_ok(phone):
                contacts[company_id].append(contact_id)
            else:  # the form could not be saved unchanged: the stored number breaks the phone rule
                refused_phones.append(phone)
        for employee_id, company_id in session.execute(select(Employee.id, Employee.company_id)
                                                       .where(Employee.company_id.in_(part))
                                                       .order_by(Employee.id)):
            if len(staff_of[company_id]) < employees_per_company:
                staff_of[company_id].append(employee_id)
    plan = []
    for i, a in enumerate(accounts):
        ids = chosen.get(i, [])
        plan.append({**a,
                     "companies": [c for c in ids if staff_of[c]] or ids,
                     "employees": {str(c): staff_of[c] for c in ids if staff_of[c]},
                     "contacts": [k for c in ids for k in contacts[c]],
                     "places": sorted({places[c] for c in ids})})
    considered = len(refused_phones) + sum(len(v) for v in contacts.values())
    return plan, {"contacts_considered": considered, "left_out_phone_rule": len(refused_phones),
                  "examples": refused_phones[:5]}


def _phone_rule():
    """Whether the portal's phone rule (app/core/phone.py) accepts a stored number; everything
    passes when the rule does not exist."""
    try:
        from app.core.phone import InvalidPhone, normalise_phone
    except ImportError:
        return lambda phone: True

    def ok(phone):
        try:
            normalise_phone(phone)
            return True
        except InvalidPhone:
            return False
    return ok


# ================================================================================================
# The virtual user: one account, one session, one keep-alive connection
# ================================================================================================

class Stop(Exception):
    """The time is up (or the run was interrupted): the user leaves."""


class LoggedOut(Exception):
    """The portal answered with its login page: the user logs in again."""


class Results:
    """Every timed request of every user (a lock: users are threads)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.samples = []            # (start offset s, step, ms, ok)
        self.slowest = []            # (ms, start offset s, step, path, user's role), the 20 slowest
        self.errors = Counter()       # kind -> count
        self.step_errors = defaultdict(Counter)
        self.examples = defaultdict(list)
        self.conflicts = 0
        self.journeys = Counter()

    def add(self, t, step, ms, error=None, example=None, path=None, role=None):
        with self.lock:
            if ms is not None:
                self.samples.append((t, step, ms, error is None))
                if len(self.slowest) < 20 or ms > self.slowest[0][0]:
                    self.slowest.append((round(ms, 1), round(t, 2), step, path, role))
                    self.slowest.sort()
                    del self.slowest[:-20]
            if error:
                self.errors[error] += 1
                self.step_errors[step][error] += 1
                if len(self.examples[error]) < 5:
                    self.examples[error].append({"step": step, **(example or {})})


class FormReader(HTMLParser):
    """Name → value of the inputs, selects and textareas of one form (id="model_form"), as a browser
    would submit them (no submit buttons, no files, unchecked boxes left out)."""

    def __init__(self, form_id="model_form"):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields[name] = a.get("value") or ("y" if kind == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select:
            if "selected" in a or not self.fields.get(self._select):
                self.fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


PAGES = re.compile(r"pagina\s+(\d+)\s+van\s+(\d+)")
ALERT = re.compile(r'class="alert alert-danger[^"]*"[^>]*>(.*?)</div>', re.S)


def alert_text(body):
    """The page's error messages (the flash and those under the fields), as text."""
    texts = [" ".join(re.sub(r"<[^>]+>|&times;|×", " ", html.unescape(m)).split()) for m in ALERT.findall(body)]
    return " | ".join(t for t in texts if t)[:400]


def is_login_page(body):
    return 'name="password"' in body and 'name="username"' in body


class User:
    def __init__(self, index, spec, port, config, results, deadline, stop_event):
        self.index, self.spec, self.port, self.config = index, spec, port, config
        self.results, self.deadline, self.stop_event = results, deadline, stop_event
        self.rng = random.Random(config["seed"] * 1000 + index)
        self.cookies = {}
        self.connection = None
        self.logged_in = False
        self.edit_cursor = self.rng.randrange(max(1, len(spec["contacts"])))

    # --- time ----------------------------------------------------------------------------------
    def think(self):
        """A pause between two steps; leaves when the time is up before it ends."""
        lo, hi = self.config["think"]
        pause = self.rng.uniform(lo, hi)
        if time.monotonic() + pause >= self.deadline:
            raise Stop()
        if self.stop_event.wait(pause):
            raise Stop()

    # --- HTTP ------------------------------------------------------------------------------------
    def _connect(self):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=self.config["timeout"])
        return self.connection

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def _send(self, method, path, form=None):
        """(status, headers, body, ms) over the user's connection; reconnects as a browser does."""
        headers = {"Accept-Encoding": "identity", "User-Agent": "fondsportaal-bench-users"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            connection = self._connect()
            reused = connection.sock is not None
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                raw = response.read()
                ms = (time.perf_counter() - started) * 1000
                if response.will_close:
                    self.close()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if not reused or attempt == 2:  # a kept-alive connection the server closed: retry once
                    raise
            except BaseException:
                self.close()
                raise
        take_cookies(response.getheaders(), self.cookies)
        return response.status, {k.lower(): v for k, v in response.getheaders()}, \
            raw.decode("utf-8", "replace"), ms

    def call(self, step, method, path, form=None, expect=200, check=None, refusal=None):
        """One timed request of a journey step. Returns (status, headers, body), or None on an error
        (counted by kind). ``check(body)`` names what is wrong with an expected answer; ``refusal(body)``
        names what a 200 means where a redirect was expected (None: not an error). Raises LoggedOut when
        the portal answers with its login page in the middle of a session."""
        if self.stop_event.is_set():
            raise Stop()
        t = time.monotonic() - self.config["t0"]
        try:
            status, headers, body, ms = self._send(method, path, form)
        except (socket.timeout, TimeoutError):
            self.results.add(t, step, None, "timeout", {"path": path})
            return None
        except Exception as error:  # noqa: BLE001 — every failure is a counted error, never the end of the run
            self.results.add(t, step, None, f"exception:{type(error).__name__}",
                             {"path": path, "message": str(error)[:200]})
            return None
        location = headers.get("location", "")
        error = None
        if status >= 500:
            error = f"http_{status}"
        elif status >= 400:
            error = f"http_{status}"
        elif 300 <= status < 400 and "/login" in location:
            error = "login_redirect"
        elif status == 200 and is_login_page(body) and step != "login.form":
            error = "login_page"
        elif status != expect:
            if status == 200 and refusal is not None:
                error = refusal(body)
            else:
                error = "wrong_redirect" if 300 <= status < 400 else f"unexpected_{status}"
        elif check is not None:
            error = check(body)
        if error in ("login_redirect", "login_page"):
            self.logged_in = False
            if step in ("login.form", "login.post"):
                error = "login_failed"
            else:
                self.results.add(t, step, ms, error, {"path": path, "status": status, "location": location})
                raise LoggedOut()
        self.results.add(t, step, ms, error, {"path": path, "status": status, "location": location,
                                              "alert": alert_text(body)} if error else None,
                         path=path, role=self.spec["role"])
        return None if error else (status, headers, body)

    def get(self, step, path, **kwargs):
        return self.call(step, "GET", path, **kwargs)

    def post(self, step, path, form, **kwargs):
        return self.call(step, "POST", path, form=form, **kwargs)

    # --- login -----------------------------------------------------------------------------------
    def login(self):
        self.cookies.clear()
        page = self.get("login.form", "/login/")
        if page is None:
            return False
        form = {"username": self.spec["email"], "password": PASSWORD}
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page[2])
        if token:
            form["csrf_token"] = html.unescape(token.group(1))
        answer = self.post("login.post", "/login/", form, expect=302)
        self.logged_in = answer is not None
        if self.logged_in:  # the browser follows the redirect to the start page
            target = urllib.parse.urlsplit(answer[1].get("location", "/"))
            self.think()
            self.get("login.landing", urllib.parse.urlunsplit(("", "", target.path or "/", target.query, "")))
        return self.logged_in

    # --- the loop --------------------------------------------------------------------------------
    def run(self, start_at):
        try:
            if self.stop_event.wait(max(0.0, start_at - time.monotonic())):
                return
            journeys = [(name, weight) for name, weight in self.config["mix"].items() if weight > 0]
            names, weights = zip(*journeys)
            failed_logins = 0
            while time.monotonic() < self.deadline and not self.stop_event.is_set():
                try:
                    if not self.logged_in:
                        if not self.login():
                            failed_logins += 1
                            if failed_logins >= 3:
                                return
                            self.think()
                            continue
                        self.think()
                    name = self.rng.choices(names, weights)[0]
                    JOURNEYS[name][0](self)
                    with self.results.lock:
                        self.results.journeys[name] += 1
                    self.think()
                except LoggedOut:  # counted as an error where it happened; log in again after a pause
                    self.think()
        except Stop:
            return
        finally:
            self.close()


def no_alert(body):
    return "search_refused" if ALERT.search(body) else None


def page_count(body):
    m = PAGES.search(body)
    return int(m.group(2)) if m else 1


# ================================================================================================
# Journeys: each is a function of the user; later modules add theirs to JOURNEYS
# ================================================================================================

def journey_search(user):
    """Mijn bedrijven, a place prefix, then a refinement or an extension, then page 2."""
    base = "/companyview/list/"
    answer = user.get("search.list", base, check=no_alert)
    pages = {base: page_count(answer[2]) if answer else 1}
    places = user.spec["places"] or ["Utrecht"]
    place = user.rng.choice(places)
    prefix = place[:user.rng.randint(3, 5)].strip()
    first = urllib.parse.urlencode({"f0": "place", "v0": prefix})
    user.think()
    answer = user.get("search.query", f"{base}?{first}", check=no_alert)
    pages[f"{base}?{first}"] = page_count(answer[2]) if answer else 1
    kind = user.rng.choice(["employees", "last_visit", "extend"])
    if kind == "employees":
        more = {"m1": "and", "f1": "active_employees", "o1": "ge", "v1": str(user.rng.choice([3, 5, 10]))}
    elif kind == "last_visit":
        more = {"m1": "and", "f1": "last_visit", "o1": "le", "v1": f"01-01-{user.rng.randint(2000, 2020)}"}
    else:
        other = user.rng.choice(places)
        more = {"m1": "or", "f1": "place", "v1": other[:4].strip()}
    chain = f"{first}&{urllib.parse.urlencode(more)}"
    user.think()
    answer = user.get("search.refine", f"{base}?{chain}", check=no_alert)
    pages[f"{base}?{chain}"] = page_count(answer[2]) if answer else 1
    deeper = [url for url, n in reversed(list(pages.items())) if n >= 2]
    if deeper:
        user.think()
        url = deeper[0]
        user.get("search.page2", url + ("&" if "?" in url else "?") + "page=2", check=no_alert)


def journey_dossier(user):
    """A company of the user's own, its werknemers tab, one of its employees."""
    companies = user.spec["companies"]
    if not companies:
        return
    company = user.rng.choice(companies)
    user.get("dossier.company", f"/companyview/show/{company}")
    user.think()
    answer = user.get("dossier.tab", f"/companyview/show/{company}?tab={user.config['tab']}")
    shown = sorted(set(re.findall(r'href="/employeeview/show/(\d+)', answer[2]))) if answer else []
    known = user.spec["employees"].get(str(company), [])
    employee = user.rng.choice(shown or known) if (shown or known) else None
    if employee is None:
        return
    user.think()
    user.get("dossier.employee", f"/employeeview/show/{employee}")


def journey_edit(user):
    """A contact person's form, saved with another job title; then where the save leads."""
    contacts = user.spec["contacts"]
    if not contacts:
        return
    contact = contacts[user.edit_cursor % len(contacts)]
    user.edit_cursor += 1
    path = f"/contactpersonview/edit/{contact}"
    answer = user.get("edit.form", path)
    if answer is None:
        return
    reader = FormReader()
    reader.feed(answer[2])
    form = reader.fields
    if "csrf_token" not in form or "job_title" not in form:
        user.results.add(time.monotonic() - user.config["t0"], "edit.form", None, "form_unreadable",
                         {"path": path, "fields": sorted(form)})
        return
    current = form["job_title"]
    form["job_title"] = user.rng.choice([t for t in JOB_TITLES if t != current])
    user.think()

    def refused(body):
        """The form again: a refusal (an error), unless it is the conflict message of
        app/core/versioning.py — counted apart; the journeys are built so that it never comes."""
        if CONFLICT_TEXT in body:
            with user.results.lock:
                user.results.conflicts += 1
            return None
        return "edit_refused"

    saved = user.post("edit.save", path, form, expect=302, refusal=refused)
    if saved is None or saved[0] != 302:
        return
    location = saved[1].get("location", "")
    target = urllib.parse.urlsplit(location)
    if target.netloc and target.netloc != f"{HOST}:{user.port}":
        return
    user.think()
    user.get("edit.after_save", urllib.parse.urlunsplit(("", "", target.path or "/", target.query, "")))


JOURNEYS = {  # name -> (function, default weight)
    "search": (journey_search, 4),
    "dossier": (journey_dossier, 4),
    "edit": (journey_edit, 2),
}


# ================================================================================================
# Gunicorn, the run, the report
# ================================================================================================

def cpu_times():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def process_cpu_seconds(pid):
    """User + system CPU seconds of a process and its gunicorn workers."""
    total = 0.0
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        kids = []
    for p in [str(pid)] + kids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


def start_gunicorn(url, workers, logfile):
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    env = dict(os.environ, BENCH_SIDE="ours", BENCH_DB_URL=url, PYTHONPATH=str(ROOT))
    log_fh = open(logfile, "w")
    process = subprocess.Popen(
        [str(gunicorn), "-k", "sync", "-w", str(workers), "-b", f"{HOST}:{port}", "--chdir", str(ROOT),
         "--timeout", "60", "--graceful-timeout", "10", "bench.wsgi:app"],
        env=env, stdout=log_fh, stderr=subprocess.STDOUT, cwd=str(ROOT))
    log_fh.close()
    deadline = time.monotonic() + 90
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {logfile}")
        try:
            plain_request(port, "GET", "/login/", timeout=5)
            break
        except OSError:
            if time.monotonic() > deadline:
                stop(process)
                raise RuntimeError(f"gunicorn did not answer within 90 s; see {logfile}")
            time.sleep(0.3)
    # Every worker answers (each imports the app itself): wait until all have booted.
    while time.monotonic() < deadline:
        try:
            booted = Path(logfile).read_text().count("Booting worker")
        except OSError:
            booted = workers
        if booted >= workers:
            break
        time.sleep(0.3)
    return process, port


def warm_up(port, plan, workers, log):
    """Untimed: each worker renders every page of the journeys once or twice (templates compiled,
    caches filled), as a server that has been up for a while would have."""
    started = time.perf_counter()
    some = next((u for u in plan if u["companies"] and u["contacts"]), None)
    if some is None:
        return 0.0
    company = some["companies"][0]
    employee = (some["employees"].get(str(company)) or [None])[0]
    paths = ["/companyview/list/", "/companyview/list/?f0=place&v0=Utr", "/companyview/list/?page=2",
             f"/companyview/show/{company}", f"/companyview/show/{company}?tab=werknemers",
             f"/contactpersonview/edit/{some['contacts'][0]}", "/"]
    if employee:
        paths.append(f"/employeeview/show/{employee}")
    problems = []

    def worker():
        try:
            cookies = staff_login(port)
            for path in paths:
                status, _, _ = plain_request(port, "GET", path, cookies, timeout=60)
                if status != 200:
                    problems.append(f"{path}: {status}")
        except Exception as error:  # noqa: BLE001
            problems.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(2 * workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    seconds = time.perf_counter() - started
    log(f"  warm-up: {2 * workers} staff sessions x {len(paths)} pages in {seconds:.1f} s"
        + (f"; problems: {sorted(set(problems))[:5]}" if problems else ""))
    return round(seconds, 1)


def summarize(times):
    if not times:
        return {"n": 0}
    return {"n": len(times), "median_ms": round(statistics.median(times), 1), "p95_ms": round(pct(times, 95), 1),
            "p99_ms": round(pct(times, 99), 1), "max_ms": round(max(times), 1)}


def drive(port, plan, config):
    """The timed part: start the users over the ramp-up, let them loop, wait until all have left."""
    results = Results()
    stop_event = threading.Event()
    t0 = time.monotonic() + 0.2
    config["t0"] = t0
    deadline = t0 + config["duration"]
    users = [User(i, spec, port, config, results, deadline, stop_event) for i, spec in enumerate(plan)]
    ramp = config["ramp"]
    threads = []
    for i, user in enumerate(users):
        start_at = t0 + (ramp * i / max(1, len(users) - 1) if len(users) > 1 else 0)
        thread = threading.Thread(target=user.run, args=(start_at,), daemon=True, name=f"user-{i}")
        threads.append(thread)
        thread.start()
    hard_stop = deadline + config["timeout"] + 5
    try:
        for thread in threads:
            while thread.is_alive() and time.monotonic() < hard_stop:
                thread.join(timeout=0.5)
    except KeyboardInterrupt:
        stop_event.set()
        for thread in threads:
            thread.join(timeout=config["timeout"] + 1)
        raise
    finally:
        stop_event.set()
    ended = time.monotonic()
    still = sum(t.is_alive() for t in threads)
    if still:
        results.add(ended - t0, "run", None, "user_did_not_stop")
    return results, ended - t0


def report(results, elapsed, config):
    samples = results.samples
    by_step = defaultdict(list)
    for _, step, ms, _ in samples:
        by_step[step].append(ms)
    order = ["login.form", "login.post", "login.landing", "search.list", "search.query", "search.refine",
             "search.page2", "dossier.company", "dossier.tab", "dossier.employee", "edit.form", "edit.save",
             "edit.after_save"]
    steps = [s for s in order if s in by_step] + sorted(s for s in by_step if s not in order)
    table = {s: {**summarize(by_step[s]), "errors": sum(results.step_errors[s].values())} for s in steps}
    all_ms = [ms for _, _, ms, _ in samples]
    journey_ms = [ms for _, step, ms, _ in samples if not step.startswith("login")]
    steady_from = config["ramp"]
    steady = [t for t, *_ in samples if steady_from <= t < config["duration"]]
    failed_requests = sum(results.errors.values())
    overall = {**summarize(all_ms), "errors": failed_requests}
    out = {
        "steps": table,
        "overall": overall,
        "journey_steps": summarize(journey_ms),
        "requests": len(samples) + sum(v for k, v in results.errors.items() if k in ("timeout",)
                                       or k.startswith("exception")),
        "elapsed_s": round(elapsed, 1),
        "rps": round(len(samples) / elapsed, 1) if elapsed else None,
        "rps_after_ramp": round(len(steady) / max(0.001, config["duration"] - steady_from), 1),
        "errors": dict(results.errors),
        "errors_per_step": {s: dict(c) for s, c in results.step_errors.items()},
        "error_examples": dict(results.examples),
        "conflicts": results.conflicts,
        "journeys": dict(results.journeys),
        "slowest": [dict(zip(("ms", "t_s", "step", "path", "role"), row)) for row in reversed(results.slowest)],
        "per_second": [sum(1 for t, *_ in samples if int(t) == s) for s in range(int(elapsed) + 1)],
    }
    return out


def render(out, config, meta):
    lines = []
    mix = meta["composition"]
    lines.append(f"Fondsportaal load test: {config['users']} users ("
                 + ", ".join(f"{n} {role}" for role, n in mix.items() if n)
                 + f") on {meta['label']}, gunicorn {config['workers']} sync workers, {config['duration']:g} s "
                 f"(ramp-up {config['ramp']:g} s), think {config['think'][0]:g}-{config['think'][1]:g} s, "
                 f"mix {', '.join(f'{k} {v}' for k, v in config['mix'].items())}")
    la = meta["loadavg_start"]
    lines.append(f"load average at start {la[0]:.2f} / {la[1]:.2f} / {la[2]:.2f} (1/5/15 min), at end "
                 f"{meta['loadavg_end'][0]:.2f}; {meta['cpus']} CPUs; machine CPU busy during the run "
                 f"{meta.get('machine_cpu_busy_pct', '?')} %, gunicorn CPU {meta.get('gunicorn_cpu_s', '?')} s, "
                 f"load generator CPU {meta.get('client_cpu_s', '?')} s")
    lines.append("")
    lines.append(f"{'step':18s} {'n':>6s} {'median':>8s} {'p95':>8s} {'p99':>8s} {'max':>8s} {'errors':>7s}")

    def row(name, s):
        if not s.get("n"):
            return f"{name:18s} {0:6d}"
        return (f"{name:18s} {s['n']:6d} {s['median_ms']:8.1f} {s['p95_ms']:8.1f} {s['p99_ms']:8.1f} "
                f"{s['max_ms']:8.1f} {s.get('errors', ''):>7}")

    for step, s in out["steps"].items():
        lines.append(row(step, s))
    lines.append(row("journey steps", out["journey_steps"]))
    lines.append(row("all requests", out["overall"]))
    lines.append("(milliseconds; percentiles nearest-rank)")
    lines.append("")
    lines.append(f"{out['requests']} requests in {out['elapsed_s']} s: {out['rps']} req/s "
                 f"({out['rps_after_ramp']} req/s after the ramp-up); journeys "
                 + ", ".join(f"{k} {v}" for k, v in sorted(out["journeys"].items())))
    if out["errors"]:
        lines.append("errors: " + ", ".join(f"{k} {v}" for k, v in sorted(out["errors"].items())))
        for kind, examples in out["error_examples"].items():
            lines.append(f"  e.g. {kind}: {json.dumps(examples[0], ensure_ascii=False)[:240]}")
    else:
        lines.append("errors: none")
    if out["slowest"]:
        lines.append("slowest: " + "; ".join(f"{s['ms']:.0f} ms {s['step']} {s['path']} ({s['role']}, t={s['t_s']:.0f} s)"
                                             for s in out["slowest"][:3]))
    if out["conflicts"]:
        lines.append(f"edit conflicts (someone else saved first): {out['conflicts']}")
    p95 = out["overall"].get("p95_ms")
    lines.append("")
    lines.append(f"{'PASS' if p95 is not None and p95 <= TARGET_P95_MS else 'FAIL'}  p95 <= {TARGET_P95_MS} ms "
                 f"over all requests: {p95} ms")
    n_errors = out["overall"]["errors"]
    lines.append(f"{'PASS' if n_errors == 0 and out['requests'] > 0 else 'FAIL'}  0 errors: {n_errors}")
    slow = [s for s, v in out["steps"].items() if v.get("p95_ms", 0) > TARGET_P95_MS]
    if slow:
        lines.append(f"note: steps with p95 above {TARGET_P95_MS} ms: {', '.join(slow)}")
    return "\n".join(lines)


def parse_pair(text):
    lo, _, hi = text.partition(",")
    lo = float(lo)
    hi = float(hi) if hi else lo
    if not 0 <= lo <= hi:
        raise argparse.ArgumentTypeError("think time: MIN,MAX seconds with 0 <= MIN <= MAX")
    return lo, hi


def parse_mix(text):
    mix = {}
    for part in text.split(","):
        name, _, weight = part.partition("=")
        if name.strip() not in JOURNEYS:
            raise argparse.ArgumentTypeError(f"unknown journey {name!r} (known: {', '.join(JOURNEYS)})")
        mix[name.strip()] = float(weight or 1)
    return mix


def _uncommitted():
    """Files of the working tree that differ from HEAD: the server runs them too."""
    try:
        return subprocess.run(["git", "status", "--short", "--untracked-files=all", "--", "app", "config.py"],
                              cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.split("\n")[:-1]
    except Exception:  # noqa: BLE001
        return None


def _interrupt(*_):
    raise KeyboardInterrupt()


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m bench.users", description="Fondsportaal bounded load test: "
                                 "virtual users on mixed journeys against gunicorn on loopback (issue 6, item 9).")
    ap.add_argument("--quick", action="store_true", help="CI: the small SQLite database, 5 users, 5 s, 2 workers")
    ap.add_argument("--engine", choices=["sqlite", "postgresql"], default=None, help="default postgresql (quick: sqlite)")
    ap.add_argument("--scale", default=None, help="quick, 1 or 10 (default 1; quick: quick)")
    ap.add_argument("--users", type=int, default=None, help="virtual users (default 50; quick: 5)")
    ap.add_argument("--duration", type=float, default=None,
                    help=f"seconds of the timed part, ramp-up included (default 60; quick: 5; at most {MAX_DURATION})")
    ap.add_argument("--ramp", type=float, default=None, help="seconds over which the users start (default 10; quick: 1)")
    ap.add_argument("--think", type=parse_pair, default=None,
                    help="think time between steps, MIN,MAX seconds, uniform (default 0.5,2; quick: 0.2,0.5)")
    ap.add_argument("--workers", type=int, default=None, help="gunicorn sync workers (default 4; quick: 2)")
    ap.add_argument("--mix", type=parse_mix, default=None,
                    help="journey weights, e.g. search=4,dossier=4,edit=2 (the default)")
    ap.add_argument("--tab", default="werknemers", help="the dossier tab the dossier journey opens")
    ap.add_argument("--timeout", type=float, default=10, help="seconds before a request counts as timed out")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed (p95, errors)")
    ap.add_argument("--out", default=None, help="JSON file (default bench/out/users-<time>.json)")
    ap.add_argument("--prepare-only", metavar="PLAN.json", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    engine = a.engine or ("sqlite" if a.quick else "postgresql")
    scale = a.scale or ("quick" if a.quick else "1")
    scale = "quick" if scale in ("q", "quick") else scale.rstrip("xX")
    n_users = a.users or (5 if a.quick else 50)
    if n_users < 1:
        ap.error("--users must be at least 1")

    if a.prepare_only:  # the child process: it may import the portal
        plan = prepare(engine, scale, n_users, a.seed, log=lambda line: print(line, flush=True))
        Path(a.prepare_only).write_text(json.dumps(plan))
        return 0

    config = {
        "users": n_users,
        "duration": min(float(a.duration or (5 if a.quick else 60)), MAX_DURATION),
        "ramp": a.ramp if a.ramp is not None else (1.0 if a.quick else 10.0),
        "think": a.think or ((0.2, 0.5) if a.quick else (0.5, 2.0)),
        "workers": a.workers or (2 if a.quick else 4),
        "mix": a.mix or {name: weight for name, (_, weight) in JOURNEYS.items()},
        "tab": a.tab, "timeout": a.timeout, "seed": a.seed,
        "engine": engine, "scale": scale,
    }
    config["ramp"] = min(config["ramp"], config["duration"] / 2)
    from bench.run import sub, versions

    signal.signal(signal.SIGTERM, _interrupt)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out_path = Path(a.out or OUT / f"users-{stamp}.json")
    key = label(engine, scale)
    print(f"Fondsportaal load test (bench/users.py): {key}, {n_users} users; results in {out_path}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-users-") as tmp:
        plan_path = os.path.join(tmp, "plan.json")
        args = ["bench.users", "--prepare-only", plan_path, "--engine", engine, "--scale", scale,
                "--users", str(n_users), "--seed", str(a.seed)]
        started = time.perf_counter()
        code, log_path = sub(args, timeout=3600, log_name=f"users-prepare-{key}.log")
        if code != 0 or not os.path.exists(plan_path):
            print(f"HARNESS ERROR: data or accounts not ready (exit {code}); see {log_path}", flush=True)
            return 1
        prepared = json.loads(Path(plan_path).read_text())
    plan, facts = prepared["users"], prepared["facts"]
    mix = Counter(u["role"] for u in plan)
    print(f"  data and {len(plan)} accounts ready in {time.perf_counter() - started:.1f} s "
          f"({', '.join(f'{n} {r}' for r, n in mix.items())}; each user has "
          f"{min(len(u['companies']) for u in plan)}-{max(len(u['companies']) for u in plan)} companies, "
          f"{min(len(u['contacts']) for u in plan)}-{max(len(u['contacts']) for u in plan)} contacts of their own)",
          flush=True)
    meta = {"label": key, "composition": dict(mix), "contacts_skipped": prepared.get("contacts_skipped"), "cpus": os.cpu_count(), "versions": versions(),
            "started": dt.datetime.now().isoformat(timespec="seconds"), "uncommitted": _uncommitted(),
            "facts": {k: facts.get(k) for k in ("companies", "employees", "dialect", "url", "reused")}}
    logfile = OUT / f"gunicorn-users-{key}.log"
    result = {"config": {k: v for k, v in config.items() if k != "t0"}, "meta": meta}
    process = None
    exit_code = 0
    try:
        process, port = start_gunicorn(facts["url"], config["workers"], logfile)
        meta["gunicorn_pid"], meta["port"] = process.pid, port
        print(f"  gunicorn pid {process.pid} on {HOST}:{port}, {config['workers']} sync workers; log {logfile}",
              flush=True)
        meta["warm_up_s"] = warm_up(port, plan, config["workers"], log=lambda line: print(line, flush=True))
        meta["loadavg_start"] = os.getloadavg()
        print(f"  load average {meta['loadavg_start'][0]:.2f}; running {config['duration']:g} s ...", flush=True)
        cpu0, server0, client0 = cpu_times(), process_cpu_seconds(process.pid), time.process_time()
        results, elapsed = drive(port, plan, config)
        cpu1, server1, client1 = cpu_times(), process_cpu_seconds(process.pid), time.process_time()
        meta["loadavg_end"] = os.getloadavg()
        if cpu0 and cpu1 and cpu1[1] > cpu0[1]:
            meta["machine_cpu_busy_pct"] = round(100 * (cpu1[0] - cpu0[0]) / (cpu1[1] - cpu0[1]))
        meta["gunicorn_cpu_s"] = round(server1 - server0, 1)
        meta["client_cpu_s"] = round(client1 - client0, 1)
        meta["memory_mb"] = worker_memory(process.pid)
        out = report(results, elapsed, config)
        result.update(out)
        text = render(out, config, meta)
        print()
        print(text, flush=True)
        missed = out["overall"]["errors"] > 0 or out["requests"] == 0 or \
            (out["overall"].get("p95_ms") or 0) > TARGET_P95_MS
        if out["requests"] == 0:
            exit_code = 1
        elif a.strict and missed:
            exit_code = 1
        elif a.quick and out["overall"]["errors"] > 0:  # CI: the journeys must keep working
            exit_code = 1
        result["targets"] = {"p95_ms": out["overall"].get("p95_ms"), "p95_ok": (out["overall"].get("p95_ms") or 1e9)
                             <= TARGET_P95_MS, "errors": out["overall"]["errors"],
                             "errors_ok": out["overall"]["errors"] == 0}
    except KeyboardInterrupt:
        print("interrupted: stopping gunicorn; no figures", flush=True)
        result["error"] = "interrupted"
        exit_code = 1
    except Exception as error:  # noqa: BLE001
        print(f"HARNESS ERROR: {type(error).__name__}: {error}", flush=True)
        result["error"] = f"{type(error).__name__}: {error}"
        exit_code = 1
    finally:
        if process is not None:
            stop(process)
            meta["gunicorn_stopped"] = process.poll() is not None
    out_path.write_text(json.dumps(result, indent=1, default=str, ensure_ascii=False))
    print(f"\nJSON: {out_path}", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
