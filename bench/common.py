"""Paths, scales, database URLs and the portal's app as the benchmark creates it."""
import math
import os
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

# name → (companies, employees). 1× is the sector (an O&O-fonds such as OOM), 10× the target.
SCALES = {"quick": (300, 3000), "1": (14_000, 156_000), "10": (140_000, 1_560_000)}
SCALE_LABEL = {"quick": "quick", "1": "1x", "10": "10x"}

STAFF_USER = "staff@demo.fondsportaal.nl"  # sees every company and employee
PASSWORD = "bench-fondsportaal-2026"       # given to seed_demo for every demo user
SECRET_KEY = "bench-not-secret"            # sessions of a throwaway benchmark run only

PG_BASE = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")


def label(engine, scale):
    return f"{engine}-{SCALE_LABEL[scale]}"


def db_name(scale):
    return f"bench_{SCALE_LABEL[scale]}"  # PostgreSQL databases are always named bench_*


def db_url(engine, scale):
    if engine == "sqlite":
        return f"sqlite:///{OUT / (db_name(scale) + '.db')}"
    if engine == "postgresql":
        return f"{PG_BASE}/{db_name(scale)}"
    raise ValueError(f"unknown engine {engine!r} (sqlite, postgresql)")


def ours_overrides(url, testing=True):
    """create_app() overrides for the benchmark: its own database and instance folder, no rate limits
    (one login per process, thousands of requests), plain-http cookies on loopback."""
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": SECRET_KEY,
        "TESTING": testing,
        "WTF_CSRF_ENABLED": not testing,
        "RATELIMIT_ENABLED": False,
        "AUTH_RATE_LIMITED": False,
        "SESSION_COOKIE_SECURE": False,
        "INSTANCE_DIR": str(OUT / "instance"),
        "MAIL_OUTBOX_DIR": str(OUT / "instance" / "mail_outbox"),
        "UPLOAD_FOLDER": str(OUT / "instance" / "uploads"),
    }


def create_ours(url, testing=True):
    from app import create_app

    return create_app(ours_overrides(url, testing))


def pct(values, p):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summarize(times_ms):
    if not times_ms:
        return {"n": 0, "median_ms": None, "p95_ms": None, "min_ms": None}
    return {"n": len(times_ms), "median_ms": round(statistics.median(times_ms), 2),
            "p95_ms": round(pct(times_ms, 95), 2), "min_ms": round(min(times_ms), 2)}
