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

The parts, in the order a run uses them:

    cli.py       the command line and main(): options, the preparation as a child process, the run, exit status
    accounts.py  the preparation (imports the portal): data, the users' accounts, each user's share of the data
    runner.py    gunicorn start and warm-up, the users' threads over the ramp-up, CPU figures from /proc
    user.py      the virtual user (login, timed and classified requests, think time) and the Results it records
    journeys.py  what a user does: the journeys search, dossier and edit, and JOURNEYS with their weights
    pages.py     reading the portal's HTML: form fields, page count, error messages, the login page
    report.py    the figures per step and overall, and the printed report with PASS/FAIL

A new module adds its journey by writing a function ``journey_<name>(user)`` in journeys.py that calls
``user.get``, ``user.post`` and ``user.think`` and adding it to JOURNEYS with a weight.
"""
from bench.users.cli import main

__all__ = ["main"]
