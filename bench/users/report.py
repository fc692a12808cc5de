"""The figures of a run: per step and overall n, median, p95, p99 and max (nearest rank, ms), req/s,
errors by kind, journeys, the slowest requests; and the printed report with its PASS/FAIL lines."""
import json
import statistics
from collections import defaultdict

from bench.common import pct

TARGET_P95_MS = 150


def summarize(times):
    if not times:
        return {"n": 0}
    return {"n": len(times), "median_ms": round(statistics.median(times), 1), "p95_ms": round(pct(times, 95), 1),
            "p99_ms": round(pct(times, 99), 1), "max_ms": round(max(times), 1)}


def report(results, elapsed, config):
    samples = results.samples
    by_step = defaultdict(list)
    for _, step, ms, _ in samples:
        by_step[step].append(ms)
    order = ["login.form", "login.post", "login.landing", "search.list", "search.query", "search.refine",
             "search.page2", "dossier.company", "dossier.tab", "dossier.employee", "edit.form", "edit.save",
             "edit.after_save"]
    steps = [s for s in order if s in by_step] + sorted(s for s in by_step if s not in order)
    table = {s: {**summarize(by_step[s]), "errors": sum(results.step_errors[s].values())} for s in steps}
    all_ms = [ms for _, _, ms, _ in samples]
    journey_ms = [ms for _, step, ms, _ in samples if not step.startswith("login")]
    steady_from = config["ramp"]
    steady = [t for t, *_ in samples if steady_from <= t < config["duration"]]
    failed_requests = sum(results.errors.values())
    overall = {**summarize(all_ms), "errors": failed_requests}
    out = {
        "steps": table,
        "overall": overall,
        "journey_steps": summarize(journey_ms),
        "requests": len(samples) + sum(v for k, v in results.errors.items() if k in ("timeout",)
                                       or k.startswith("exception")),
        "elapsed_s": round(elapsed, 1),
        "rps": round(len(samples) / elapsed, 1) if elapsed else None,
        "rps_after_ramp": round(len(steady) / max(0.001, config["duration"] - steady_from), 1),
        "errors": dict(results.errors),
        "errors_per_step": {s: dict(c) for s, c in results.step_errors.items()},
        "error_examples": dict(results.examples),
        "conflicts": results.conflicts,
        "journeys": dict(results.journeys),
        "slowest": [dict(zip(("ms", "t_s", "step", "path", "role"), row)) for row in reversed(results.slowest)],
        "per_second": [sum(1 for t, *_ in samples if int(t) == s) for s in range(int(elapsed) + 1)],
    }
    return out


def render(out, config, meta):
    lines = []
    mix = meta["composition"]
    lines.append(f"Fondsportaal load test: {config['users']} users ("
                 + ", ".join(f"{n} {role}" for role, n in mix.items() if n)
                 + f") on {meta['label']}, gunicorn {config['workers']} sync workers, {config['duration']:g} s "
                 f"(ramp-up {config['ramp']:g} s), think {config['think'][0]:g}-{config['think'][1]:g} s, "
                 f"mix {', '.join(f'{k} {v}' for k, v in config['mix'].items())}")
    la = meta["loadavg_start"]
    lines.append(f"load average at start {la[0]:.2f} / {la[1]:.2f} / {la[2]:.2f} (1/5/15 min), at end "
                 f"{meta['loadavg_end'][0]:.2f}; {meta['cpus']} CPUs; machine CPU busy during the run "
                 f"{meta.get('machine_cpu_busy_pct', '?')} %, gunicorn CPU {meta.get('gunicorn_cpu_s', '?')} s, "
                 f"load generator CPU {meta.get('client_cpu_s', '?')} s")
    lines.append("")
    lines.append(f"{'step':18s} {'n':>6s} {'median':>8s} {'p95':>8s} {'p99':>8s} {'max':>8s} {'errors':>7s}")

    def row(name, s):
        if not s.get("n"):
            return f"{name:18s} {0:6d}"
        return (f"{name:18s} {s['n']:6d} {s['median_ms']:8.1f} {s['p95_ms']:8.1f} {s['p99_ms']:8.1f} "
                f"{s['max_ms']:8.1f} {s.get('errors', ''):>7}")

    for step, s in out["steps"].items():
        lines.append(row(step, s))
    lines.append(row("journey steps", out["journey_steps"]))
    lines.append(row("all requests", out["overall"]))
    lines.append("(milliseconds; percentiles nearest-rank)")
    lines.append("")
    lines.append(f"{out['requests']} requests in {out['elapsed_s']} s: {out['rps']} req/s "
                 f"({out['rps_after_ramp']} req/s after the ramp-up); journeys "
                 + ", ".join(f"{k} {v}" for k, v in sorted(out["journeys"].items())))
    if out["errors"]:
        lines.append("errors: " + ", ".join(f"{k} {v}" for k, v in sorted(out["errors"].items())))
        for kind, examples in out["error_examples"].items():
            lines.append(f"  e.g. {kind}: {json.dumps(examples[0], ensure_ascii=False)[:240]}")
    else:
        lines.append("errors: none")
    if out["slowest"]:
        lines.append("slowest: " + "; ".join(f"{s['ms']:.0f} ms {s['step']} {s['path']} ({s['role']}, t={s['t_s']:.0f} s)"
                                             for s in out["slowest"][:3]))
    if out["conflicts"]:
        lines.append(f"edit conflicts (someone else saved first): {out['conflicts']}")
    p95 = out["overall"].get("p95_ms")
    lines.append("")
    lines.append(f"{'PASS' if p95 is not None and p95 <= TARGET_P95_MS else 'FAIL'}  p95 <= {TARGET_P95_MS} ms "
                 f"over all requests: {p95} ms")
    n_errors = out["overall"]["errors"]
    lines.append(f"{'PASS' if n_errors == 0 and out['requests'] > 0 else 'FAIL'}  0 errors: {n_errors}")
    slow = [s for s, v in out["steps"].items() if v.get("p95_ms", 0) > TARGET_P95_MS]
    if slow:
        lines.append(f"note: steps with p95 above {TARGET_P95_MS} ms: {', '.join(slow)}")
    return "\n".join(lines)
