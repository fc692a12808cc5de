"""What a virtual user does: journeys, each a function of the user (bench/users/user.py).

A journey calls ``user.get(step, path, ...)``, ``user.post(step, path, form, expect=302, refusal=...)`` and
``user.think()``; every call is one timed step of the report. A later module adds its journey by writing
``journey_<name>(user)`` and adding it to JOURNEYS with a weight (and sharing out the data it needs in
bench/users/accounts.py's ``share_out``).
"""
import re
import time
import urllib.parse

from bench.load import HOST
from bench.users.pages import FormReader, no_alert, page_count

CONFLICT_TEXT = "Iemand anders heeft dit gegeven gewijzigd"  # app/core/versioning.py's refusal
JOB_TITLES = ["Directeur", "HR-adviseur", "Bedrijfsleider", "Opleidingscoördinator", "Personeelsfunctionaris",
              "Office manager", "Hoofd productie", "Praktijkopleider"]


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
