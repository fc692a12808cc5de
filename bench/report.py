"""The printed tables and the issue's targets (issue 4, "Benchmark targets")."""
from bench.cases import CASES

MEDIAN_MAX_MS, P95_MAX_MS = 25.0, 60.0
DEEP_PAGE_MAX = 1.5      # page 500 within 1.5x of page 1
SLOWEST_MIN_SPEEDUP = 10.0
EVERY_MIN_SPEEDUP = 2.0
MIXED_MIN_SPEEDUP = 5.0
FLOOR_AIM = 5.0

# Stock FAB 5.3.0 as measured in ../shared/notes/perf-baseline/README.md (median, p95 ms; mixed req/s), on
# its own fair schema (an index on every filtered/sorted column). Printed next to the live stock figures.
BASELINE = {
    "sqlite-1x": {"emp_p1": (38.2, 43.6), "emp_p500": (40.1, 59.2), "emp_sw_jan": (78.8, 131.5),
                  "emp_place_active": (48.7, 71.8), "emp_sort_surname": (49.5, 64.4),
                  "emp_sort_surname_p500": (39.1, 45.8), "comp_refine": (26.9, 30.2), "comp_show": (25.4, 29.2),
                  "comp_p1": (35.5, 42.9), "emp_last_page": (46.5, 72.1), "mixed_rps": 54.9},
    "postgresql-1x": {"emp_p1": (64.2, 80.2), "emp_p500": (95.4, 110.6), "emp_sw_jan": (102.0, 131.5),
                      "emp_place_active": (70.0, 93.1), "emp_sort_surname": (88.4, 114.7),
                      "emp_sort_surname_p500": (82.3, 103.6), "comp_refine": (63.2, 76.1),
                      "comp_show": (68.7, 79.6), "comp_p1": (64.4, 89.7), "emp_last_page": (102.9, 114.4),
                      "mixed_rps": 33.8},
    "sqlite-10x": {"emp_p1": (45.3, 53.8), "emp_p500": (45.8, 51.4), "emp_sw_jan": (414.7, 474.0),
                   "emp_place_active": (82.5, 86.4), "emp_sort_surname": (43.6, 46.3),
                   "emp_sort_surname_p500": (43.8, 48.3), "comp_refine": (38.4, 45.2), "comp_show": (26.1, 42.3),
                   "comp_p1": (37.7, 40.6), "emp_last_page": (85.3, 107.6), "mixed_rps": 26.3},
    "postgresql-10x": {"emp_p1": (127.2, 187.2), "emp_p500": (167.1, 210.9), "emp_sw_jan": (279.2, 340.5),
                       "emp_place_active": (131.2, 155.2), "emp_sort_surname": (209.6, 237.8),
                       "emp_sort_surname_p500": (211.4, 234.2), "comp_refine": (83.7, 95.3),
                       "comp_show": (54.0, 67.1), "comp_p1": (90.4, 110.3), "emp_last_page": (213.8, 267.4),
                       "mixed_rps": 14.4},
}


def _num(value):
    if value is None:
        return "–"
    if isinstance(value, str):
        return value if not value.startswith(">") else ">" + f"{int(value[1:]):,}"
    return f"{value:,}"


def _ms(result):
    """'median / p95' of a side's case, or why there is none."""
    if result is None:
        return "–"
    if result.get("skipped"):
        return "skipped"
    if result.get("median_ms") is None:
        failures = result.get("failures") or {}
        return "n/a (" + ", ".join(f"{k}×{v}" for k, v in failures.items()) + ")" if failures else "n/a"
    text = f"{result['median_ms']:.1f} / {result['p95_ms']:.1f}"
    if result.get("failures"):
        text += " (" + ", ".join(f"{k}×{v}" for k, v in result["failures"].items()) + ")"
    return text


def _ratio(a, b):
    if not a or not b or a.get("median_ms") is None or b.get("median_ms") is None or not b["median_ms"]:
        return None
    return a["median_ms"] / b["median_ms"]


def _rows_match(ours_rows, floor_rows):
    if ours_rows is None or floor_rows is None:
        return True
    if isinstance(ours_rows, str) and ours_rows.startswith(">"):
        return floor_rows > int(ours_rows[1:])
    return ours_rows == floor_rows


