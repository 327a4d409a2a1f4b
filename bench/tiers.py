#!/usr/bin/env python3
"""Benchmark of `devzone tiers` (file mode, innovative-sme-2022) against the pandas
implementation of the same table (bench/tiers_pandas.py), with a row-by-row comparison of
every output column.

Usage: bench/tiers.py [ROWS ...]      (default: 100000 1000000)
Environment: DEVZONE (binary, default target/release/devzone), REPEAT (runs per timing, 3).
Exits 1 when the two implementations disagree on any row; CI runs it on 10,000 rows.
Needs: a release build (cargo build --release), `pip install pandas`, /usr/bin/time (GNU).
The two are run alternately REPEAT times; prints the median wall and CPU time (user +
system) and the peak resident memory of each, and the rows on which each column differs.
"""
import csv
import os
import subprocess
import sys
import tempfile

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
    runs = {0: [], 1: []}
    for _ in range(REPEAT):
        for k, cmd in ((0, a), (1, b)):
            runs[k].append(run_timed(cmd))

    def summary(xs):
        med = lambda v: sorted(v)[len(v) // 2]
        return med([x[0] for x in xs]), med([x[1] for x in xs]), max(x[2] for x in xs)

    return summary(runs[0]), summary(runs[1])


def compare(ours, theirs):
    """Rows, and per column the number of rows on which the two files differ."""
    diffs = {}
    rows = 0
    with open(ours, newline="", encoding="utf-8") as f1, open(theirs, newline="", encoding="utf-8") as f2:
        a, b = csv.reader(f1), csv.reader(f2)
        header_a, header_b = next(a), next(b)
        if header_a != header_b:
            sys.exit(f"headers differ:\n{header_a}\n{header_b}")
        for ra, rb in zip(a, b, strict=True):
            rows += 1
            for name, x, y in zip(header_a, ra, rb):
                if x != y:
                    diffs.setdefault(name, []).append((rows + 1, x, y))
    return rows, diffs


def main():
    sizes = [int(x) for x in sys.argv[1:]] or [100_000, 1_000_000]
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            src = os.path.join(tmp, f"in-{n}.csv")
            subprocess.run([DEVZONE, "generate", "tiers-input", "--rows", str(n), "--out", src],
                           check=True, capture_output=True)
            ours, theirs = os.path.join(tmp, "ours.csv"), os.path.join(tmp, "pandas.csv")
            (dw, dc, dm), (pw, pc, pm) = timed_pair(
                [DEVZONE, "tiers", "--input", src, "--output", ours, "--rules", "innovative-sme-2022",
                 "--as-of", "2025-06-30"],
                [sys.executable, os.path.join(ROOT, "bench", "tiers_pandas.py"), src, theirs],
            )
            rows, diffs = compare(ours, theirs)
            size = os.path.getsize(src) / 1e6
            print(f"{n} rows ({size:.0f} MB CSV), median of {REPEAT}:")
            print(f"  devzone tiers  {dw:7.2f} s wall  {dc:7.2f} s CPU  {dm:7.0f} MB peak")
            print(f"  pandas         {pw:7.2f} s wall  {pc:7.2f} s CPU  {pm:7.0f} MB peak")
            print(f"  devzone is {pw / dw:.1f}x faster (wall), {pc / dc:.1f}x (CPU)")
            print(f"  rows compared: {rows}; rows differing per column: "
                  + (", ".join(f"{k} {len(v)}" for k, v in diffs.items()) or "none"))
            for k, v in diffs.items():
                for line, x, y in v[:3]:
                    print(f"    line {line} {k}: devzone {x!r}, pandas {y!r}")
            failed |= bool(diffs) or rows != n
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
