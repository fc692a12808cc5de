"""The command line: ``python -m bench.users [options]`` (also ``python -m bench.run users [...]``).

``main`` parses the options, runs the preparation in a child process (``--prepare-only``: it imports the
portal), starts gunicorn, warms it up, drives the users, prints the report and writes the JSON; gunicorn is
stopped by its pid at the end, also on Ctrl-C or SIGTERM.
"""
import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.common import OUT, ROOT, label
from bench.load import HOST, stop, worker_memory
from bench.users.accounts import prepare
from bench.users.journeys import JOURNEYS
from bench.users.report import TARGET_P95_MS, render, report
from bench.users.runner import cpu_times, drive, process_cpu_seconds, start_gunicorn, warm_up

MAX_DURATION = 90


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
    print(f"Fondsportaal load test (bench/users/): {key}, {n_users} users; results in {out_path}", flush=True)
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
