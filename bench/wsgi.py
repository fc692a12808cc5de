"""WSGI entry for gunicorn in the throughput part: ``BENCH_SIDE=ours|stock BENCH_DB_URL=... gunicorn
bench.wsgi:app``. Ours is created as in production (TESTING off, CSRF on), with the benchmark's database,
instance folder and secret key, and without the login rate limit."""
import os

_side = os.environ.get("BENCH_SIDE", "ours")
_url = os.environ["BENCH_DB_URL"]

if _side == "ours":
    from bench.common import create_ours

    app = create_ours(_url, testing=False)
elif _side == "stock":
    from bench.stockapp import create_stock_app

    app = create_stock_app(_url)
else:
    raise SystemExit(f"BENCH_SIDE must be ours or stock, not {_side!r}")
