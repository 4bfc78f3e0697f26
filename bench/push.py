"""Delivery figures: dispatch-to-push latency through gunicorn's in-process worker, and pushes/s
for a 10,000-subscription fan-out through the worker's thread pool. A push service stand-in runs
on loopback in its own process and answers 201."""

import base64
import multiprocessing
import os
import statistics
import time
import uuid

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def browser_keys() -> dict:
    private = ec.generate_private_key(ec.SECP256R1())
    point = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"p256dh": b64(point), "auth": b64(os.urandom(16))}


def _serve(port_queue, counter):
    """A push service stand-in that costs next to nothing per request, so the figures are the
    sender's (http.server's per-request header parsing cost more than the push it received).
    HTTP/1.1 with keep-alive: reads each request's head and body, answers 201."""
    import asyncio

    answer = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"

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


def start_push_service():
    counter = multiprocessing.Value("i", 0)
    ports = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_serve, args=(ports, counter), daemon=True)
    proc.start()
    return proc, f"http://127.0.0.1:{ports.get(timeout=10)}", counter


def latency(call, base, push_url, counter, rounds=20):
    """Dispatch orders one after another to a member with a push subscription; time until the
    push service receives each push."""
    keys = browser_keys()
    member = call(base, "/api/v1/auth/login", {"username": "member1", "password": "demo12345"})
    call(
        base,
        "/api/v1/push/subscriptions",
        {"endpoint": f"{push_url}/p/{uuid.uuid4()}", "keys": keys},
        member["access_token"],
    )
    desk = call(base, "/api/v1/auth/login", {"username": "town1", "password": "demo12345"})["access_token"]
    samples = []
    for i in range(rounds):
        before = counter.value
        start = time.perf_counter()
        call(
            base,
            "/api/v1/dispatches",
            {
                "title": f"演练 {i}",
                "location": {"lat": 25.05, "lon": 116.42},
                "member_ids": [member["user"]["id"]],
            },
            desk,
        )
        while counter.value == before:
            if time.perf_counter() - start > 10:
                raise SystemExit("no push within 10 s")
            time.sleep(0.002)
        samples.append(time.perf_counter() - start)
    samples.sort()
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    return statistics.median(samples), p95


def fanout(database_url: str, push_url: str, counter, n=10_000, workers=2):
    """n people, each with a subscription and a queued notification; the worker sends them all."""
    import sqlalchemy as sa

    from server import create_app
    from server.accounts.models import User
    from server.config import Config
    from server.core.models import utcnow
    from server.delivery.models import Notification, PushSubscription
    from server.extensions import db
    from server.regions.models import Region

    class Cfg(Config):
        SQLALCHEMY_DATABASE_URI = database_url
        PUSH_ALLOWED_HOSTS = ["127.0.0.1"]
        RATELIMIT_ENABLED = False
        DELIVERY_SMS_AFTER_S = 3600

    app = create_app(Cfg)
    keys = browser_keys()
    with app.app_context():
        region = db.session.scalar(sa.select(Region.id).where(Region.level == "township"))
        now = utcnow()
        users = [
            {
                "id": uuid.uuid4(),
                "username": f"bench{i}_{uuid.uuid4().hex[:6]}",
                "display_name": "压测",
                "role": "member",
                "region_id": region,
                "password_hash": "x",
                "active": True,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(n)
        ]
        db.session.execute(User.__table__.insert(), users)
        db.session.execute(
            PushSubscription.__table__.insert(),
            [
                {
                    "id": uuid.uuid4(),
                    "user_id": u["id"],
                    "endpoint": f"{push_url}/p/{u['id']}",
                    "p256dh": keys["p256dh"],
                    "auth": keys["auth"],
                    "failures": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for u in users
            ],
        )
        ref = str(uuid.uuid4())
        db.session.execute(
            Notification.__table__.insert(),
            [
                {
                    "id": uuid.uuid4(),
                    "user_id": u["id"],
                    "kind": "warning",
                    "ref_id": ref,
                    "title": "台风红色预警",
                    "body": "请立即转移",
                    "template": "alert",
                    "params": {"title": "台风", "detail": "转移"},
                    "state": "queued",
                    "next_at": now,
                    "attempts": [],
                    "created_at": now,
                }
                for u in users
            ],
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    before = counter.value
    start = time.perf_counter()
    # Several worker processes share the queue (SKIP LOCKED on PostgreSQL, the write lock on
    # SQLite), as `flask --app wsgi worker` run more than once would.
    procs = [multiprocessing.Process(target=_drain, args=(database_url,)) for _ in range(workers)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    elapsed = time.perf_counter() - start
    return counter.value - before, elapsed


def _drain(database_url):
    from server import create_app
    from server.config import Config
    from server.core.models import utcnow
    from server.delivery import service

    class Cfg(Config):
        SQLALCHEMY_DATABASE_URI = database_url
        PUSH_ALLOWED_HOSTS = ["127.0.0.1"]
        DELIVERY_SMS_AFTER_S = 3600
        DELIVERY_CONCURRENCY = 8

    app = create_app(Cfg)
    with app.app_context():
        while service.run_once(utcnow()):
            pass
