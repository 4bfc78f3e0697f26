"""`make bench` (shelters): the shelter kiosk's check-ins through the sync door, against the same
server's `/healthz`, printed, never asserted (issue 8).

For each database (a fresh one each: a SQLite file, a PostgreSQL database), gunicorn starts as in
production (gunicorn.conf.py: gthread, WEB_CONCURRENCY=2 workers of 4 threads, the delivery loop
in each worker), migrated and with the demo data. The bench logs in as `shelter1`, the desk
(`town1`) raises the empty demo shelter's capacity to the most a shelter may have, then 16 client
threads, each with its own keep-alive connection, POST one `shelter.checkin` op per
`/api/v1/sync` request for DURATION_S after WARMUP_S of warm-up. Then the same 16 threads ask
`/healthz` for as long. Target: check-ins per second at least half the `/healthz` rate.

Some requests are resends, as a phone makes them:
- RESEND_SHARE of the requests send again an op whose answer came (the app died before it noted
  "sent"): the answer must be `duplicate` with the first answer's check-in;
- LOST_SHARE of the new ops have their answer lost: the client closes the connection as soon as it
  has sent the request, then sends the same op again on a new connection (the server may still be
  applying the first): `duplicate`, or `applied` if the resend got there first.

Afterwards the shelter's occupancy (through the API and in the database) must equal exactly the sum
of the household sizes of the distinct ops sent, with one check-in row and one ledger row per
distinct op. Any 5xx, rejection, unexpected answer or failed connection, or an occupancy that is
not exact, is a correctness failure: the figures are still printed, and the exit status is 1.

The rates count answered requests that ended inside the measured window; a request whose answer
the client dropped is counted apart. "CPU" shows where the machine's two cores went during each
window: gunicorn's workers, this client (its threads share one GIL: if it nears 1.0 core, the
client, not the server, set the rate), and the whole machine (other engineers' tests included).
"gunicorn CPU per answered request" is the workers' CPU time in the window over the requests
answered in it: the least noisy figure on a shared machine, and the ceiling of the ratio if
check-ins ran fully in parallel (they do not: each one holds the feed lock on PostgreSQL, and the
database's write lock from its first statement after the authentication read on SQLite, to
its commit).

    .venv/bin/python bench/shelters.py                 # SQLite, then PostgreSQL
    .venv/bin/python bench/shelters.py sqlite          # one of them
    .venv/bin/python bench/shelters.py postgresql
"""

import http.client
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

CLIENTS = 16
WARMUP_S = 3.0
DURATION_S = 20.0
RESEND_SHARE = 0.08
LOST_SHARE = 0.02
TARGET = 0.5
SHELTER = "临城镇中心小学避灾安置点"  # open and empty in the demo data; shelter1 runs it
CAPACITY = 100_000  # the most ShelterUpdateSchema allows
SIZE_MAX = 6  # household sizes 1..6
NEEDS = ("elderly", "children", "disabled", "pregnant", "medical")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "建国志强海军伟明国华小平晓东红英德胜春生永福金水文斌振华秀兰家辉"
TICKS = os.sysconf("SC_CLK_TCK")


class Failure(Exception):
    """A request whose answer was not what the contract promises."""


