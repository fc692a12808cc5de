"""Throughput: gunicorn (2 sync workers on 127.0.0.1, a free port) driven by wrk on mixed pages.

One run per side (ours, stock FAB): start gunicorn, log in once through the real login form and keep the
session cookie, check that every URL of the mix answers 200 (a URL that does not is left out of the mix and
reported), run ``wrk -t1 -c4 -d<=20s`` with a Lua script that rotates the URLs, read the workers' peak
memory, then stop gunicorn by its pid (SIGTERM, SIGKILL after 30 s). Every step is bounded in time, and
only loopback addresses are used.
"""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from bench.cases import BY_NAME, MIXED, urls
from bench.common import OUT, PASSWORD, ROOT, STAFF_USER

HOST = "127.0.0.1"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def request(port, method, path, cookies=None, body=None, timeout=120):
    """(status, headers, body) without following redirects."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        body = urllib.parse.urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def take_cookies(headers, cookies):
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            cookies[key.strip()] = rest.split(";", 1)[0]
    return cookies


def login(port):
    cookies = {}
    status, headers, page = request(port, "GET", "/login/")
    take_cookies(headers, cookies)
    form = {"username": STAFF_USER, "password": PASSWORD}
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token:
        form["csrf_token"] = token.group(1)
    status, headers, _ = request(port, "POST", "/login/", cookies, form)
    take_cookies(headers, cookies)
    location = dict((k.lower(), v) for k, v in headers).get("location", "")
    if status != 302 or "/login" in location:
        raise RuntimeError(f"login failed: {status} {location}")
    return cookies


def mixed_paths(side, facts, names=MIXED):
    """The mix as (case, path): each list case once, the detail page with different companies."""
    seen, out = {}, []
    for name in names:
        case = BY_NAME[name]
        template = getattr(case, side)
        if template is None:
            continue
        options = urls(template, facts)
        k = seen.get(name, 0)
        seen[name] = k + 1
        out.append((name, options[k % len(options)]))
    return out


def parse_wrk(text):
    def ms(s):
        value, unit = re.match(r"([\d.]+)(us|ms|s|m)", s).groups()
        return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit], 2)

    out = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
           "requests": int(re.search(r"(\d+) requests in", text).group(1))}
    for p in ("50", "90", "99"):
        m = re.search(rf"^\s+{p}%\s+(\S+)", text, re.M)
        out[f"p{p}_ms"] = ms(m.group(1)) if m else None
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    out["non_2xx_3xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: (.*)", text)
    out["socket_errors"] = m.group(1).strip() if m else ""
    return out


def worker_memory(master_pid):
    """Peak and current RSS (MB) of gunicorn's master and workers, from /proc."""
    try:
        kids = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return {}
    out = {}
    for pid in [str(master_pid)] + kids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        out[pid] = {key: int(re.search(rf"{key}:\s+(\d+) kB", status).group(1)) // 1024
                    for key in ("VmHWM", "VmRSS")}
    return out


def stop(process, timeout=30):
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def run(side, facts, duration=20, workers=2, connections=4, names=MIXED, log=print):
    duration = max(1, min(int(duration), 20))  # the issue: <= 20 s per case
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    logfile = OUT / f"gunicorn-{facts['label']}-{side}.log"
    env = dict(os.environ, BENCH_SIDE=side, BENCH_DB_URL=facts["url"], PYTHONPATH=str(ROOT))
    result = {"side": side, "workers": workers, "connections": connections, "duration_s": duration,
              "port": port}
    with open(logfile, "w") as log_fh:
        process = subprocess.Popen(
            [str(gunicorn), "-w", str(workers), "-b", f"{HOST}:{port}", "--chdir", str(ROOT),
             "--timeout", "120", "--graceful-timeout", "10", "bench.wsgi:app"],
            env=env, stdout=log_fh, stderr=subprocess.STDOUT, cwd=str(ROOT))
        result["pid"] = process.pid
        try:
            deadline = time.monotonic() + 90
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited with {process.returncode}; see {logfile}")
                try:
                    request(port, "GET", "/login/", timeout=5)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"gunicorn did not answer within 90 s; see {logfile}")
                    time.sleep(0.3)
            cookies = login(port)
            paths, failed = [], {}
            for name, path in mixed_paths(side, facts, names):
                status, _, body = request(port, "GET", path, cookies)
                if status == 200:
                    paths.append(path)
                else:
                    failed[name] = status
            result["paths"], result["failed"] = paths, failed
            if not paths:
                raise RuntimeError(f"no URL of the mix answered 200: {failed}")
            lua = OUT / f"wrk-{facts['label']}-{side}.lua"
            lua.write_text("paths = {" + ", ".join(json.dumps(p) for p in paths) + "}\n"
                           "i = 0\n"
                           "request = function()\n"
                           "  i = i % #paths + 1\n"
                           "  return wrk.format('GET', paths[i])\n"
                           "end\n")
            cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
            command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "--latency",
                       "-s", str(lua), "-H", f"Cookie: {cookie}", f"http://{HOST}:{port}/"]
            completed = subprocess.run(command, capture_output=True, text=True, timeout=duration + 30)
            if completed.returncode != 0:
                raise RuntimeError(f"wrk failed: {completed.stderr.strip()[:300]}")
            result.update(parse_wrk(completed.stdout))
            result["memory_mb"] = worker_memory(process.pid)
        except Exception as error:
            result["error"] = f"{type(error).__name__}: {error}"
        finally:
            stop(process)
            result["stopped"] = process.poll() is not None
    rps = result.get("rps")
    log(f"    {facts['label']:16s} {side:5s} gunicorn w{workers} wrk -c{connections} -d{duration}s: "
        + (f"{rps:.1f} req/s, p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, "
           f"{result['requests']} requests, non-2xx {result['non_2xx_3xx']}" if rps is not None
           else f"ERROR {result.get('error')}")
        + (f"; left out of the mix (status): {result['failed']}" if result.get("failed") else ""))
    return result
