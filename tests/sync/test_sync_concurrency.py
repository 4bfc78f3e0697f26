"""Exactly once under parallel resends, any order of resends, and a server killed mid-batch."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.extensions import db
from server.reports.models import Report
from server.shelters.models import ShelterCheckin
from server.sync.models import SyncOp

from ..conftest import ApiClient
from ..shelters.helpers import EMPTY, kiosk_checkin, people_in, set_capacity, shelter_row
from .helpers import batch, report_op

SYNC = "/api/v1/sync"
ROOT = Path(__file__).resolve().parents[2]


def _count_reports(app, report_ids) -> int:
    with app.app_context():
        n = db.session.scalar(
            sa.select(sa.func.count()).where(Report.id.in_([uuid.UUID(i) for i in report_ids]))
        )
        db.session.remove()
    return n


def test_parallel_resends_from_many_connections_apply_each_op_once(app, auth):
    member = auth("member9")
    ops = [report_op() for _ in range(40)]
    answers, errors = [], []

    def send():
        try:
            client = type(member)(app, member.token)
            resp = client.post(SYNC, json=batch(*ops))
            answers.append(resp.json["results"] if resp.status_code == 200 else resp.status_code)
        except Exception as exc:  # noqa: BLE001 - report any failure of a thread
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(isinstance(a, list) for a in answers), answers
    for index, op in enumerate(ops):
        statuses = [a[index]["status"] for a in answers]
        assert statuses.count("applied") == 1, (op["op_id"], statuses)
        assert statuses.count("duplicate") == 7
        entities = {json.dumps(a[index]["entity"], sort_keys=True) for a in answers}
        assert len(entities) == 1
    assert _count_reports(app, [o["data"]["id"] for o in ops]) == 40


def test_the_same_check_in_op_from_several_connections_at_once_counts_the_family_once(app, tokens, ids):
    """No lock is taken before an op's work: two connections may apply the same op_id side by
    side. The ledger's key makes the later batch run again, answering `duplicate` with the first
    result, and the other op of that batch is applied once, not twice or never."""
    shelter = ids["shelters"][EMPTY]
    set_capacity(app, shelter, 10_000)
    token = tokens("shelter1")["access_token"]
    connections = 4
    shared_ops, own_ops = [], []
    for round_ in range(12):
        shared = kiosk_checkin(shelter, household_size=1 + round_ % 5)
        own = [kiosk_checkin(shelter, household_size=2) for _ in range(connections)]
        start = threading.Barrier(connections)
        answers, errors = [None] * connections, []

        def send(n, shared=shared, own=own, start=start, answers=answers, errors=errors):
            try:
                client = ApiClient(app, token)
                start.wait(10)
                resp = client.post(SYNC, json=batch(shared, own[n]))
                answers[n] = resp.json["results"] if resp.status_code == 200 else resp.status_code
            except Exception as exc:  # noqa: BLE001 - report any failure of a thread
                errors.append(exc)

        threads = [threading.Thread(target=send, args=(n,)) for n in range(connections)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert all(isinstance(a, list) for a in answers), answers
        firsts = [a[0] for a in answers]
        assert sorted(r["status"] for r in firsts) == ["applied"] + ["duplicate"] * (connections - 1), firsts
        assert len({json.dumps(r["entity"], sort_keys=True) for r in firsts}) == 1, firsts
        assert [a[1]["status"] for a in answers] == ["applied"] * connections, answers
        shared_ops.append(shared)
        own_ops += own
    every = shared_ops + own_ops
    stored = shelter_row(app, shelter)
    assert stored.occupancy == people_in(app, shelter) == sum(o["data"]["household_size"] for o in every)
    with app.app_context():
        ledger = db.session.scalar(
            sa.select(sa.func.count()).where(SyncOp.op_id.in_([uuid.UUID(o["op_id"]) for o in every]))
        )
        rows = db.session.scalar(
            sa.select(sa.func.count()).where(
                ShelterCheckin.id.in_([uuid.UUID(o["data"]["id"]) for o in every])
            )
        )
        db.session.remove()
    assert ledger == rows == len(every)


def test_an_op_committed_after_the_batch_read_the_ledger_answers_duplicate(app, tokens, ids, monkeypatch):
    """The ledger is read before the batch's transaction (on SQLite outside the writers' queue),
    so another connection can commit one of the batch's ops in between. Here that window is made
    certain: the resend's ledger read comes back as it was before the first send committed. The
    resend still answers `duplicate` with the first answer, its other op goes in once, and the
    family is counted once."""
    from server.sync import service

    shelter = ids["shelters"][EMPTY]
    set_capacity(app, shelter, 10_000)
    client = ApiClient(app, tokens("shelter1")["access_token"])
    before = shelter_row(app, shelter).occupancy
    first = kiosk_checkin(shelter, household_size=3)
    answer = client.post(SYNC, json=batch(first))
    assert answer.status_code == 200 and answer.json["results"][0]["status"] == "applied"

    reads = []
    real_read = service._read_ledger  # noqa: SLF001 - the window under test

    def stale_first_read(ops):
        reads.append(len(ops))
        return {} if len(reads) == 1 else real_read(ops)

    monkeypatch.setattr(service, "_read_ledger", stale_first_read)
    other = kiosk_checkin(shelter, household_size=2)
    again = client.post(SYNC, json=batch(first, other))
    assert again.status_code == 200, again.json
    results = again.json["results"]
    assert len(reads) == 2  # applied again once, after the ledger's key refused the first row
    assert results[0]["status"] == "duplicate"
    assert results[0]["entity"] == answer.json["results"][0]["entity"]
    assert results[1]["status"] == "applied"
    assert shelter_row(app, shelter).occupancy == people_in(app, shelter) == before + 3 + 2


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_sequence_of_resends_and_reorders_leaves_the_same_state(app, auth, data):
    member = auth("member10")
    ops = [report_op() for _ in range(5)] + [report_op(description="")]  # one is refused
    first = member.post(SYNC, json=batch(*ops)).json["results"]
    first_by_op = {r["op_id"]: r for r in first}
    for _ in range(data.draw(st.integers(1, 4))):
        resend = data.draw(st.lists(st.sampled_from(ops), min_size=1, max_size=10))
        results = member.post(SYNC, json=batch(*resend)).json["results"]
        for op, result in zip(resend, results, strict=True):
            assert result["status"] == "duplicate"
            original = first_by_op[op["op_id"]]
            assert result.get("entity") == original.get("entity")
            assert result.get("error") == original.get("error")
    assert _count_reports(app, [o["data"]["id"] for o in ops]) == 5
    with app.app_context():
        ledger = db.session.scalar(
            sa.select(sa.func.count()).where(SyncOp.op_id.in_([uuid.UUID(o["op_id"]) for o in ops]))
        )
        db.session.remove()
    assert ledger == 6


def _start_server(env, port):
    bin_dir = Path(sys.executable).parent
    proc = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app", "--workers", "1"],
        cwd=ROOT,
        env={**env, "PORT": str(port), "HOST": "127.0.0.1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return proc
        except OSError:
            time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    raise RuntimeError("server did not start")


def _post(port, path, body, token, timeout=60):
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read())


def test_a_server_killed_in_the_middle_of_a_batch_applies_every_op_exactly_once_on_resend(
    app, demo, database_url, tmp_path
):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "RATELIMIT_ENABLED": "false",
        "JWT_SECRET_KEY": "k" * 40,
    }
    env.pop("APP_ENV", None)
    proc = _start_server(env, port)
    login = _post(port, "/api/v1/auth/login", {"username": "member11", "password": "demo12345"}, "")
    token = login["access_token"]
    before_commit = after_commit = 0
    all_ops = []
    try:
        for delay in (0.05, 0.1, 0.15, 0.2, 0.3, 0.45):
            ops = [report_op() for _ in range(1000)]
            all_ops += ops
            outcome = {}

            def send(ops=ops, outcome=outcome):
                try:
                    outcome["answer"] = _post(port, SYNC, batch(*ops), token)
                except (OSError, urllib.error.URLError) as exc:
                    outcome["error"] = exc

            sender = threading.Thread(target=send)
            sender.start()
            time.sleep(delay)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            sender.join()
            proc = _start_server(env, port)
            answer = _post(port, SYNC, batch(*ops), token)
            statuses = {r["status"] for r in answer["results"]}
            # One transaction per batch: after the crash, all of it is there or none of it.
            assert statuses in ({"applied"}, {"duplicate"}), statuses
            if "error" in outcome:
                if statuses == {"applied"}:
                    before_commit += 1
                else:
                    after_commit += 1  # committed, but the answer died with the server
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert before_commit >= 1, "no kill landed before a batch's commit; the test proved nothing"
    assert _count_reports(app, [o["data"]["id"] for o in all_ops]) == len(all_ops)
