"""SQLite's writers take turns in a queue before BEGIN IMMEDIATE, and every way a transaction
ends gives the turn back: a turn kept would stop every writer of every worker."""

import threading
import time

import pytest
import sqlalchemy as sa

from server.db_setup import _QueuedConnection
from server.extensions import db


@pytest.fixture()
def engine(app):
    with app.app_context():
        engine = db.engines[None]
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has no single write lock to queue for")
    return engine


def _queue(engine):
    with engine.connect() as conn:
        dbapi = conn.connection.dbapi_connection
        assert isinstance(dbapi, _QueuedConnection)
        return dbapi.queue


@pytest.mark.parametrize("end", ["commit", "rollback", "close", "failed statement then rollback"])
def test_every_end_of_a_transaction_gives_the_turn_back(engine, end):
    queue = _queue(engine)
    conn = engine.connect()
    conn.begin()
    conn.execute(sa.text("SELECT 1"))
    assert queue.threads.locked()
    if end == "commit":
        conn.commit()
    elif end == "rollback":
        conn.rollback()
    elif end == "failed statement then rollback":
        with pytest.raises(sa.exc.OperationalError):
            conn.execute(sa.text("SELECT * FROM no_such_table"))
        conn.rollback()
    conn.close()
    assert not queue.threads.locked()
    # And the next writer gets in at once.
    with engine.begin() as other:
        other.execute(sa.text("SELECT 1"))
    assert not queue.threads.locked()


def test_a_session_returned_to_the_pool_mid_transaction_gives_the_turn_back(app, engine):
    queue = _queue(engine)
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))
        assert queue.threads.locked()
        db.session.remove()  # the request's teardown: the pool resets the connection
    assert not queue.threads.locked()


def test_writers_wait_for_their_turn_and_each_one_gets_it(engine):
    """Eight threads, each writing in its own transaction while the others wait in the queue:
    every write lands, none is refused with `database is locked`."""
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS queue_probe (n INTEGER NOT NULL)")
        conn.exec_driver_sql("DELETE FROM queue_probe")
    errors, inside, most_inside = [], [0], [0]
    lock = threading.Lock()

    def write(n):
        try:
            for i in range(10):
                with engine.begin() as conn:
                    with lock:
                        inside[0] += 1
                        most_inside[0] = max(most_inside[0], inside[0])
                    conn.exec_driver_sql("INSERT INTO queue_probe (n) VALUES (?)", (n * 100 + i,))
                    time.sleep(0.002)
                    with lock:
                        inside[0] -= 1
        except Exception as exc:  # noqa: BLE001 - report any failure of a thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert most_inside[0] == 1  # one transaction at a time, decided by the queue
    with engine.begin() as conn:
        assert conn.exec_driver_sql("SELECT count(DISTINCT n) FROM queue_probe").scalar() == 80
        conn.exec_driver_sql("DROP TABLE queue_probe")


def test_a_sync_batch_checks_its_ops_and_reads_the_ledger_before_it_waits_for_the_turn(
    app, engine, tokens, ids, monkeypatch
):
    """While another writer holds the turn, a kiosk's batch gets as far as its ledger read (its
    ops already checked) and only then waits: that work is not done inside the one writer's turn.
    Once the turn is free, the batch is applied."""
    from server.sync import service

    from ..conftest import ApiClient
    from ..shelters.helpers import EMPTY, kiosk_checkin

    token = tokens("shelter1")["access_token"]
    op = kiosk_checkin(ids["shelters"][EMPTY], household_size=2)
    read, checked = threading.Event(), []
    real_read, real_check = service._read_ledger, service._check_all  # noqa: SLF001 - what is timed

    def reading(ops):
        found = real_read(ops)
        read.set()
        return found

    def checking(actor, ops):
        checked.append(read.is_set())
        return real_check(actor, ops)

    monkeypatch.setattr(service, "_read_ledger", reading)
    monkeypatch.setattr(service, "_check_all", checking)
    answers = []
    holder = engine.connect()
    holder.begin()
    holder.execute(sa.text("SELECT 1"))  # BEGIN IMMEDIATE: this connection holds the turn
    try:
        sender = threading.Thread(
            target=lambda: answers.append(ApiClient(app, token).post("/api/v1/sync", json={"ops": [op]}))
        )
        sender.start()
        assert read.wait(5), "the ledger read waited for the writer's turn"
        assert checked == [False]  # checked before the ledger read, both before the turn
        time.sleep(0.2)
        assert not answers  # the batch itself waits for the turn
    finally:
        holder.rollback()
        holder.close()
    sender.join(20)
    assert answers and answers[0].status_code == 200, answers
    assert answers[0].json["results"][0]["status"] == "applied"


def test_a_batch_of_resends_answers_while_another_writer_holds_the_turn(app, engine, tokens, ids):
    """A phone that lost the answer sends its ops again: nothing is left to write, so the batch
    answers `duplicate` at once, without waiting for the writer's turn another connection holds."""
    from ..conftest import ApiClient
    from ..shelters.helpers import EMPTY, kiosk_checkin

    client = ApiClient(app, tokens("shelter1")["access_token"])
    op = kiosk_checkin(ids["shelters"][EMPTY], household_size=1)
    first = client.post("/api/v1/sync", json={"ops": [op]})
    assert first.status_code == 200 and first.json["results"][0]["status"] == "applied"
    answers = []
    holder = engine.connect()
    holder.begin()
    holder.execute(sa.text("SELECT 1"))  # BEGIN IMMEDIATE: this connection holds the turn
    try:
        resend = {"ops": [op]}
        sender = threading.Thread(target=lambda: answers.append(client.post("/api/v1/sync", json=resend)))
        sender.start()
        sender.join(5)
        assert answers, "the resend waited for the writer's turn"
    finally:
        holder.rollback()
        holder.close()
        sender.join(20)
    again = answers[0]
    assert again.status_code == 200
    assert again.json["results"][0]["status"] == "duplicate"
    assert again.json["results"][0]["entity"] == first.json["results"][0]["entity"]
    assert int(again.json["cursor"]) >= int(first.json["cursor"])