class Ledger:
    """Every op the clients made, what was expected of it and what came back."""

    def __init__(self, shelter_id: str, budget: int):
        self.shelter_id = shelter_id
        self.lock = threading.Lock()
        self.ops: dict[str, dict] = {}  # op_id -> {"op", "size", "checkin_id", "entity"}
        self.answered: list[str] = []  # op_ids whose answer arrived: candidates for a resend
        self.unresolved: set[str] = set()  # sent, no answer yet known to have applied it
        self.failures: list[str] = []
        self.budget = budget  # people that may still be sent in new ops (capacity, with a margin)
        self.exhausted_at: float | None = None

    def new_op(self, rng: random.Random) -> dict | None:
        size = rng.randint(1, SIZE_MAX)
        with self.lock:
            if self.budget < size:
                self.exhausted_at = self.exhausted_at or time.perf_counter()
                return None
            self.budget -= size
        checkin_id = str(uuid.uuid4())
        data = {
            "id": checkin_id,
            "shelter_id": self.shelter_id,
            "name": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
            "household_size": size,
            "needs": rng.sample(NEEDS, rng.randint(0, 2)),
        }
        if rng.random() < 0.7:
            data["phone"] = f"+86138{rng.randrange(10**8):08d}"
        op = {"op_id": str(uuid.uuid4()), "type": "shelter.checkin", "at": _now_iso(), "data": data}
        with self.lock:
            self.ops[op["op_id"]] = {"op": op, "size": size, "checkin_id": checkin_id, "entity": None}
            self.unresolved.add(op["op_id"])
        return op

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)

    def check(self, op: dict, status: int, raw: bytes, expected: tuple[str, ...]) -> str:
        """Check one answer against what the op should get; -> the op's status."""
        op_id = op["op_id"]
        if status != 200:
            raise Failure(f"HTTP {status}: {raw[:200]!r}")
        results = json.loads(raw)["results"]
        if len(results) != 1 or results[0].get("op_id") != op_id:
            raise Failure(f"answer for the wrong op: {raw[:200]!r}")
        result = results[0]
        if result["status"] not in expected:
            error = result.get("error") or {}
            raise Failure(f"{result['status']} where {'/'.join(expected)} was due: {error.get('type')}")
        entity = result.get("entity") or {}
        mine = self.ops[op_id]
        if (
            entity.get("id") != mine["checkin_id"]
            or entity.get("shelter_id") != self.shelter_id
            or entity.get("household_size") != mine["size"]
        ):
            raise Failure(f"{result['status']} with another check-in: {entity.get('id')}")
        with self.lock:
            if mine["entity"] is not None and mine["entity"] != entity.get("id"):
                raise Failure("a resend answered another check-in than the first answer")
            mine["entity"] = entity.get("id")
            if op_id in self.unresolved:
                self.unresolved.discard(op_id)
                self.answered.append(op_id)
        return result["status"]

    def resend_candidate(self, rng: random.Random) -> dict | None:
        with self.lock:
            if not self.answered:
                return None
            return self.ops[rng.choice(self.answered)]["op"]

    def expected_people(self) -> int:
        return sum(o["size"] for o in self.ops.values())


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())


