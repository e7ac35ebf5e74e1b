"""Entry point: `flask --app app ...` and `gunicorn app:app`."""

from district import create_app

app = create_app()
