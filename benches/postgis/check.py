#!/usr/bin/env python3
"""PostGIS side checks of the benchmark (standard library only; talks to PostgreSQL through
psql, with the usual PGHOST/PGPORT/PGUSER/PGDATABASE).

  check.py plans  [--sample 20] [--var max_reach_m=V] [--out plans.md]
      For each query type: the plan PostgreSQL picks with per-value (custom) plans and with
      one shared (generic) plan (auto_explain of the query inside q_TYPE), the indexes it
      uses, and the mean time of the whole pgbench statement in each mode over a sample of
      the mix (EXPLAIN ANALYZE, after one warm-up call). Prints a Markdown table; the last line,
      `plan_modes: TYPE=MODE ...`, names the faster mode per type (bench.sh sets it with
      plan_cache_mode for pgbench).

  check.py agree  --ours IDS.csv [--sample 50] [--var max_reach_m=V]
      Runs the first SAMPLE queries of each type on PostGIS with the exact SQL of the
      pgbench scripts and compares with zaitaku's answers (`cargo bench --bench engine --
      agree`): the same ids in the same order (KNN-type queries; ties broken by id on both
      sides), the same kind counts (facets). Prints mismatches, a Markdown table per type
      and a final `agreement: PASS|FAIL ...` line; exits 1 on FAIL.

Both run the statements of the pgbench scripts beside this file (TYPE.sql) in psql, with
`\\set i N` for pgbench's random pick and the -D variables as psql variables, so they check
exactly what pgbench runs. The plans are those of the query inside each q_TYPE function
(queries.sql), shown by auto_explain.
"""

import argparse
import csv
import os
import re
import subprocess
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_script(qtype):
    """The SQL statement of benches/postgis/TYPE.sql (its \\set lines are pgbench's)."""
    lines = []
    with open(os.path.join(HERE, qtype + ".sql"), encoding="utf-8") as f:
        for line in f:
            s = line.strip()
            if s and not s.startswith("--") and not s.startswith("\\"):
                lines.append(s)
    sql = " ".join(lines).strip()
    if not sql.endswith(";"):
        sys.exit(f"check.py: cannot parse {qtype}.sql")
    return sql


