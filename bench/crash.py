#!/usr/bin/env python3
"""Crash safety: a process killed with SIGKILL in the middle of a 100,000-row import or of an
evaluation run leaves the database exactly as it was, and the interrupted run is marked
failed at the next start. Run on SQLite and (with PG_URL) PostgreSQL.

Usage: bench/crash.py [ROWS]          (default 100000)
Environment: DEVZONE (binary, default target/release/devzone), PG_URL (a PostgreSQL server
URL whose user may create databases), KILL_AFTER (seconds into the commit, default: half of
a measured commit).

For each database:
  1. zones and a register of ROWS enterprises; the facts of ROWS enterprises imported;
  2. every table's row count and checksum taken (`devzone backup --portable` prints them);
  3. a second import of ROWS changed figures started and killed with SIGKILL while it commits;
     the checksums must equal those of step 2;
  4. an evaluation run over the ROWS enterprises started and killed with SIGKILL; the server
     is started (it marks interrupted runs failed) and stopped with SIGTERM; every table but
     evaluation_runs and audit_log (which records the start of the run) must be as in step 2,
     and the one new run must be `failed` without results.
Prints what it did and the verdict; exits 1 when anything differs. Asserts nothing else.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEVZONE = os.environ.get("DEVZONE", os.path.join(ROOT, "target/release/devzone"))
PG_URL = os.environ.get("PG_URL", "")


def run(base, *args, check=True):
    r = subprocess.run(base + list(args), capture_output=True, text=True)
    if check and r.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r


def sums(base, tmp):
    """{table: (rows, sha256)} from a portable backup, and the backup's evaluation runs."""
    out = os.path.join(tmp, f"backup-{time.time_ns()}.jsonl")
    r = run(base, "backup", "--portable", "--out", out)
    tables = {}
    for line in r.stdout.splitlines():
        m = re.match(r"\s+(\S+)\s+(\d+)\s+([0-9a-f]{64})$", line)
        if m:
            tables[m.group(1)] = (int(m.group(2)), m.group(3))
    runs = []
    with open(out) as f:
        for line in f:
            if line.startswith('{"row"') or '"table":"evaluation_runs"' in line:
                v = json.loads(line)
                if v.get("table") == "evaluation_runs":
                    runs.append(v["row"])
    os.remove(out)
    return tables, runs


def differing(a, b, skip=()):
    return sorted(t for t in set(a) | set(b) if t not in skip and a.get(t) != b.get(t))


def kill_during(cmd, after):
    """Starts cmd, kills it with SIGKILL `after` seconds later; whether it was still running."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(after)
    running = p.poll() is None
    p.send_signal(signal.SIGKILL)
    p.wait()
    return running


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_and_stop_server(base):
    """Serves until /healthz answers, then SIGTERM; the stop must be clean (exit 0)."""
    port = free_port()
    p = subprocess.Popen(base + ["serve", "--bind", f"127.0.0.1:{port}"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    p.send_signal(signal.SIGTERM)
    code = p.wait(timeout=60)
    return code


def one_database(label, url, rows, files, tmp):
    data = tempfile.mkdtemp(dir=tmp)
    base = [DEVZONE, "--data-dir", data] + (["--database-url", url] if url else [])
    sheet, changed, register = files
    run(base, "demo", "--enterprises", "0", "--no-serve")
    run(base, "import", register, "--kind", "enterprises", "--zone", "1", "--source", "officer")
    run(base, "import", sheet, "--kind", "facts", "--zone", "1", "--source", "statistics_bureau")
    before, runs_before = sums(base, tmp)
    ok = True

    # The commit of a second import, killed. Its length is measured on a dry run (read,
    # check, compare) and a full run on a copy would double the time: kill at the dry run's
    # length plus KILL_AFTER (default 1 s), which lands inside the commit.
    t0 = time.time()
    run(base, "import", changed, "--kind", "facts", "--zone", "1", "--source", "tax_bureau", "--dry-run")
    dry = time.time() - t0
    after = dry + float(os.environ.get("KILL_AFTER", "1.0"))
    running = kill_during(base + ["import", changed, "--kind", "facts", "--zone", "1", "--source", "tax_bureau"], after)
    now, _ = sums(base, tmp)
    diff = differing(before, now)
    print(f"{label}: import of {rows} rows killed after {after:.1f} s "
          f"({'while running' if running else 'it had finished: raise KILL_AFTER'}); "
          f"tables differing from before: {diff or 'none'}")
    ok &= running and not diff

    # An evaluation run, killed; then a start marks it failed.
    year = os.environ.get("YEAR", "2024")  # the year of the benchmark sheet's figures
    running = kill_during(base + ["evaluate", "--zone", "1", "--year", year], 1.5)
    code = start_and_stop_server(base)
    now, runs_now = sums(base, tmp)
    # The start of a run is audited; the run itself and its (absent) results are checked below.
    diff = differing(before, now, skip=("evaluation_runs", "evaluation_results", "audit_log"))
    new_runs = [r for r in runs_now if r["id"] not in {x["id"] for x in runs_before}]
    results = now.get("evaluation_results", (0,))[0] - before.get("evaluation_results", (0,))[0]
    states = [r["status"] for r in new_runs]
    print(f"{label}: evaluation run killed after 1.5 s ({'while running' if running else 'it had finished'}); "
          f"after a restart (server stopped by SIGTERM, exit {code}): new runs {states}, "
          f"results added {results}, other tables differing: {diff or 'none'}")
    ok &= running and code == 0 and states == ["failed"] and results == 0 and not diff
    return ok


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    tmp = tempfile.mkdtemp(prefix="devzone-crash-")
    sheet = os.path.join(tmp, "facts.xlsx")
    changed = os.path.join(tmp, "facts-changed.csv")
    register = os.path.join(tmp, "register.csv")
    subprocess.run([DEVZONE, "generate", "import-bench", "--rows", str(rows), "--out", sheet,
                    "--register", register], check=True, capture_output=True)
    # The same enterprises with every revenue figure changed: every row becomes a new version.
    csv = os.path.join(tmp, "facts.csv")
    subprocess.run([DEVZONE, "generate", "import-bench", "--rows", str(rows), "--out", csv],
                   check=True, capture_output=True)
    with open(csv, encoding="utf-8-sig") as f, open(changed, "w", encoding="utf-8") as out:
        header = f.readline()
        out.write(header)
        for line in f:
            cells = line.rstrip("\n").split(",")
            # Code, name, industry and year stay; each figure grows by one.
            cells = cells[:4] + [str(float(c) + 1) if c else c for c in cells[4:]]
            out.write(",".join(cells) + "\n")
    ok = one_database("sqlite", "", rows, (sheet, changed, register), tmp)
    if PG_URL:
        name = f"devzone_crash_{os.getpid()}"
        subprocess.run(["psql", PG_URL, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
        try:
            url = re.sub(r"/[^/]*$", f"/{name}", PG_URL)
            ok &= one_database("postgresql", url, rows, (sheet, changed, register), tmp)
        finally:
            subprocess.run(["psql", PG_URL, "-qc", f"DROP DATABASE {name}"], capture_output=True)
    print("crash safety:", "held" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
