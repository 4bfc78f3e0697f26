"""gunicorn settings; each can be overridden from the environment."""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 60
graceful_timeout = 20
accesslog = "-"
# No query strings in the access log: cursors and codes are nobody's business.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server, worker):
    """Each web worker also runs the delivery loop unless a separate `flask worker` does it."""
    from wsgi import app

    if app.config.get("RUN_WORKER_IN_PROCESS"):
        from server.delivery.worker import start_thread

        start_thread(app)