def psql(script, notices=False):
    """Runs a psql script; returns stdout lines (unaligned, tuples only, '|' separated), or
    with notices=True the server's notices (stderr)."""
    p = subprocess.run(
        ["psql", "-X", "-q", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1"],
        input=script, capture_output=True, text=True,
        env=dict(os.environ, PGOPTIONS=os.environ.get("PGOPTIONS", "") + " -c client_min_messages=warning"),
    )
    if p.returncode != 0:
        sys.stderr.write(p.stderr)
        sys.exit(f"check.py: psql failed ({p.returncode})")
    return (p.stderr if notices else p.stdout).splitlines()


def var_lines(pairs):
    out = []
    for kv in pairs:
        k, v = kv.split("=", 1)
        out.append(f"\\set {k} {v}")
    return "\n".join(out)


def sample_rows(qtype, sample):
    rows = psql(f"SELECT n, id FROM q WHERE type = '{qtype}' AND n <= {int(sample)} ORDER BY n;")
    return [tuple(r.split("|", 1)) for r in rows if r]


def mix_types():
    """The query types of the loaded mix, in the mix's order; each needs a TYPE.sql."""
    types = [r for r in psql("SELECT type FROM q GROUP BY type ORDER BY min(lpad(id, 12, '0'));") if r]
    for t in types:
        if not os.path.exists(os.path.join(HERE, t + ".sql")):
            sys.exit(f"check.py: the mix has type {t} but benches/postgis/{t}.sql is missing")
    return types


# --- plans -------------------------------------------------------------------------------

def plan_shape(lines):
    """'Limit > Sort > Bitmap Heap Scan > Bitmap Index Scan facility_caps' from a text plan."""
    shape = []
    for i, ln in enumerate(lines):
        s = ln.strip()
        if s.startswith("->"):
            s = s[2:].strip()
        elif i > 0:
            continue  # detail lines (Index Cond, Filter, Sort Key, ...)
        node = s.split("(", 1)[0].strip()
        m = re.match(r"(.*?) using (\w+) on \w+", node)
        if m:
            node = f"{m.group(1)} {m.group(2)}"
        elif node.startswith("Bitmap Index Scan on "):
            node = "Bitmap Index Scan " + node[len("Bitmap Index Scan on "):]
        else:
            node = re.sub(r" on \w+( \w+)?$", "", node)
        if node and node != "Result":
            shape.append(node)
    return " > ".join(shape)


def cmd_plans(args):
    modes = {}
    table = ["| type | per-value (custom) plan | ms | shared (generic) plan | ms | faster |",
             "|---|---|---:|---|---:|---|"]
    for qtype in mix_types():
        stmt = parse_script(qtype)
        rows = sample_rows(qtype, args.sample)
        if not rows:
            continue
        res = {}
        for mode in ("force_custom_plan", "force_generic_plan"):
            # Timing: the whole pgbench statement (look-up + function + the query in it),
            # after one warm-up call that also builds the session's cached plan.
            parts = [var_lines(args.var), f"SET plan_cache_mode = {mode};"]
            for k, (n, _) in enumerate([rows[0]] + rows):
                parts += [f"\\set i {n}", "\\echo @@warm" if k == 0 else "\\echo @@run",
                          f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) {stmt}"]
            times, cur = [], None
            for ln in psql("\n".join(parts) + "\n"):
                if ln.startswith("@@"):
                    cur = ln
                m = re.match(r"\s*(Planning|Execution) Time: ([\d.]+) ms", ln)
                if m and cur == "@@run":
                    if m.group(1) == "Planning":
                        times.append(0.0)
                    times[-1] += float(m.group(2))
            # Plans: the query inside q_TYPE, as auto_explain reports it (no timing overhead
            # in the numbers above).
            parts = [var_lines(args.var), f"SET plan_cache_mode = {mode};", "LOAD 'auto_explain';",
                     "SET auto_explain.log_min_duration = 0;", "SET auto_explain.log_nested_statements = on;",
                     "SET auto_explain.log_level = notice;", "SET client_min_messages = notice;"]
            for n, _ in rows:
                parts += [f"\\set i {n}", stmt]
            plans = nested_plans(psql("\n".join(parts) + "\n", notices=True))
            shapes = defaultdict(int)
            for p in plans:
                shapes[plan_shape(p)] += 1
            shape = "; ".join(f"{s} ({c}/{len(plans)})" if len(shapes) > 1 else s
                              for s, c in sorted(shapes.items(), key=lambda x: -x[1]))
            res[mode] = (shape, sum(times) / max(len(times), 1))
            if args.verbose and plans:
                print(f"-- {qtype} {mode}, first sample:\n" + "\n".join(plans[0]) + "\n", file=sys.stderr)
        (cs, ct), (gs, gt) = res["force_custom_plan"], res["force_generic_plan"]
        best = "force_custom_plan" if ct <= gt else "force_generic_plan"
        modes[qtype] = best
        table.append(f"| {qtype} | {cs} | {ct:.3f} | {gs} | {gt:.3f} | "
                     f"{'custom' if best == 'force_custom_plan' else 'generic'} |")
    text = "\n".join(table)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    print("plan_modes: " + " ".join(f"{t}={m}" for t, m in modes.items()))


def nested_plans(lines):
    """The plans of statements on table facility from auto_explain notices."""
    plans, cur = [], None
    for ln in lines:
        if ln.startswith("NOTICE:") or ln.startswith("psql:"):
            cur = None
            if "plan:" in ln:
                cur = []
                plans.append(cur)
            continue
        if cur is not None:
            cur.append(ln)
    out = []
    for p in plans:
        # Query Text (possibly several lines), then the plan from its unindented root node.
        root = next((i for i, ln in enumerate(p) if "(cost=" in ln and not ln[:1].isspace()), None)
        if root is None:
            continue
        query = " ".join(p[:root])
        if "facility" in query and "q_" not in query:
            out.append(p[root:])
    return out


# --- agree -------------------------------------------------------------------------------

def cmd_agree(args):
    ours, our_total = {}, {}
    with open(args.ours, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            ours[row["id"]] = [x for x in (row["ids"] or "").split(";") if x]
            our_total[row["id"]] = row.get("total")
    has_name_rank = psql("SELECT count(*) FROM facility WHERE name_rank IS NOT NULL;")[0] != "0"
    types = mix_types()
    stats = {t: [0, 0, 0] for t in types}  # compared, agreed, missing on our side
    shown = 0
    for qtype in types:
        stmt = parse_script(qtype)
        rows = sample_rows(qtype, args.sample)
        parts = [var_lines(args.var)]
        unranked = qtype == "text_ward" and not has_name_rank
        for n, qid in rows:
            parts += [f"\\set i {n}", f"\\echo @@{qid}", stmt]
            if unranked:
                # Without the name order only the number of matches and complete (short)
                # answers can be compared.
                parts += ["\\echo @@total", "SELECT count(*) FROM q, facility f WHERE q.type = 'text_ward' "
                          "AND q.n = :i AND f.search_text LIKE ALL (q.pats);"]
        out = psql("\n".join(parts) + "\n")
        theirs, totals, cur = {}, {}, None
        for ln in out:
            if ln == "@@total":
                totals[cur] = None
            elif cur in totals and totals[cur] is None and ln:
                totals[cur] = ln
            elif ln.startswith("@@"):
                cur = ln[2:]
                theirs[cur] = []
            elif cur is not None and ln:
                theirs[cur].append(ln.replace("|", ":") if qtype == "facets_5km" else ln)
        for _, qid in rows:
            st = stats[qtype]
            if qid not in ours:
                st[2] += 1
                continue
            st[0] += 1
            a, b = ours[qid], theirs.get(qid, [])
            if qtype == "facets_5km":
                same = sorted(a) == sorted(b)
            elif unranked:
                same = our_total.get(qid) == totals.get(qid) and (len(b) == 20 or sorted(a) == sorted(b))
            else:
                same = a == b
            if same:
                st[1] += 1
            elif shown < args.show:
                shown += 1
                print(f"MISMATCH {qtype} {qid}\n  zaitaku: {';'.join(a)}\n  postgis: {';'.join(b)}")
                if unranked:
                    print(f"  matches: zaitaku {our_total.get(qid)}, postgis {totals.get(qid)}")
                only_a = [x for x in a if x not in b]
                only_b = [x for x in b if x not in a]
                if only_a or only_b:
                    print(f"  only zaitaku: {';'.join(only_a)}\n  only postgis: {';'.join(only_b)}")
    print("| type | compared | agree | missing in ours |")
    print("|---|---:|---:|---:|")
    total = [0, 0, 0]
    for t in types:
        st = stats[t]
        total = [x + y for x, y in zip(total, st)]
        print(f"| {t} | {st[0]} | {st[1]} | {st[2]} |")
    ok = total[0] > 0 and total[0] == total[1] and total[2] == 0
    note = "" if has_name_rank or not stats.get("text_ward", [0])[0] else \
        " (text_ward: match counts and short answers only; the export has no name_rank)"
    print(f"agreement: {'PASS' if ok else 'FAIL'} {total[1]}/{total[0]} queries agree, "
          f"{total[2]} missing in ours{note}")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("plans")
    p.add_argument("--sample", type=int, default=20)
    p.add_argument("--var", action="append", default=[], help="NAME=VALUE, as pgbench -D")
    p.add_argument("--out")
    p.add_argument("--verbose", action="store_true", help="print the first sample's plans")
    a = sub.add_parser("agree")
    a.add_argument("--ours", required=True)
    a.add_argument("--sample", type=int, default=50)
    a.add_argument("--var", action="append", default=[], help="NAME=VALUE, as pgbench -D")
    a.add_argument("--show", type=int, default=20, help="mismatches printed in full")
    args = ap.parse_args()
    if args.cmd == "plans":
        cmd_plans(args)
        return 0
    return cmd_agree(args)


if __name__ == "__main__":
    sys.exit(main())
