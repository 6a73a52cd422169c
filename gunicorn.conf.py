"""gunicorn's settings for Digital-Check, read from this folder by `gunicorn wsgi:app`.

The master loads the application once before it forks the workers, so that they share its
memory instead of each loading its own copy, and starts the PDF renderers that every worker
shares (PDF_RENDERERS of them, see assessment/report/renderer.py). Command-line options such as
--workers and --threads are added to these settings.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

preload_app = True
#: The workers' heartbeat file, touched on every turn of a worker's loop: in memory where the
#: system has /dev/shm (gunicorn's advice: on a disk, each touch is a metadata write).
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None


def _dispose_engines(*, close: bool) -> None:
    """Drop the database connections of the application's pool (``close``: close them too)."""
    from assessment.extensions import db
    from wsgi import app

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=close)


def when_ready(server: Any) -> None:
    """In the master, before the first worker: no connection of its own left to share with the
    workers, and the PDF renderers started."""
    from assessment.report import pdf, renderer
    from wsgi import app

    _dispose_engines(close=True)
    static = str(app.static_folder)
    renderer.start_shared(
        pdf.html_to_pdf,
        partial(pdf.warm_up, static),
        app.config["PDF_RENDERERS"],
        inherited=[listener.fileno() for listener in server.LISTENERS],
    )


def post_fork(server: Any, worker: Any) -> None:
    """In a new worker: a pool of its own, leaving the master's connections to the master."""
    _dispose_engines(close=False)


def on_exit(server: Any) -> None:
    """In the master, as it stops: stop the PDF renderers."""
    from assessment.report import renderer

    renderer.stop_shared()
