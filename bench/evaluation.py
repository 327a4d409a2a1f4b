#!/usr/bin/env python3
"""Benchmark of `devzone evaluate` (file mode) against the DuckDB implementation of the same
scheme (bench/evaluation_duckdb.py), with a row-by-row comparison of their results.

Usage: bench/evaluation.py [ROWS ...]      (default: 10000 100000 1000000)
Environment: DEVZONE (binary, default target/release/devzone), REPEAT (runs per timing, 3).
Exits 1 when the two implementations disagree on any row; CI runs it on 10,000 rows.
Needs: a release build (cargo build --release), `pip install duckdb`, /usr/bin/time (GNU).
The two are run alternately REPEAT times (default 3); prints the median wall and CPU time
(user + system) and the peak resident memory of each, and the number of rows whose group,
rank, group size or class differ, and the largest difference of totals.
"""
import os
import re
import subprocess
import sys
import tempfile

import duckdb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEVZONE = os.environ.get("DEVZONE", os.path.join(ROOT, "target/release/devzone"))


REPEAT = int(os.environ.get("REPEAT", "3"))


def run_timed(cmd):
    """Runs cmd once under GNU time; returns (wall s, CPU s = user + system, peak RSS MB)."""
    r = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M"] + cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{r.stderr}")
    wall, user, system, rss = r.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(system), int(rss) / 1024


def timed_pair(a, b):
    """Runs the two commands alternately REPEAT times, so that a slow spell of the machine
    hits both; returns for each the median wall time, median CPU time and largest RSS."""
    runs = {0: [], 1: []}
    for _ in range(REPEAT):
        for k, cmd in ((0, a), (1, b)):
            runs[k].append(run_timed(cmd))

    def summary(xs):
        med = lambda v: sorted(v)[len(v) // 2]
        return med([x[0] for x in xs]), med([x[1] for x in xs]), max(x[2] for x in xs)

    return summary(runs[0]), summary(runs[1])


def compare(ours, theirs):
    con = duckdb.connect()
    return con.execute(f"""
        WITH o AS (SELECT row_number() OVER () + 1 AS line, "group" AS grp, total, rank, group_size, class
                   FROM read_csv('{ours}', all_varchar = true)),
             d AS (SELECT line, grp, total, rank, group_size, class FROM read_csv('{theirs}', all_varchar = true))
        SELECT count(*) AS rows,
            count(*) FILTER (WHERE o.grp IS DISTINCT FROM d.grp) AS group_diff,
            count(*) FILTER (WHERE coalesce(o.rank, '') <> coalesce(d.rank, '')) AS rank_diff,
            count(*) FILTER (WHERE coalesce(o.group_size, '') <> coalesce(d.group_size, '')) AS size_diff,
            count(*) FILTER (WHERE coalesce(o.class, '') <> coalesce(d.class, '')) AS class_diff,
            coalesce(max(abs(TRY_CAST(o.total AS DOUBLE) - TRY_CAST(d.total AS DOUBLE))), 0) AS max_total_diff,
            count(*) FILTER (WHERE (o.total = '') <> (d.total IS NULL OR d.total = '')) AS total_presence_diff
        FROM o JOIN d USING (line)""").fetchone()


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
    work = tempfile.mkdtemp(prefix="devzone-evaluation-")
    failed = False
    print(f"{'rows':>9} | {'devzone s':>9} {'cpu s':>6} {'MB':>6} | {'duckdb s':>8} {'cpu s':>6} {'MB':>6} | "
          f"{'speed-up':>8} | diff: group rank size class max|total|")
    for n in sizes:
        inp = os.path.join(work, f"in{n}.csv")
        subprocess.run([DEVZONE, "generate", "evaluation-input", "--rows", str(n), "--out", inp],
                       check=True, capture_output=True)
        ours = os.path.join(work, f"ours{n}.csv")
        theirs = os.path.join(work, f"duck{n}.csv")
        (t_ours, c_ours, m_ours), (t_duck, c_duck, m_duck) = timed_pair(
            [DEVZONE, "evaluate", "--input", inp, "--output", ours],
            [sys.executable, os.path.join(ROOT, "bench/evaluation_duckdb.py"), inp, theirs],
        )
        rows, g, r, s, c, total, presence = compare(ours, theirs)
        assert rows == n, (rows, n)
        print(f"{n:>9} | {t_ours:>9.2f} {c_ours:>6.2f} {m_ours:>6.0f} | {t_duck:>8.2f} {c_duck:>6.2f} {m_duck:>6.0f} | "
              f"{t_duck / t_ours:>7.1f}x | "
              f"{g} {r} {s} {c} {total:.2e} (presence {presence})", flush=True)
        failed |= bool(g or r or s or c or presence or total > 1e-4)
    if failed:
        sys.exit("devzone and DuckDB disagree (see the diff columns)")


if __name__ == "__main__":
    main()
