#!/usr/bin/env python3
"""Benchmark of `devzone import`: 100,000 annual-fact rows from one XLSX file (16 columns,
Chinese headers with units) parsed, checked, compared and committed, on SQLite and on
PostgreSQL; against a Python script that reads the same file with pandas (python-calamine,
and openpyxl when OPENPYXL=1) and stores it in SQLite.

Usage: bench/import.py [ROWS]          (default 100000)
Environment: DEVZONE (binary, default target/release/devzone), REPEAT (runs, default 3),
PG_URL (a PostgreSQL server URL whose user may create databases; PostgreSQL is skipped
without it), OPENPYXL=1 to time the openpyxl engine as well (slow).
Needs: a release build, `pip install pandas openpyxl python-calamine`, /usr/bin/time (GNU).
The enterprises are registered first (not timed); the timed import records every figure
as a new version with its source, after validation and the comparison with stored values.
Prints the median wall time, rows per second and the peak resident memory of each.
"""
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEVZONE = os.environ.get("DEVZONE", os.path.join(ROOT, "target/release/devzone"))
REPEAT = int(os.environ.get("REPEAT", "3"))
PG_URL = os.environ.get("PG_URL", "")

PANDAS = """
import sqlite3, sys, pandas as pd
df = pd.read_excel(sys.argv[1], engine=sys.argv[2])
con = sqlite3.connect(sys.argv[3])
df.to_sql("facts", con, index=False, if_exists="replace")
con.commit()
"""


def timed(cmd, env=None):
    """Runs cmd under GNU time; returns (wall s, peak RSS MB, stdout)."""
    r = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{r.stdout}\n{r.stderr}")
    wall, rss = r.stderr.strip().splitlines()[-1].split()
    return float(wall), int(rss) / 1024, r.stdout


def devzone_once(sheet, register, url, tmp):
    """A fresh database: zones, the register (untimed), then the timed facts import."""
    data = tempfile.mkdtemp(dir=tmp)
    base = [DEVZONE, "--data-dir", data] + (["--database-url", url] if url else [])
    subprocess.run(base + ["demo", "--enterprises", "0", "--no-serve"], check=True, capture_output=True)
    subprocess.run(base + ["import", register, "--kind", "enterprises", "--zone", "1", "--source", "officer"],
                   check=True, capture_output=True)
    wall, rss, out = timed(base + ["import", sheet, "--kind", "facts", "--zone", "1", "--source", "statistics_bureau"])
    phases = [l.strip() for l in out.splitlines() if l.strip().startswith("time:")]
    return wall, rss, phases[-1] if phases else ""


def pg_database(i):
    """A new database on the PG_URL server for run i. Only the URL's path is replaced, so a
    Unix-socket URL (…/postgres?host=/var/run/postgresql) keeps its query."""
    from urllib.parse import urlsplit, urlunsplit
    name = f"devzone_bench_{os.getpid()}_{i}"
    subprocess.run(["psql", PG_URL, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return urlunsplit(urlsplit(PG_URL)._replace(path=f"/{name}")), name


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    tmp = tempfile.mkdtemp(prefix="devzone-import-bench-")
    sheet = os.path.join(tmp, "facts.xlsx")
    register = os.path.join(tmp, "register.csv")
    subprocess.run([DEVZONE, "generate", "import-bench", "--rows", str(rows), "--out", sheet, "--register", register],
                   check=True, capture_output=True)
    print(f"{rows} rows × 16 columns, {os.path.getsize(sheet) / 1e6:.1f} MB xlsx; {REPEAT} runs each, median")
    results = []
    engines = ["calamine"] + (["openpyxl"] if os.environ.get("OPENPYXL") == "1" else [])
    runs = {"devzone sqlite": [], "devzone postgresql": []}
    for e in engines:
        runs[f"pandas {e} → sqlite"] = []
    for i in range(REPEAT):
        runs["devzone sqlite"].append(devzone_once(sheet, register, "", tmp))
        if PG_URL:
            url, name = pg_database(i)
            try:
                runs["devzone postgresql"].append(devzone_once(sheet, register, url, tmp))
            finally:
                subprocess.run(["psql", PG_URL, "-qc", f"DROP DATABASE {name}"], capture_output=True)
        for e in engines:
            db = os.path.join(tmp, f"pandas-{e}-{i}.db")
            wall, rss, _ = timed([sys.executable, "-c", PANDAS, sheet, e, db])
            runs[f"pandas {e} → sqlite"].append((wall, rss, ""))
    print(f"{'':<26}{'wall s':>8}{'rows/s':>10}{'peak MB':>9}")
    for name, rs in runs.items():
        if not rs:
            continue
        wall = statistics.median(r[0] for r in rs)
        rss = max(r[1] for r in rs)
        results.append((name, wall))
        print(f"{name:<26}{wall:>8.2f}{rows / wall:>10.0f}{rss:>9.0f}   {rs[len(rs) // 2][2]}")
    base = dict(results).get("pandas calamine → sqlite")
    for name, wall in results:
        if name.startswith("devzone") and base:
            print(f"{name}: {base / wall:.2f}× the speed of pandas + python-calamine (target 2×)")


if __name__ == "__main__":
    main()
