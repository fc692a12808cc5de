"""The benchmark's databases, made by the portal's own generator and kept between runs.

``python -m bench.data --engine sqlite --scale 1 [--reseed] --out facts.json`` makes sure the database
for that engine and scale exists with the right data, then writes its "facts" (row counts, the company
ids the detail page rotates over, the last page numbers, how long seeding took) as JSON.

A database is reused when it has the expected number of companies and employees and the staff user
exists; if its schema is behind the newest migration it is migrated in place (``upgrade()``, roles sync,
planner statistics), as production would be. Otherwise — or if that migration fails — it is recreated (SQLite: the file in bench/out/;
PostgreSQL: the database bench_<scale>, dropped and created again) and seeded the way tests/helpers.py
does it: ``flask_migrate.upgrade()``, ``sync_roles()``, ``seed_demo()``. Seeding times are kept in
bench/out/datasets.json, so a run that reuses a database still prints when and how fast it was made.
"""
import argparse
import datetime as dt
import json
import math
import os
import sys
import time

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from bench.common import OUT, PASSWORD, SCALES, STAFF_USER, create_ours, db_name, db_url, label

REGISTRY = OUT / "datasets.json"


def migration_heads():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from app import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return set(ScriptDirectory.from_config(config).get_heads())


def inspect_database(url):
    """Counts, schema revision and staff user of an existing database; None if there is none."""
    if url.startswith("sqlite") and not os.path.exists(make_url(url).database):
        return None
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            tables = set(inspect(c).get_table_names())
            if not {"company", "employee", "alembic_version", "ab_user"} <= tables:
                return {"tables": False}
            return {
                "tables": True,
                "companies": c.execute(text("SELECT count(*) FROM company")).scalar(),
                "employees": c.execute(text("SELECT count(*) FROM employee")).scalar(),
                "revision": {r for (r,) in c.execute(text("SELECT version_num FROM alembic_version"))},
                "staff": c.execute(text("SELECT count(*) FROM ab_user WHERE username = :u"),
                                   {"u": STAFF_USER}).scalar() == 1,
            }
    except Exception as error:  # a database that exists but cannot be read is simply made again
        return {"tables": False, "error": str(error)[:200]}
    finally:
        engine.dispose()