class Client(threading.Thread):
    """One kiosk (or one /healthz caller) on its own keep-alive connection."""

    def __init__(self, n: int, host: str, port: int, token: str, ledger: Ledger, clock: dict):  # noqa: PLR0913
        super().__init__(daemon=True, name=f"client-{n}")
        self.rng = random.Random(n)
        self.host, self.port = host, port
        self.headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        self.ledger = ledger
        self.clock = clock  # {"phase": "checkin" | "healthz", "start": t, "end": t}
        self.conn = None
        self.samples: list[tuple[float, float, str]] = []  # (ended at, seconds, kind)
        self.lost = 0
        self.lost_pending: dict | None = None

    def _connect(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        return self.conn

    def _drop(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _post(self, op: dict) -> tuple[int, bytes]:
        conn = self._connect()
        conn.request(
            "POST", "/api/v1/sync", json.dumps({"device_id": "bench-kiosk", "ops": [op]}), self.headers
        )
        resp = conn.getresponse()
        return resp.status, resp.read()

    def _send(self, op: dict, kind: str, expected: tuple[str, ...]) -> None:
        start = time.perf_counter()
        try:
            status, raw = self._post(op)
            got = self.ledger.check(op, status, raw, expected)
        except (OSError, http.client.HTTPException) as exc:
            self._drop()
            self.ledger.fail(f"{kind}: {type(exc).__name__}")
            return
        except Failure as exc:
            self.ledger.fail(f"{kind}: {exc}")
            return
        end = time.perf_counter()
        self.samples.append((end, end - start, f"{kind}:{got}"))

    def _lose_answer(self, op: dict) -> None:
        """Send, then hang up before the answer: the phone lost its signal."""
        conn = self._connect()
        try:
            conn.request(
                "POST", "/api/v1/sync", json.dumps({"device_id": "bench-kiosk", "ops": [op]}), self.headers
            )
        except (OSError, http.client.HTTPException) as exc:
            self.ledger.fail(f"lost: {type(exc).__name__}")
        self._drop()
        self.lost += 1
        self.lost_pending = op

    def _checkin_round(self) -> bool:
        if self.lost_pending is not None:
            op, self.lost_pending = self.lost_pending, None
            self._send(op, "after-lost", ("duplicate", "applied"))
            return True
        roll = self.rng.random()
        if roll < RESEND_SHARE:
            op = self.ledger.resend_candidate(self.rng)
            if op is not None:
                self._send(op, "resend", ("duplicate",))
                return True
        op = self.ledger.new_op(self.rng)
        if op is None:
            return False  # the capacity budget is spent: the window ends here
        if roll > 1 - LOST_SHARE:
            self._lose_answer(op)
        else:
            self._send(op, "new", ("applied",))
        return True

    def _healthz_round(self) -> None:
        start = time.perf_counter()
        try:
            conn = self._connect()
            conn.request("GET", "/healthz")
            resp = conn.getresponse()
            raw = resp.read()
            if resp.status != 200 or json.loads(raw).get("status") != "ok":
                self.ledger.fail(f"healthz: HTTP {resp.status}")
                return
        except (OSError, http.client.HTTPException) as exc:
            self._drop()
            self.ledger.fail(f"healthz: {type(exc).__name__}")
            return
        end = time.perf_counter()
        self.samples.append((end, end - start, "healthz"))

    def run(self) -> None:
        try:
            while time.perf_counter() < self.clock["end"]:
                if self.clock["phase"] == "healthz":
                    self._healthz_round()
                elif not self._checkin_round():
                    break
            if self.lost_pending is not None:  # every op sent gets its answer in the end
                op, self.lost_pending = self.lost_pending, None
                self._send(op, "after-lost", ("duplicate", "applied"))
        finally:
            self._drop()


# --- CPU accounting -------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    """gunicorn's worker processes: the processes whose parent is its master."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
        except (OSError, IndexError, ValueError):
            pass
    return found


def _proc_cpu(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / TICKS


def _machine_cpu() -> tuple[float, float]:
    """(busy seconds, total seconds) of all cores since boot."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICKS, sum(values) / TICKS


@contextmanager
def cpu_meter(server_pid: int, out: dict):
    workers = _children(server_pid)
    own = resource.getrusage(resource.RUSAGE_SELF)
    server = _proc_cpu(workers)
    busy, total = _machine_cpu()
    start = time.perf_counter()
    yield
    wall = time.perf_counter() - start
    own_after = resource.getrusage(resource.RUSAGE_SELF)
    busy_after, total_after = _machine_cpu()
    out["server"] = (_proc_cpu(workers) - server) / wall
    out["client"] = (own_after.ru_utime + own_after.ru_stime - own.ru_utime - own.ru_stime) / wall
    cores = os.cpu_count() or 1
    out["machine"] = (busy_after - busy) / max(total_after - total, 1e-9) * cores
    out["cores"] = cores


# --- one database ---------------------------------------------------------------------------


def _phase(clients_args, phase: str, warmup: float, duration: float, server_pid: int):
    """Run CLIENTS threads for warmup + duration; -> (samples in the window, window seconds, cpu, clients)."""
    now = time.perf_counter()
    clock = {"phase": phase, "end": now + warmup + duration}
    clients = [Client(n, *clients_args, clock) for n in range(CLIENTS)]
    for c in clients:
        c.start()
    time.sleep(warmup)
    cpu: dict = {}
    window_start = time.perf_counter()
    with cpu_meter(server_pid, cpu):
        time.sleep(max(0.0, clock["end"] - time.perf_counter()))
    for c in clients:
        c.join(120)
    ledger = clients_args[3]
    window_end = clock["end"]
    if phase == "checkin" and ledger.exhausted_at is not None:
        window_end = min(window_end, ledger.exhausted_at)
    samples = [s for c in clients for s in c.samples if window_start <= s[0] <= window_end]
    return samples, window_end - window_start, cpu, clients


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))]


def _verify(call, base, token, url, ledger: Ledger) -> tuple[bool, str]:
    """Occupancy through the API and the rows in the database, against the distinct ops sent."""
    expected = ledger.expected_people()
    distinct = len(ledger.ops)
    occupancy = call(base, f"/api/v1/shelters/{ledger.shelter_id}", token=token, method="GET")["occupancy"]
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows, people = conn.execute(
                sa.text(
                    "SELECT count(*), coalesce(sum(household_size), 0) FROM shelter_checkins "
                    "WHERE shelter_id = :s AND checked_out_at IS NULL"
                ),
                {"s": uuid.UUID(ledger.shelter_id).hex if url.startswith("sqlite") else ledger.shelter_id},
            ).one()
            ledger_rows = conn.execute(
                sa.text("SELECT count(*) FROM sync_ops WHERE type = 'shelter.checkin' AND status = 'applied'")
            ).scalar()
    finally:
        engine.dispose()
    exact = occupancy == expected and people == expected and rows == distinct and ledger_rows == distinct
    return exact, (
        f"occupancy {occupancy} (API), {people} in {rows} check-in rows, {ledger_rows} ledger rows; "
        f"{distinct} distinct ops of {expected} people sent"
    )


def bench_shelters(label: str, url: str) -> bool:
    """Print the figures for one fresh database; -> True when every answer and the occupancy were right."""
    import run

    proc, base = run._serve(url)
    try:
        kiosk = run._call(base, "/api/v1/auth/login", {"username": "shelter1", "password": "demo12345"})
        desk = run._call(base, "/api/v1/auth/login", {"username": "town1", "password": "demo12345"})
        token = kiosk["access_token"]
        shelters = run._call(base, "/api/v1/shelters?limit=100", token=token, method="GET")["items"]
        shelter = next(s for s in shelters if s["name"] == SHELTER)
        if shelter["occupancy"] != 0 or shelter["status"] != "open":
            raise SystemExit(f"{SHELTER} is not open and empty in the demo data")
        run._call(
            base,
            f"/api/v1/shelters/{shelter['id']}",
            {"capacity": CAPACITY},
            desk["access_token"],
            method="PATCH",
        )
        # A margin of one household per client: a new op takes its people from the budget first.
        ledger = Ledger(shelter["id"], CAPACITY - CLIENTS * SIZE_MAX)
        host, port = base.removeprefix("http://").split(":")
        args = (host, int(port), token, ledger)
        checkins, window, cpu_c, clients = _phase(args, "checkin", WARMUP_S, DURATION_S, proc.pid)
        health, h_window, cpu_h, _ = _phase(args, "healthz", WARMUP_S, window, proc.pid)
        exact, how = _verify(run._call, base, token, url, ledger)
    finally:
        run.stop(proc)

    rate = len(checkins) / window
    new = sum(1 for s in checkins if s[2].startswith("new"))
    resends = len(checkins) - new
    h_rate = len(health) / h_window
    ratio = rate / h_rate if h_rate else 0.0
    latencies = [s[1] * 1000 for s in checkins]
    lost = sum(c.lost for c in clients)
    after_lost = {}
    for c in clients:
        for _, _, kind in c.samples:
            if kind.startswith("after-lost"):
                after_lost[kind] = after_lost.get(kind, 0) + 1
    tag = f"shelters {label:10s}"
    print(
        f"{tag} kiosk check-ins, {CLIENTS} clients, 1 op per /api/v1/sync request, {window:.0f} s after "
        f"{WARMUP_S:.0f} s warm-up: {rate:.0f} req/s ({new / window:.0f}/s new, {resends / window:.0f}/s resends)"
    )
    if latencies:
        print(
            f"{tag}   check-in latency p50 {statistics.median(latencies):.0f} ms, "
            f"p95 {_pct(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms"
        )
    print(f"{tag} /healthz, {CLIENTS} clients, {h_window:.0f} s: {h_rate:.0f} req/s")
    verdict = "meets the target" if ratio >= TARGET else "MISSES the target"
    print(f"{tag} ratio check-ins / healthz {ratio:.2f}: {verdict} (at least {TARGET})")
    for name, cpu in (("check-ins", cpu_c), ("/healthz", cpu_h)):
        if cpu:
            print(
                f"{tag}   CPU during {name}: gunicorn workers {cpu['server']:.2f} cores, bench client "
                f"{cpu['client']:.2f}, whole machine {cpu['machine']:.2f} of {cpu['cores']}"
            )
    if cpu_c and cpu_h and checkins and health:
        # Less noisy than the rates on a shared machine: CPU time is counted only while it runs.
        per_checkin = cpu_c["server"] * window / len(checkins) * 1000
        per_health = cpu_h["server"] * h_window / len(health) * 1000
        print(
            f"{tag}   gunicorn CPU per answered request: check-in {per_checkin:.1f} ms, /healthz "
            f"{per_health:.2f} ms ({per_checkin / per_health:.0f}x; PostgreSQL's own CPU not counted)"
        )
    lost_note = ", ".join(f"{n} {k.split(':')[1]}" for k, n in sorted(after_lost.items())) or "none"
    print(f"{tag}   answers dropped by the client then resent: {lost} (resends answered: {lost_note})")
    print(f"{tag} occupancy exact: {'yes' if exact else 'NO'}: {how}")
    failures = ledger.failures
    print(f"{tag} failed requests: {len(failures)}")
    for what in sorted(set(failures))[:10]:
        print(f"{tag}   {failures.count(what)} x {what}")
    if ledger.unresolved:
        print(f"{tag}   {len(ledger.unresolved)} ops sent whose fate no answer told")
    return exact and not failures and not ledger.unresolved


def fresh_sqlite(tmp: str) -> str:
    return f"sqlite:///{tmp}/shelters.sqlite3"


@contextmanager
def fresh_postgresql():
    import run

    admin = sa.create_engine(run.PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"emergency_bench_shelters_{os.getpid()}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def main(which=("sqlite", "postgresql")) -> bool:
    ok = True
    if "sqlite" in which:
        with tempfile.TemporaryDirectory() as tmp:
            ok &= bench_shelters("SQLite", fresh_sqlite(tmp))
    if "postgresql" in which:
        with fresh_postgresql() as url:
            ok &= bench_shelters("PostgreSQL", url)
    return ok


if __name__ == "__main__":
    chosen = tuple(sys.argv[1:]) or ("sqlite", "postgresql")
    if not set(chosen) <= {"sqlite", "postgresql"}:
        raise SystemExit(__doc__)
    sys.exit(0 if main(chosen) else 1)
