"""The delivery worker loop: in gunicorn's workers as a thread (RUN_WORKER_IN_PROCESS), or as
its own processes with `flask --app wsgi worker`, on as many machines as you like."""

import logging
import threading

from ..extensions import db
from .service import WAKE, run_once

log = logging.getLogger(__name__)


def run_forever(app, interval: float = 1.0, stop: threading.Event | None = None) -> None:
    stop = stop or threading.Event()
    while not stop.is_set():
        with app.app_context():
            try:
                busy = run_once()
            except Exception:  # noqa: BLE001 - the database may be away for a moment: keep going
                log.exception("delivery round failed")
                busy = 0
            finally:
                db.session.remove()
        if not busy and not stop.is_set():
            # Sleep until this process commits something to send, or the next poll.
            WAKE.wait(interval)
            WAKE.clear()


def start_thread(app) -> threading.Thread:
    thread = threading.Thread(target=run_forever, args=(app,), name="delivery-worker", daemon=True)
    thread.start()
    return thread