def evaluate(config):
    """Per-case rows and the targets for one engine/scale; returns (rows, targets)."""
    label = config["label"]
    sides = config.get("inproc", {})
    ours = sides.get("ours", {}).get("cases", {})
    stock = sides.get("stock", {}).get("cases", {})
    floor = sides.get("floor", {}).get("cases", {})
    matched = sides.get("floor", {}).get("rows_matched", {})
    baseline = BASELINE.get(label, {})
    rows, targets = [], []
    for case in CASES:
        o, s, f = ours.get(case.name), stock.get(case.name), floor.get(case.name)
        if o is None and s is None and f is None:
            continue
        flags = []
        listed = not case.extra
        if o and o.get("failures"):
            flags.append("FAILED " + ",".join(f"{k}×{v}" for k, v in o["failures"].items()))
        if o and o.get("median_ms") is not None and listed:
            if o["median_ms"] > MEDIAN_MAX_MS:
                flags.append(f"median>{MEDIAN_MAX_MS:.0f}")
            if o["p95_ms"] > P95_MAX_MS:
                flags.append(f"p95>{P95_MAX_MS:.0f}")
        our_stock, our_floor = _ratio(o, s), _ratio(o, f)
        if our_stock is not None and listed and our_stock > 1 / EVERY_MIN_SPEEDUP:
            flags.append("<2x stock")
        if o and not _rows_match(o.get("rows"), matched.get(case.name)) and not case.rotates:
            flags.append("rows≠floor")
        base = baseline.get(case.name)
        rows.append({
            "case": case.name + (" *" if case.extra else ""), "name": case.name, "extra": case.extra,
            "rows": f"{_num(o.get('rows') if o else None)} / {_num(s.get('rows') if s else None)} / "
                    f"{_num(matched.get(case.name))}" if not case.rotates else "8–15 employees",
            "ours": _ms(o), "ours_sql": _num(o.get("sql_stmts")) if o else "–",
            "stock": _ms(s) if case.stock else "no stock page", "stock_sql": _num(s.get("sql_stmts")) if s else "–",
            "floor": _ms(f),
            "our_stock": our_stock, "our_floor": our_floor,
            "baseline": f"{base[0]:.1f} / {base[1]:.1f}" if base else "–",
            "flags": " ".join(flags) or "ok",
        })

    def ok(flag):
        return "ok  " if flag else "FAIL"

    listed = [c for c in CASES if not c.extra]
    measured = [c.name for c in listed if ours.get(c.name, {}).get("median_ms") is not None]
    missing = [c.name for c in listed if ours.get(c.name, {}).get("median_ms") is None]
    slow = [f"{n} ({ours[n]['median_ms']:.1f}/{ours[n]['p95_ms']:.1f})" for n in measured
            if ours[n]["median_ms"] > MEDIAN_MAX_MS or ours[n]["p95_ms"] > P95_MAX_MS]
    targets.append((not slow and not missing,
                    f"median <= {MEDIAN_MAX_MS:.0f} ms and p95 <= {P95_MAX_MS:.0f} ms on every listed case"
                    + (f": over: {', '.join(slow)}" if slow else "")
                    + (f"; not measured: {', '.join(missing)}" if missing else "")))
    dossier = ours.get("comp_dossier_500", {})
    if dossier:  # issue 5: the company dossier with 500 employees
        median = dossier.get("median_ms")
        targets.append((median is not None and median <= MEDIAN_MAX_MS,
                        f"issue 5: company dossier with 500 employees median <= {MEDIAN_MAX_MS:.0f} ms: "
                        + (f"{median:.1f} ms (p95 {dossier['p95_ms']:.1f}, {dossier.get('sql_stmts')} SQL)"
                           if median is not None else "n/a")))
    deep = []
    deep_ok = True
    for case in listed:
        if case.page_of:
            r = _ratio(ours.get(case.name), ours.get(case.page_of))
            if r is None:
                deep_ok = False
                deep.append(f"{case.name}/{case.page_of} n/a")
            else:
                deep_ok &= r <= DEEP_PAGE_MAX
                deep.append(f"{case.name}/{case.page_of} = {r:.2f}")
    targets.append((deep_ok, f"page 500 within {DEEP_PAGE_MAX}x of page 1: " + "; ".join(deep)))

    def speedups(reference):
        """(slowest stock case, its speed-up, [(case, speed-up)]) against {case: median}."""
        pairs = [(c.name, reference[c.name], ours.get(c.name, {}).get("median_ms")) for c in listed
                 if reference.get(c.name) is not None]
        if not pairs:
            return None
        slowest = max(pairs, key=lambda p: p[1])
        ups = [(n, (st / o) if o else None) for n, st, o in pairs]
        return slowest, dict(ups)

    live = speedups({n: r.get("median_ms") for n, r in stock.items()})
    for title, result in (("stock FAB in this run", live),
                          ("the perf-baseline's stock FAB", speedups({n: v[0] for n, v in baseline.items()
                                                                      if isinstance(v, tuple)}))):
        if result is None:
            continue
        (name, stock_ms, _), ups = result
        up = ups[name]
        targets.append((up is not None and up >= SLOWEST_MIN_SPEEDUP,
                        f">= {SLOWEST_MIN_SPEEDUP:.0f}x faster than {title} on its slowest case "
                        f"({name}, {stock_ms:.1f} ms): " + (f"{up:.1f}x" if up else "n/a")))
        low = [f"{n} {u:.1f}x" if u else f"{n} n/a" for n, u in ups.items() if not u or u < EVERY_MIN_SPEEDUP]
        targets.append((not low, f">= {EVERY_MIN_SPEEDUP:.0f}x faster than {title} on every case"
                        + (f": below: {', '.join(low)}" if low else
                           f" (lowest {min(ups.values()):.1f}x)")))
    far = [f"{r['name']} {r['our_floor']:.1f}x" for r in rows
           if r["our_floor"] is not None and not r["extra"] and r["our_floor"] > FLOOR_AIM]
    ratios = [r["our_floor"] for r in rows if r["our_floor"] is not None and not r["extra"]]
    if ratios:
        targets.append((None, f"ratio to the floor (aim <= {FLOOR_AIM:.0f}x): "
                              f"{min(ratios):.1f}x – {max(ratios):.1f}x"
                              + (f"; above the aim: {', '.join(far)}" if far else "")))
    load = config.get("load", {})
    o_rps, s_rps = load.get("ours", {}).get("rps"), load.get("stock", {}).get("rps")
    if load:
        if o_rps and s_rps:
            same_mix = not load["ours"].get("failed") and not load["stock"].get("failed")
            text = (f"mixed pages through gunicorn (2 sync workers, wrk -c4) >= {MIXED_MIN_SPEEDUP:.0f}x stock: "
                    f"ours {o_rps:.1f} req/s, stock {s_rps:.1f} req/s = {o_rps / s_rps:.1f}x")
            if baseline.get("mixed_rps"):
                text += f" (perf-baseline stock: {baseline['mixed_rps']} req/s = {o_rps / baseline['mixed_rps']:.1f}x)"
            if not same_mix:
                text += " — NOT the same mix, URLs left out: ours " + str(load["ours"].get("failed")) \
                        + ", stock " + str(load["stock"].get("failed"))
            targets.append((o_rps / s_rps >= MIXED_MIN_SPEEDUP and same_mix, text))
        else:
            targets.append((False, "mixed pages through gunicorn: "
                            f"ours {load.get('ours', {}).get('error') or o_rps}, "
                            f"stock {load.get('stock', {}).get('error') or s_rps}"))
    return rows, [(ok(flag) if flag is not None else "info", text) for flag, text in targets]