def recreate(engine_name, scale):
    """An empty database for this engine and scale."""
    url = db_url(engine_name, scale)
    if engine_name == "sqlite":
        path = make_url(url).database
        os.makedirs(os.path.dirname(path), exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return
    name = db_name(scale)
    assert name.startswith("bench_"), name  # we only ever drop and create bench_* databases
    admin = create_engine(str(make_url(url).set(database="postgres")), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()


def seed(engine_name, scale, log=print):
    """Schema, roles and demo data; returns the timings."""
    companies, employees = SCALES[scale]
    recreate(engine_name, scale)
    app = create_ours(db_url(engine_name, scale))
    with app.app_context():
        from flask_migrate import upgrade

        from app.demo import seed_demo
        from app.extensions import db
        from app.security.sync import sync_roles

        started = time.perf_counter()
        upgrade()
        migrated = time.perf_counter()
        sync_roles(app.appbuilder)
        synced = time.perf_counter()
        result = seed_demo(companies=companies, employees=employees, password=PASSWORD,
                           progress=lambda line: _progress(line, log))
        seeded = time.perf_counter()
        db.session.remove()
        db.engine.dispose()
    return {"migrate_s": round(migrated - started, 2), "roles_s": round(synced - migrated, 2),
            "seed_s": round(seeded - synced, 2), "seed_demo_reported_s": round(result.seconds, 2),
            "seeded_at": dt.datetime.now().isoformat(timespec="seconds")}


def _progress(line, log):
    """seed_demo's progress, one line per table (its bar at 100 %, or its plain count)."""
    if "[" not in line or "[" + "#" * 20 + "]" in line:
        log(f"    {' '.join(line.replace('#', '').replace('[', '').replace(']', '').split())}")


def _record(key, replace=False, **values):
    """Update one entry of bench/out/datasets.json (read afresh: another run may have written it)."""
    OUT.mkdir(parents=True, exist_ok=True)
    registry = json.loads(REGISTRY.read_text()) if REGISTRY.exists() else {}
    registry[key] = dict(values) if replace else {**registry.get(key, {}), **values}
    REGISTRY.write_text(json.dumps(registry, indent=1, sort_keys=True))
    return registry


def upgrade_in_place(engine_name, scale):
    app = create_ours(db_url(engine_name, scale))
    with app.app_context():
        from flask_migrate import upgrade

        from app.demo import refresh_statistics
        from app.extensions import db
        from app.security.sync import sync_roles

        upgrade()
        sync_roles(app.appbuilder)
        refresh_statistics(db.session)
        db.session.remove()
        db.engine.dispose()
    return dt.datetime.now().isoformat(timespec="seconds")


BIG_COMPANY_EMPLOYEES = 500


def ensure_big_company(url):
    """The dossier case needs a company with 500 employees (issue 5); the generator's sizes are
    log-normal and stay below that, so 500 employees are moved to the first company (counts per
    company kept up to date; totals unchanged, so the dataset is still recognised). Idempotent."""
    engine = create_engine(url)
    true = "1" if engine.dialect.name == "sqlite" else "true"
    try:
        with engine.begin() as c:
            if c.execute(text("SELECT company_id FROM employee GROUP BY company_id HAVING count(*) >= :n LIMIT 1"),
                         {"n": BIG_COMPANY_EMPLOYEES}).scalar() is not None:
                return
            big = c.execute(text("SELECT min(id) FROM company")).scalar()
            have = c.execute(text("SELECT count(*) FROM employee WHERE company_id = :b"), {"b": big}).scalar()
            moved = c.execute(text("SELECT id, company_id FROM employee WHERE company_id <> :b ORDER BY id "
                                   "LIMIT :n"), {"b": big, "n": BIG_COMPANY_EMPLOYEES - have}).all()
            c.execute(text("UPDATE employee SET company_id = :b WHERE id = :i"), [{"b": big, "i": i} for i, _ in moved])
            for company_id in {big, *(company for _, company in moved)}:
                c.execute(text(f"UPDATE company SET active_employee_count = (SELECT count(*) FROM employee "
                               f"WHERE company_id = :c AND active = {true}) WHERE id = :c"), {"c": company_id})
    finally:
        engine.dispose()


def facts(engine_name, scale):
    """What the cases need to know about the data (read once, untimed)."""
    url = db_url(engine_name, scale)
    engine = create_engine(url)
    true = "1" if engine.dialect.name == "sqlite" else "true"
    try:
        with engine.connect() as c:
            q = lambda sql, **p: c.execute(text(sql), p)  # noqa: E731
            columns = {col["name"] for col in inspect(c).get_columns("company")}
            out = {
                "dialect": engine.dialect.name,
                "companies": q("SELECT count(*) FROM company").scalar(),
                "employees": q("SELECT count(*) FROM employee").scalar(),
                "active_employees": q(f"SELECT count(*) FROM employee WHERE active = {true}").scalar(),
                "has_active_employee_count": "active_employee_count" in columns,
                # ~50 companies with 8-15 employees, like the perf-baseline's detail page
                "show_ids": q("SELECT c.id FROM company c WHERE (SELECT count(*) FROM employee e "
                              "WHERE e.company_id = c.id) BETWEEN 8 AND 15 ORDER BY c.id LIMIT 50").scalars().all(),
                "big_company_id": q("SELECT company_id FROM employee GROUP BY company_id HAVING count(*) >= :n "
                                    "ORDER BY company_id LIMIT 1", n=BIG_COMPANY_EMPLOYEES).scalar(),
            }
    finally:
        engine.dispose()
    out["emp_last_page"] = max(1, math.ceil(out["active_employees"] / 25))        # ours: 1-based, Actief
    out["stock_emp_last_page"] = max(0, math.ceil(out["employees"] / 25) - 1)      # FAB: 0-based, all
    return out


def ensure(engine_name, scale, reseed=False, log=print):
    key = label(engine_name, scale)
    url = db_url(engine_name, scale)
    companies, employees = SCALES[scale]
    registry = json.loads(REGISTRY.read_text()) if REGISTRY.exists() else {}
    state = None if reseed else inspect_database(url)
    heads = migration_heads()
    reasons = []
    if state is None:
        reasons.append("no database" if not reseed else "--reseed")
    elif not state.get("tables"):
        reasons.append("no schema")
    else:
        if (state["companies"], state["employees"]) != (companies, employees):
            reasons.append(f"{state['companies']:,} companies / {state['employees']:,} employees")
        if state["revision"] != heads:
            reasons.append("revision")
        if not state["staff"]:
            reasons.append("no staff user")
    if reasons == ["revision"]:
        # Same data, older schema: migrate it in place (as production would) instead of seeding again.
        try:
            log(f"  {key}: migrating {sorted(state['revision'])} -> {sorted(heads)} in place")
            upgraded = upgrade_in_place(engine_name, scale)
            registry = _record(key, revision=sorted(heads), upgraded_at=upgraded)
            reasons = []
        except Exception as error:  # a migration that cannot run on this data: make the data again
            log(f"  {key}: migration failed ({type(error).__name__}: {str(error)[:200]})")
            reasons = ["migration failed"]
    elif "revision" in reasons:
        reasons[reasons.index("revision")] = f"schema at {sorted(state['revision'])}, migrations at {sorted(heads)}"
    if reasons:
        log(f"  {key}: generating {companies:,} companies / {employees:,} employees ({'; '.join(reasons)})")
        timing = seed(engine_name, scale, log)
        registry = _record(key, replace=True, **timing, companies=companies, employees=employees,
                           revision=sorted(heads))
        reused = False
        log(f"  {key}: seed_demo {timing['seed_s']:.1f} s (+ migrate {timing['migrate_s']:.1f} s, "
            f"roles {timing['roles_s']:.1f} s)")
    else:
        reused = True
        timing = registry.get(key, {})
        made = f", made {timing['seeded_at']} in {timing['seed_s']:.1f} s" if timing.get("seed_s") else ""
        log(f"  {key}: reusing {url.rsplit('/', 1)[-1]} ({companies:,} / {employees:,}{made})")
    ensure_big_company(url)
    out = facts(engine_name, scale)
    out.update(label=key, url=url, scale=scale, reused=reused, seed=timing)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--engine", required=True, choices=["sqlite", "postgresql"])
    ap.add_argument("--scale", required=True, choices=list(SCALES))
    ap.add_argument("--reseed", action="store_true")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    result = ensure(a.engine, a.scale, a.reseed, log=lambda line: print(line, flush=True))
    with open(a.out, "w") as fh:
        json.dump(result, fh, indent=1)


if __name__ == "__main__":
    sys.exit(main())
