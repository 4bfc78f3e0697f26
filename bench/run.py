"""`make bench`: throughput figures on this machine, printed, never asserted.

sync: ops/s for batches of 500 `report.create` ops sent over HTTP to gunicorn, on SQLite and on
PostgreSQL (each op: its savepoint, its report, its feed row, its audit row, its ledger row).
frontend: bytes and first paint of a cold open of the login page on a throttled phone
(bench/frontend.py).
shelters: the shelter kiosk's check-ins per second, one `shelter.checkin` op per `/api/v1/sync`
request from 16 clients with a share of resends, against the same server's `/healthz` rate, and
whether occupancy came out exact, on a fresh SQLite and a fresh PostgreSQL database
(bench/shelters.py). A wrong occupancy or a failed request makes the run exit 1.
reports: 140,000 hazard reports across every state of their life, then p95 over 60 requests of
the desk's lists (filtered), a report's detail, the map, the change feed's first page of 500 and
the statistics, on a fresh SQLite and a fresh PostgreSQL database (bench/reports.py).
"""

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
BIN = Path(sys.executable).parent
PG_ADMIN = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BATCH = 500
ROUNDS = 8


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(base, path, body=None, token=None, method="POST"):  # noqa: PLR0913
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.loads(resp.read())


def _op():
    return {
        "op_id": str(uuid.uuid4()),
        "type": "report.create",
        "at": "2026-11-29T08:00:00+08:00",
        "data": {
            "id": str(uuid.uuid4()),
            "category": "flood",
            "description": "河道水位上涨，低洼处已进水",
            "location": {"lat": 25.05, "lon": 116.42, "accuracy": 12.0},
            "severity": "yellow",
            "people_at_risk": 30,
        },
    }


def _serve(url: str, extra_env: dict | None = None):
    port = _port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RATELIMIT_ENABLED": "false",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        **(extra_env or {}),
    }
    for args in (["db", "upgrade"], ["demo-data"]):
        subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True, capture_output=True
        )
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).close()
            return proc, base
        except OSError:
            time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    raise SystemExit("server did not start")


def stop(proc) -> None:
    """Stop a server `_serve` started. gunicorn's graceful stop may take up to its
    graceful_timeout (20 s): on a loaded machine, stopped just after it started, it once took
    longer than the 10 s waited here before, and the bench ended with TimeoutExpired. After 30 s,
    SIGKILL, so a slow stop neither ends the bench nor leaves a server behind."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def bench_sync(label: str, url: str) -> None:
    proc, base = _serve(url)
    try:
        token = _call(base, "/api/v1/auth/login", {"username": "member1", "password": "demo12345"})[
            "access_token"
        ]
        _call(base, "/api/v1/sync", {"ops": [_op() for _ in range(50)]}, token)  # warm up
        rates = []
        for _ in range(ROUNDS):
            body = {"device_id": "bench", "ops": [_op() for _ in range(BATCH)]}
            start = time.perf_counter()
            answer = _call(base, "/api/v1/sync", body, token)
            elapsed = time.perf_counter() - start
            assert all(r["status"] == "applied" for r in answer["results"])
            rates.append(BATCH / elapsed)
        resend_start = time.perf_counter()
        _call(base, "/api/v1/sync", body, token)
        resend = BATCH / (time.perf_counter() - resend_start)
        print(
            f"sync {label:10s} {BATCH}-op batches x{ROUNDS}: median {statistics.median(rates):6.0f} ops/s "
            f"(min {min(rates):.0f}, max {max(rates):.0f}); a resent batch (all duplicates): {resend:.0f} ops/s"
        )
    finally:
        stop(proc)


def bench_delivery(label: str, url: str) -> None:
    import push

    proc_push, push_url, counter = push.start_push_service()
    proc, base = _serve(url, {"PUSH_ALLOWED_HOSTS": "127.0.0.1", "DELIVERY_SMS_AFTER_S": "3600"})
    try:
        p50, p95 = push.latency(_call, base, push_url, counter)
        print(
            f"push {label:10s} dispatch-to-push latency over 20 orders: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
        )
    finally:
        stop(proc)
    for workers in (1, 2):
        sent, elapsed = push.fanout(url, push_url, counter, workers=workers)
        print(
            f"push {label:10s} fan-out, {workers} worker process(es): {sent} pushes in {elapsed:.1f} s"
            f" = {sent / elapsed:.0f} pushes/s"
        )
    proc_push.terminate()


def main() -> None:
    import frontend
    import reports
    import shelters

    with tempfile.TemporaryDirectory() as tmp:
        proc, base = _serve(f"sqlite:///{tmp}/frontend.sqlite3")
        try:
            frontend.bench_frontend(base)
        finally:
            stop(proc)
    with tempfile.TemporaryDirectory() as tmp:
        bench_sync("SQLite", f"sqlite:///{tmp}/bench.sqlite3")
        bench_delivery("SQLite", f"sqlite:///{tmp}/bench.sqlite3")
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"emergency_bench_{os.getpid()}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        pg_url = admin.url.set(database=name).render_as_string(hide_password=False)
        bench_sync("PostgreSQL", pg_url)
        bench_delivery("PostgreSQL", pg_url)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    shelters_ok = shelters.main()
    reports.main()
    if not shelters_ok:
        raise SystemExit("shelters: a check-in answer or the occupancy was wrong (see above)")


if __name__ == "__main__":
    main()