COLUMNS = [("case", "case"), ("rows", "rows ours / stock / floor"), ("ours", "ours med / p95 ms"),
           ("ours_sql", "sql"), ("stock", "stock med / p95 ms"), ("stock_sql", "sql"),
           ("floor", "floor med / p95"), ("our_stock", "our/stock"), ("our_floor", "our/floor"),
           ("baseline", "baseline stock"), ("flags", "flags")]


def table(rows):
    def cell(row, key):
        value = row[key]
        if key in ("our_stock", "our_floor"):
            return "–" if value is None else f"{value:.2f}" if key == "our_stock" else f"{value:.1f}x"
        return str(value)

    cells = [[title for _, title in COLUMNS]] + [[cell(r, k) for k, _ in COLUMNS] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(v.ljust(w) if i in (0, 1, len(COLUMNS) - 1) else v.rjust(w)
                               for i, (v, w) in enumerate(zip(row, widths))).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def header(config):
    facts = config.get("facts", {})
    seed = facts.get("seed", {})
    made = (f"generated now: seed_demo {seed['seed_s']:.1f} s" if not facts.get("reused") and seed.get("seed_s")
            else f"reused (made {seed['seeded_at']}, seed_demo {seed['seed_s']:.1f} s)" if seed.get("seed_s")
            else "reused")
    return (f"== {config['label']}: {facts.get('companies', 0):,} companies / {facts.get('employees', 0):,} "
            f"employees ({facts.get('active_employees', 0):,} active); data {made}; "
            f"load average at start {config.get('loadavg_start', '?')}, end {config.get('loadavg_end', '?')}")


def render_config(config, quick=False):
    rows, targets = evaluate(config)
    out = [header(config)]
    for side in ("ours", "stock", "floor"):
        error = config.get("inproc", {}).get(side, {}).get("error")
        if error:
            out.append(f"  {side}: ERROR {error.strip().splitlines()[-1]}")
    out.append(table(rows))
    out.append("  * = extra case (no target).  our/stock = our median ÷ stock median (<= 0.5 is 2x faster); "
               "our/floor = our median ÷ floor median;\n"
               "  baseline stock = ../shared/notes/perf-baseline/README.md (stock FAB on its own fair schema, "
               "idle machine, 2026-11-22).")
    out.append("  Targets (issue 4; acceptance is at 10x, on both engines)"
               + (" — quick data, for the record only:" if quick else ":"))
    for status, text in targets:
        out.append(f"    [{status}] {text}")
    return "\n".join(out), rows, targets


def seed_table(configs):
    lines = ["== Data generation (app.demo.seed_demo; migrate and roles sync not included)"]
    for config in configs:
        facts = config.get("facts", {})
        seed = facts.get("seed", {})
        if not seed.get("seed_s"):
            lines.append(f"  {config['label']:16s} unknown (database made outside this benchmark)")
            continue
        state = "this run" if not facts.get("reused") else f"earlier run, {seed.get('seeded_at')}"
        lines.append(f"  {config['label']:16s} {facts.get('companies', 0):>8,} companies {facts.get('employees', 0):>10,} "
                     f"employees  seed_demo {seed['seed_s']:7.1f} s  (migrate {seed.get('migrate_s', 0):.1f} s, "
                     f"roles sync {seed.get('roles_s', 0):.1f} s; {state})")
    return "\n".join(lines)
