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
