#!/usr/bin/env python3
"""Soak: 32 connections held for 10 minutes on the main pages and API lists of a large demo,
while imports run beside them; prints, per minute, requests, errors, p50/p99 latency and the
server's resident memory. Figures only; nothing is asserted.

Usage: bench/soak.py [ENTERPRISES]     (default 100000)
Environment: DEVZONE (binary, default target/release/devzone), MINUTES (default 10),
CONNECTIONS (default 32), PG_URL (run on a new PostgreSQL database instead of SQLite),
DATA (reuse a data directory that already holds the demo).
"""
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEVZONE = os.environ.get("DEVZONE", os.path.join(ROOT, "target/release/devzone"))
MINUTES = float(os.environ.get("MINUTES", "10"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "32"))
PASSWORD = "soak-password-1"

PAGES = [
    "/zones/1",
    "/zones/1/enterprises",
    "/zones/1/enterprises?sort=revenue&dir=desc&page=7",
    "/zones/1/enterprises?q=%E7%A7%91%E6%8A%80",
    "/zones/1/land",
    "/zones/1/plots",
    "/zones/1/chains",
    "/zones/1/evaluations",
    "/zones/1/imports",
]
API = [
    "/api/v1/enterprises?zone_id=1&per_page=20&page=3",
    "/api/v1/enterprises?zone_id=1&per_page=20&sort=revenue&order=desc",
    "/api/v1/zones/1/plots",
    "/api/v1/zones/1/evaluation-runs",
]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def log_in(port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    c.request("GET", "/login")
    r = c.getresponse()
    r.read()
    pre = re.search(r"dz_login_csrf=([^;]+)", r.getheader("Set-Cookie") or "").group(1)
    body = urllib.parse.urlencode({"csrf": pre, "username": "admin", "password": PASSWORD, "next": "/"})
    c.request("POST", "/login", body, {"Cookie": f"dz_login_csrf={pre}",
                                        "Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    r.read()
    cookies = [v for k, v in r.getheaders() if k.lower() == "set-cookie"]
    session = next(v.split(";")[0] for v in cookies if v.startswith("dz_session="))
    return session


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    tmp = tempfile.mkdtemp(prefix="devzone-soak-")
    data = os.environ.get("DATA") or os.path.join(tmp, "data")
    base = [DEVZONE, "--data-dir", data]
    pg = os.environ.get("PG_URL", "")
    if pg:
        name = f"devzone_soak_{os.getpid()}"
        subprocess.run(["psql", pg, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
        base += ["--database-url", re.sub(r"/[^/]*$", f"/{name}", pg)]
    env = dict(os.environ, DEVZONE_ADMIN_PASSWORD=PASSWORD)
    if not os.environ.get("DATA"):
        t0 = time.time()
        subprocess.run(base + ["demo", "--enterprises", str(n), "--no-serve"], check=True, env=env,
                       capture_output=True)
        print(f"demo of {n} enterprises loaded in {time.time() - t0:.0f} s")
    token = subprocess.run(base + ["token", "create", "--user", "admin", "--name", "soak"], check=True,
                           capture_output=True, text=True).stdout.strip()
    port = free_port()
    log = open(os.path.join(tmp, "server.log"), "w")
    print(f"server log: {log.name}")
    server = subprocess.Popen(base + ["serve", "--bind", f"127.0.0.1:{port}"], env=env,
                              stdout=log, stderr=log)
    for _ in range(600):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
            break
        except OSError:
            time.sleep(0.1)
    session = log_in(port)

    # Imports beside the load: the zone's sample sheets, imported again and again.
    samples = os.path.join(tmp, "samples")
    subprocess.run(base + ["generate", "import-samples", "--out", samples, "--rows", "2000"],
                   check=True, capture_output=True)
    sheets = sorted(os.path.join(samples, f) for f in os.listdir(samples))
    stop = threading.Event()
    imports = {"done": 0, "failed": 0}

    def importer():
        i = 0
        while not stop.is_set():
            r = subprocess.run(base + ["import", sheets[i % len(sheets)], "--zone", "1"],
                               capture_output=True)
            imports["done" if r.returncode in (0, 1) else "failed"] += 1
            i += 1

    samples_lock = threading.Lock()
    latencies = []  # (minute, seconds, ok, url)
    failures = {}  # (status or exception, url) -> count

    def worker(k):
        urls = PAGES + API
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        i = k
        while not stop.is_set():
            url = urls[i % len(urls)]
            i += 1
            headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api/") else {"Cookie": session}
            t = time.time()
            try:
                c.request("GET", url, headers=headers)
                r = c.getresponse()
                r.read()
                status = r.status
            except (OSError, http.client.HTTPException) as e:
                status = type(e).__name__
                c.close()
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            with samples_lock:
                latencies.append((int((t - start) // 60), time.time() - t, status == 200, url))
                if status != 200:
                    failures[(status, url)] = failures.get((status, url), 0) + 1

    start = time.time()
    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(CONNECTIONS)]
    threads.append(threading.Thread(target=importer, daemon=True))
    for t in threads:
        t.start()
    print(f"{CONNECTIONS} connections for {MINUTES:g} min on {len(PAGES)} pages and {len(API)} API lists, "
          f"imports beside them ({'PostgreSQL' if pg else 'SQLite'})")
    print(f"{'minute':>6}{'requests':>10}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}{'server MB':>11}")
    minute = 0
    while minute < MINUTES:
        time.sleep(max(0, start + (minute + 1) * 60 - time.time()))
        with samples_lock:
            these = [x for x in latencies if x[0] == minute]
        lat = sorted(x[1] for x in these) or [float("nan")]
        errors = sum(1 for x in these if not x[2])
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        print(f"{minute + 1:>6}{len(these):>10}{errors:>8}{statistics.median(lat) * 1000:>9.0f}"
              f"{p99 * 1000:>9.0f}{rss_mb(server.pid):>11.0f}", flush=True)
        minute += 1
    stop.set()
    time.sleep(1)
    by_url = {}
    for _, s, ok, url in latencies:
        by_url.setdefault(url, []).append(s)
    print(f"imports run beside the load: {imports['done']} finished, {imports['failed']} failed")
    for (status, url), count in sorted(failures.items(), key=lambda x: -x[1]):
        print(f"errors: {count} × {status} on {url}")
    print("p99 by address over the whole run (ms):")
    for url, ls in sorted(by_url.items()):
        ls.sort()
        print(f"  {ls[min(len(ls) - 1, int(len(ls) * 0.99))] * 1000:>8.0f}  {url}")
    server.terminate()
    server.wait(timeout=60)


if __name__ == "__main__":
    main()
