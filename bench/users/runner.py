"""The run: gunicorn on a free loopback port, its untimed warm-up, the users' threads over the ramp-up,
and the CPU figures of the machine and of the server (from /proc)."""
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.common import ROOT
from bench.load import HOST, free_port, login as staff_login, request as plain_request, stop
from bench.users.user import Results, User


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
