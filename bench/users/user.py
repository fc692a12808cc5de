"""The virtual user: one account, one session, one keep-alive connection; and what the users record.

A ``User`` is run by a thread of its own (bench/users/runner.py): it logs in through the real login form,
then loops over the journeys (bench/users/journeys.py) until the time is up, with a think time between
steps. Every request is timed and classified (an error by kind, or fine) into the shared ``Results``.
"""
import html
import http.client
import random
import re
import socket
import threading
import time
import urllib.parse
from collections import Counter, defaultdict

from bench.common import PASSWORD
from bench.load import HOST, take_cookies
from bench.users.journeys import JOURNEYS
from bench.users.pages import alert_text, is_login_page


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
