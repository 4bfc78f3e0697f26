"""gunicorn wsgi:app and flask --app wsgi."""

from server import create_app

app = create_app()
