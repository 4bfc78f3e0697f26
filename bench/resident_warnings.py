"""Residents' figures: the time for one warning to reach 10,000 residents subscribed by web push
(a loopback push service stand-in, answering 201) and 10,000 subscribed by SMS (a loopback SMS
gateway stand-in, answering 200), on SQLite and on PostgreSQL. The clock starts before the
audience's queue() in the issuing transaction and stops when the stand-in has received the last
message; the sending is done by worker processes running the residents' sender, as the delivery
worker would. Run alone: `.venv/bin/python bench/resident_warnings.py` (or within `make bench`). Not named
warnings.py: bench/ is on sys.path, and that name would shadow the standard library's module."""

import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

import push  # noqa: E402 - bench/push.py: the loopback push service and the browser keys

N = 10_000
TARGET_S = 10.0
WORKERS = 2
PG_ADMIN = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _serve_gateway(port_queue, counter):
    """An SMS gateway stand-in: HTTP/1.1, reads each request, answers 200."""
    import asyncio

    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

    async def handle(reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                if length:
                    await reader.readexactly(length)
                with counter.get_lock():
                    counter.value += 1
                writer.write(answer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
        port_queue.put(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(main())


def start_gateway():
    counter = multiprocessing.Value("i", 0)
    ports = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_serve_gateway, args=(ports, counter), daemon=True)
    proc.start()
    return proc, f"http://127.0.0.1:{ports.get(timeout=10)}/sms", counter


def _config(database_url: str, gateway_url: str):
    from server.config import Config

    class Cfg(Config):
        SQLALCHEMY_DATABASE_URI = database_url
        PUSH_ALLOWED_HOSTS = ["127.0.0.1"]
        RATELIMIT_ENABLED = False
        SMS_BACKEND = "http"
        SMS_GATEWAY_URL = gateway_url
        DELIVERY_WEBHOOK_SECRET = "bench-secret"
        RUN_WORKER_IN_PROCESS = False

    return Cfg


def fill(database_url: str, push_url: str, gateway_url: str) -> dict:
    """The schema, the demo county, N push residents on one township and N SMS residents on
    another. Returns the two townships' ids."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from server import create_app
    from server.core.models import utcnow
    from server.delivery.models import PushSubscription
    from server.demo.load import load_demo
    from server.extensions import db
    from server.regions.models import Region
    from server.residents.models import ResidentSubscription

    app = create_app(_config(database_url, gateway_url))
    keys = push.browser_keys()
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        towns = list(
            db.session.scalars(sa.select(Region.id).where(Region.level == "township").order_by(Region.code))
        )
        now = utcnow()
        db.session.execute(
            PushSubscription.__table__.insert(),
            [
                {
                    "id": uuid.uuid4(),
                    "user_id": None,
                    "region_id": towns[0],
                    "endpoint": f"{push_url}/p/{uuid.uuid4()}",
                    "p256dh": keys["p256dh"],
                    "auth": keys["auth"],
                    "failures": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for _ in range(N)
            ],
        )
        db.session.execute(
            ResidentSubscription.__table__.insert(),
            [
                {
                    "id": uuid.uuid4(),
                    "phone": f"+86139{i:08d}",
                    "region_id": towns[1],
                    "state": "active",
                    "confirmed_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(N)
            ],
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return {"push": towns[0], "sms": towns[1]}


def _drain(database_url, gateway_url):
    from server import create_app
    from server.core.models import utcnow
    from server.residents import sender

    app = create_app(_config(database_url, gateway_url))
    with app.app_context():
        while sender.send_batch(utcnow()):
            pass


def one_warning(database_url: str, gateway_url: str, region_id: int, counter) -> tuple[int, float, float]:
    """Issue one warning to `region_id`; (messages received, seconds to queue, seconds in all)."""
    from server import create_app
    from server.extensions import db
    from server.residents.audience import AUDIENCE

    app = create_app(_config(database_url, gateway_url))
    item = SimpleNamespace(
        id=uuid.uuid4(), msg_type="alert", kind="typhoon", level="red", title="台风红色预警"
    )
    before = counter.value
    start = time.perf_counter()
    with app.app_context():
        targeted = AUDIENCE.queue(item, [region_id], None)
        db.session.commit()  # the issuing transaction ends
        db.session.remove()
        db.engine.dispose()
    queued = time.perf_counter() - start
    procs = [multiprocessing.Process(target=_drain, args=(database_url, gateway_url)) for _ in range(WORKERS)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    elapsed = time.perf_counter() - start
    assert targeted == N, targeted
    return counter.value - before, queued, elapsed


def bench(label: str, database_url: str) -> bool:
    proc_push, push_url, push_counter = push.start_push_service()
    proc_sms, gateway_url, sms_counter = start_gateway()
    ok = True
    try:
        towns = fill(database_url, push_url, gateway_url)
        for channel, counter in (("push", push_counter), ("sms", sms_counter)):
            got, queued, elapsed = one_warning(database_url, gateway_url, towns[channel], counter)
            verdict = "ok" if got == N and elapsed < TARGET_S else "MISSED"
            ok = ok and verdict == "ok"
            print(
                f"warnings {label:10s} one warning to {N} residents by {channel:4s}: {got} received in "
                f"{elapsed:.1f} s (queued in {queued * 1000:.0f} ms; {WORKERS} worker processes; "
                f"target < {TARGET_S:.0f} s: {verdict})"
            )
    finally:
        proc_push.terminate()
        proc_sms.terminate()
    return ok


def main() -> bool:
    import sqlalchemy as sa

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        ok = bench("SQLite", f"sqlite:///{tmp}/warnings.sqlite3") and ok
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"emergency_bench_warnings_{os.getpid()}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        ok = bench("PostgreSQL", admin.url.set(database=name).render_as_string(hide_password=False)) and ok
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    return ok


if __name__ == "__main__":
    main()
