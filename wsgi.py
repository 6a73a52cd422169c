"""WSGI entry point: `gunicorn wsgi:app`, and the app `flask` finds in this folder."""

import gc
from datetime import date

from flask import Flask
from flask_babel import force_locale, format_date, format_decimal, get_translations

from assessment import create_app

#: The templates of the pages every owner sees (the layout, the landing page, the questionnaire,
#: the report, the error pages). The advisors', partners' and e-mail templates are compiled
#: where they are first used: compiling all of them would delay every start by half a second.
SHARED_TEMPLATES = (
    "base.html",
    "centre/_",
    "index.html",
    "macros.html",
    "survey/",
    "report/",
    "errors/",
)


def load_shared(app: Flask) -> None:
    """Compile the owners' templates and load each language's translations and locale data now,
    once: under gunicorn (which loads this module before it forks its workers) the workers then
    share them instead of each loading a copy of its own on first use."""
    for name in app.jinja_env.list_templates():
        if name.startswith(SHARED_TEMPLATES):
            app.jinja_env.get_template(name)
    with app.test_request_context():
        for language in app.config["LANGUAGES"]:
            with force_locale(language):
                get_translations()
                format_date(date.today(), "long")
                format_decimal(1.5)


app = create_app()
load_shared(app)

# What start-up created lives as long as the process: spare the garbage collector from walking
# it again and again (full collections otherwise add ~100 ms pauses to chart drawing), and the
# workers gunicorn forks from copying the memory it would touch.
gc.collect()
gc.freeze()
