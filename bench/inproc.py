"""In-process latency of one side — ours, stock FAB or the floor — through Flask's test client.

``python -m bench.inproc --side ours --facts facts.json --n 50 --out result.json`` (bench.run calls it, one
process per side and database, so that no side's imports, event listeners or caches touch another's).

Ours and stock log in through their real login form (POST /login/ with the staff user's e-mail address and
password, CSRF token included when the form has one). Per case: 3 warm-up requests, then N timed ones
(the company page rotates over ~50 companies); median and p95 (nearest rank) of the wall time of
``client.get`` plus reading the body; SQL statements per request and their time in the driver (SQLAlchemy
``before/after_cursor_execute``); rows matched as the page states it. A response other than 200, or an
exception, is counted as a failure of that case and never stops the run.
"""
import argparse
import json
import re
import statistics
import sys
import time
import traceback
from collections import Counter

from sqlalchemy import event, text

from bench.cases import BY_NAME, CASES, floor_url, render, urls
from bench.common import PASSWORD, STAFF_USER, summarize

SQL = {"n": 0, "ms": 0.0, "log": None}


def attach_sql_counter(engine):
    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, params, context, executemany):
        conn.info["bench_t0"] = time.perf_counter()
        SQL["n"] += 1

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, params, context, executemany):
        t0 = conn.info.pop("bench_t0", None)
        if t0 is None:
            return
        ms = (time.perf_counter() - t0) * 1000
        SQL["ms"] += ms
        if SQL["log"] is not None:
            SQL["log"].append({"ms": round(ms, 2), "sql": " ".join(statement.split())[:300]})


def login(client, email=STAFF_USER, password=PASSWORD):
    page = client.get("/login/").get_data(as_text=True)
    data = {"username": email, "password": password}
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    if token:
        data["csrf_token"] = token.group(1)
    response = client.post("/login/", data=data)
    location = response.headers.get("Location", "")
    if response.status_code != 302 or "/login" in location:
        raise RuntimeError(f"login as {email} failed: {response.status_code} {location}")


# --- rows matched, as each page says it ------------------------------------------------------------
def rows_ours(body):
    m = re.search(r'fonds-paging-info">(.*?)</span>', body, re.S)
    if not m:
        return None
    info = " ".join(m.group(1).split())
    numbers = re.findall(r"\d[\d.,]*", info)
    if not numbers:
        return None
    value = int(re.sub(r"[.,]", "", numbers[-1]))
    return f">{value}" if re.search(r"meer dan|more than", info) else value


def rows_stock(body):
    m = re.search(r"Record Count:</strong>\s*(\d+)", body)
    return int(m.group(1)) if m else None


def rows_floor(body):
    return max(0, body.count("<tr>") - 1)


ROWS = {"ours": rows_ours, "stock": rows_stock, "floor": rows_floor}


def measure(client, side, case_urls, n, warmup=3, parse_rows=True):
    failures = Counter()
    for i in range(warmup):
        try:
            client.get(case_urls[i % len(case_urls)]).get_data()
        except Exception:  # counted below, in the timed requests
            pass
    times, stmts, sql_ms, sizes, rows = [], [], [], [], None
    sample, error = None, None
    for i in range(n):
        url = case_urls[i % len(case_urls)]
        SQL.update(n=0, ms=0.0, log=[] if sample is None else None)
        started = time.perf_counter()
        try:
            response = client.get(url)
            body = response.get_data(as_text=True)
            status = response.status_code
        except Exception as exc:  # an exception in the app is a failure of this case, not of the run
            status, body = f"exception {type(exc).__name__}", ""
            error = error or traceback.format_exc(limit=-3)
        elapsed = (time.perf_counter() - started) * 1000
        if sample is None:
            sample = SQL["log"]
        if status != 200:
            failures[str(status)] += 1
            continue
        times.append(elapsed)
        stmts.append(SQL["n"])
        sql_ms.append(SQL["ms"])
        sizes.append(len(body))
        if rows is None and parse_rows:
            rows = ROWS[side](body)
    out = summarize(times)
    out.update(
        url=case_urls[0], urls=len(case_urls), requests=n, ok=len(times), failures=dict(failures),
        sql_stmts=statistics.median(stmts) if stmts else None,
        sql_ms=round(statistics.median(sql_ms), 2) if sql_ms else None,
        bytes=int(statistics.median(sizes)) if sizes else None, rows=rows, sql_sample=sample,
    )
    if error:
        out["error"] = error[-1500:]
    return out


def build(side, facts):
    """(Flask app, engine) for a side."""
    url = facts["url"]
    if side == "ours":
        from bench.common import create_ours

        app = create_ours(url, testing=True)
        with app.app_context():
            from app.extensions import db

            engine = db.engine
    elif side == "stock":
        from bench.stockapp import create_stock_app

        app = create_stock_app(url)
        with app.app_context():
            engine = app.bench_db.engine
    else:
        from bench.floorapp import create_floor_app

        app = create_floor_app(url, facts)
        engine = app.bench_engine
    return app, engine


def floor_counts(engine, facts, names):
    """Rows each selection matches, by the floor's count statement (once, untimed)."""
    out = {}
    with engine.connect() as c:
        for name in names:
            case = BY_NAME[name]
            params = {"show_id": facts["show_ids"][0]} if case.rotates and facts["show_ids"] else {}
            if case.rotates and not params:
                continue
            out[name] = c.execute(text(render(case.floor_count, facts)), params).scalar()
    return out


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--side", required=True, choices=["ours", "stock", "floor"])
    ap.add_argument("--facts", required=True)
    ap.add_argument("--cases", default="")
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    facts = json.load(open(a.facts))
    names = [c.name for c in CASES if not a.cases or c.name in a.cases.split(",")]
    result = {"side": a.side, "label": facts["label"], "cases": {}}
    started = time.perf_counter()
    try:
        app, engine = build(a.side, facts)
        attach_sql_counter(engine)
        client = app.test_client()
        if a.side != "floor":
            login(client)
        if a.side == "floor":
            result["rows_matched"] = floor_counts(engine, facts, names)
        for name in names:
            case = BY_NAME[name]
            if a.side == "stock" and case.stock is None:
                continue
            if case.rotates and not facts["show_ids"]:
                result["cases"][name] = {"skipped": "no company with 8-15 employees"}
                continue
            case_urls = floor_url(case, facts) if a.side == "floor" else urls(getattr(case, a.side), facts)
            t0 = time.perf_counter()
            r = measure(client, a.side, case_urls, a.n, a.warmup, parse_rows=not case.rotates)
            result["cases"][name] = r
            status = "" if not r["failures"] else f"  FAILURES {r['failures']}"
            med = "n/a" if r["median_ms"] is None else f"{r['median_ms']:7.1f}"
            p95 = "n/a" if r["p95_ms"] is None else f"{r['p95_ms']:7.1f}"
            print(f"    {facts['label']:16s} {a.side:5s} {name:22s} median {med} p95 {p95} ms  "
                  f"sql {r['sql_stmts']}  {'page rows' if a.side == 'floor' else 'rows'} {r['rows']}  "
                  f"({time.perf_counter() - t0:.1f} s){status}",
                  flush=True)
    except Exception:
        result["error"] = traceback.format_exc()[-3000:]
        print(f"    {facts['label']} {a.side}: ERROR\n{result['error']}", flush=True)
    result["seconds"] = round(time.perf_counter() - started, 1)
    with open(a.out, "w") as fh:
        json.dump(result, fh, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
