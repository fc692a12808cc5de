"""The benchmark in one command (issue 4, section 7).

    .venv/bin/python -m bench.run [--quick] [--scale 1,10] [--engines sqlite,postgresql] [--n 50]

For every engine and scale: make or reuse the data (bench/data.py, the portal's own generator), measure
in-process latency of our pages, of stock Flask-AppBuilder over the same tables and of the floor (bench/
inproc.py, one process per side), then throughput of ours and stock under gunicorn + wrk (bench/load.py).
Prints a table per engine/scale with the issue's targets flagged, and writes everything to
bench/out/bench-<time>.json (and bench/out/latest.json).

--quick: a tiny dataset on SQLite, 5 requests per case, no gunicorn — under a minute; runs in CI.
Exit status: 1 if the harness itself broke (data, a side that could not start or log in, a server that
would not start); failing cases and missed targets are reported, not fatal (unless --strict).
"""
import argparse
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time

from bench import load, report
from bench.cases import BY_NAME
from bench.common import OUT, ROOT, label

SIDES = ("ours", "stock", "floor")


def loadavg():
    try:
        return os.getloadavg()[0].__round__(2)
    except OSError:
        return None


def sub(args, timeout, log_name):
    """Run a bench module in its own process (bounded by ``timeout``), stream its progress lines, keep
    its stderr in bench/out/logs/."""
    log_path = OUT / "logs" / log_name
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log_fh:
        process = subprocess.Popen([sys.executable, "-m", *args], cwd=str(ROOT), stdout=subprocess.PIPE,
                                   stderr=log_fh, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))

        def relay():
            for line in process.stdout:
                print(line.rstrip(), flush=True)

        reader = threading.Thread(target=relay, daemon=True)
        reader.start()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            print(f"  {' '.join(args[:1])}: no result after {timeout} s, stopped", flush=True)
            process.kill()
            process.wait()
        except BaseException:
            process.kill()
            process.wait()
            raise
        reader.join(timeout=5)
    return process.returncode, log_path


def _interrupt(*_):
    raise KeyboardInterrupt()


def versions():
    out = {"python": platform.python_version()}
    for name in ("flask_appbuilder", "flask", "sqlalchemy", "jinja2", "werkzeug", "psycopg", "gunicorn"):
        try:
            from importlib.metadata import version

            out[name] = version(name.replace("_", "-"))
        except Exception:
            pass
    try:
        out["wrk"] = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=5).stdout.split("[")[0].strip()
    except Exception:
        out["wrk"] = None
    try:
        out["git"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                    text=True, timeout=5).stdout.strip()
    except Exception:
        pass
    return out


def run_config(engine, scale, a, errors):
    key = label(engine, scale)
    config = {"label": key, "engine": engine, "scale": scale, "loadavg_start": loadavg(), "inproc": {}}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        facts_path = os.path.join(tmp, "facts.json")
        code, log_path = sub(["bench.data", "--engine", engine, "--scale", scale, "--out", facts_path]
                             + (["--reseed"] if a.reseed else []), timeout=a.data_timeout, log_name=f"data-{key}.log")
        if code != 0 or not os.path.exists(facts_path):
            errors.append(f"{key}: data generation failed (exit {code}); see {log_path}")
            print(f"  {key}: data generation FAILED; last lines of {log_path}:\n" + _tail(log_path), flush=True)
            config["error"] = "data generation failed"
            return config
        facts = json.load(open(facts_path))
        config["facts"] = facts
        for side in a.sides:
            out_path = os.path.join(tmp, f"{side}.json")
            code, log_path = sub(["bench.inproc", "--side", side, "--facts", facts_path, "--n", str(a.n),
                                  "--out", out_path] + (["--cases", ",".join(a.cases)] if a.cases else []),
                                 timeout=a.side_timeout, log_name=f"inproc-{key}-{side}.log")
            if code != 0 or not os.path.exists(out_path):
                errors.append(f"{key} {side}: exit {code}; see {log_path}")
                config["inproc"][side] = {"error": f"exit {code}; see {log_path}\n" + _tail(log_path)}
                continue
            result = json.load(open(out_path))
            config["inproc"][side] = result
            if result.get("error"):
                errors.append(f"{key} {side}: {result['error'].strip().splitlines()[-1]}")
        if a.load:
            config["load"] = {}
            for side in ("ours", "stock"):
                result = load.run(side, facts, duration=a.duration, names=a.mixed)
                config["load"][side] = result
                if result.get("error"):
                    errors.append(f"{key} gunicorn {side}: {result['error']}")
    config["loadavg_end"] = loadavg()
    config["seconds"] = round(time.perf_counter() - started, 1)
    return config


