"""WSGI entry point: `gunicorn wsgi:app`, and the app `flask` finds in this folder."""

import gc

from assessment import create_app

app = create_app()

# What start-up created lives as long as the process: spare the garbage collector from walking
# it again and again (full collections otherwise add ~100 ms pauses to chart drawing).
gc.collect()
gc.freeze()
