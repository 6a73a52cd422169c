"""WSGI entry point: `gunicorn wsgi:app`, and the app `flask` finds in this folder."""

from assessment import create_app

app = create_app()