def _tail(path, lines=8):
    try:
        return "\n".join(open(path).read().strip().splitlines()[-lines:])
    except OSError:
        return ""


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["users"]:  # `bench.run users [...]`: the load test with virtual users (bench/users/)
        from bench import users

        return users.main(argv[1:])
    ap = argparse.ArgumentParser(prog="python -m bench.run", description="Fondsportaal search benchmark "
                                 "(issue 4): ours vs stock Flask-AppBuilder vs the floor.")
    ap.add_argument("--quick", action="store_true", help="tiny data on SQLite, 5 requests, no gunicorn (CI)")
    ap.add_argument("--scale", default=None, help="comma list of 1, 10 (default 1,10; quick: quick)")
    ap.add_argument("--engines", default=None, help="comma list of sqlite, postgresql (default both; quick: sqlite)")
    ap.add_argument("--n", type=int, default=None, help="timed requests per case (default 50; quick: 5)")
    ap.add_argument("--sides", default=",".join(SIDES), help="comma list of ours, stock, floor")
    ap.add_argument("--cases", default="", help="comma list of case names (default all)")
    ap.add_argument("--duration", type=int, default=20, help="wrk seconds per side (max 20)")
    ap.add_argument("--no-load", action="store_true", help="skip gunicorn + wrk")
    ap.add_argument("--reseed", action="store_true", help="regenerate the data even if it matches")
    ap.add_argument("--strict", action="store_true", help="also exit 1 when a case fails (non-200)")
    ap.add_argument("--data-timeout", type=int, default=3600)
    ap.add_argument("--side-timeout", type=int, default=1200)
    ap.add_argument("--out", default=None, help="JSON file (default bench/out/bench-<time>.json)")
    a = ap.parse_args(argv)
    a.scales = (a.scale or ("quick" if a.quick else "1,10")).split(",")
    a.scales = ["quick" if s in ("quick", "q") else s.rstrip("xX") for s in a.scales]
    a.engines = (a.engines or ("sqlite" if a.quick else "sqlite,postgresql")).split(",")
    a.n = a.n or (5 if a.quick else 50)
    a.sides = [s for s in a.sides.split(",") if s]
    a.cases = [c for c in a.cases.split(",") if c]
    from bench.common import SCALES

    unknown = [c for c in a.cases if c not in BY_NAME] + [s for s in a.sides if s not in SIDES] \
        + [s for s in a.scales if s not in SCALES] + [e for e in a.engines if e not in ("sqlite", "postgresql")]
    if unknown:
        ap.error(f"unknown case, side, scale or engine: {unknown}")
    a.mixed = [n for n in load.MIXED if not a.cases or n in a.cases]
    a.load = not (a.quick or a.no_load) and bool(a.mixed)
    if a.load and subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        ap.error("wrk is not installed (apt-get install -y wrk), or pass --no-load")

    # SIGTERM ends the run like Ctrl-C: every server and child process is stopped on the way out.
    signal.signal(signal.SIGTERM, _interrupt)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out_path = a.out or str(OUT / f"bench-{stamp}.json")
    result = {"started": dt.datetime.now().isoformat(timespec="seconds"), "argv": sys.argv[1:],
              "quick": a.quick, "n": a.n, "versions": versions(), "cpus": os.cpu_count(), "configs": []}
    errors = []
    started = time.perf_counter()
    print(f"Fondsportaal benchmark: engines {a.engines}, scales {a.scales}, n={a.n}, sides {a.sides}, "
          f"gunicorn+wrk {'on' if a.load else 'off'}; results in {out_path}", flush=True)
    try:
        for engine in a.engines:
            for scale in a.scales:
                print(f"-- {label(engine, scale)}", flush=True)
                config = run_config(engine, scale, a, errors)
                result["configs"].append(config)
                text, rows, targets = report.render_config(config, a.quick) if "facts" in config else ("", [], [])
                config["table"], config["targets"] = rows, targets
                if text:
                    print(text, flush=True)
                _write(result, out_path)
    except KeyboardInterrupt:
        errors.append("interrupted")
        print("interrupted: partial results written", flush=True)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["errors"] = errors
    _write(result, out_path)

    measured = [c for c in result["configs"] if "facts" in c]
    if len(measured) > 1:  # all tables together once more, after the progress lines
        print()
        print("=" * 100)
        for config in measured:
            print(report.render_config(config, a.quick)[0])
            print()
    print(report.seed_table([c for c in result["configs"] if "facts" in c]))
    failures = sorted({f"{c['label']} {side} {name}" for c in result["configs"]
                       for side, r in c.get("inproc", {}).items()
                       for name, case in r.get("cases", {}).items() if case.get("failures")})
    print(f"\nTotal {result['seconds']:.0f} s. JSON: {out_path}")
    if failures:
        print(f"Cases with failed requests: {', '.join(failures)}")
    if errors:
        print("HARNESS ERRORS:\n  " + "\n  ".join(errors))
        return 1
    if a.strict and failures:
        return 1
    print("Benchmark harness OK.")
    return 0


def _write(result, path):
    with open(path, "w") as fh:
        json.dump(result, fh, indent=1, default=str)
    latest = OUT / "latest.json"
    if os.path.abspath(path) != str(latest):
        with open(latest, "w") as fh:
            json.dump(result, fh, indent=1, default=str)


if __name__ == "__main__":
    sys.exit(main())
