"""Languages: German by default, English on request; the choice is kept in the session."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel import support
from babel.lists import format_list
from flask import Flask, current_app, g, session
from flask_babel import force_locale, get_locale, get_translations
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from .extensions import babel
from .questionnaire import Text


def select_locale() -> str:
    """The language chosen in this session, else the default (German)."""
    chosen = session.get("language")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """The language code of the current request, such as de or en.

    It is looked up once per request, as Flask-Babel does with the locale: pages call it for
    every questionnaire text they show.
    """
    language = g.get("language")
    if language is None:
        locale = get_locale()
        language = (
            locale.language if locale is not None else current_app.config["BABEL_DEFAULT_LOCALE"]
        )
        g.language = language
    return language


def translations() -> support.Translations:
    """The current request's translations, looked up once per request like its language.

    Templates translate a few hundred texts a page; Flask-Babel would find the domain, the
    locale and the translations anew for each of them.
    """
    found = g.get("translations")
    if found is None:
        found = g.translations = get_translations()
    return found


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Translate and show questionnaire texts in this language for a while (an e-mail to
    someone whose language is not the request's), then in the request's again."""
    previous = {name: g.pop(name, None) for name in ("language", "translations")}
    g.language = language
    try:
        with force_locale(language):
            yield
    finally:
        for name, value in previous.items():
            g.pop(name, None)
            if value is not None:
                setattr(g, name, value)


def spoken_list(items: Iterable[str]) -> str:
    """Words joined as the current language joins a list ("A, B und C")."""
    return format_list(list(items), locale=str(get_locale() or "de"))


def local_today() -> date:
    """Today in the centre's time zone (BABEL_DEFAULT_TIMEZONE)."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def local_date(moment: datetime) -> date:
    """The day of a stored time (UTC; naive as SQLite returns it) in the centre's time zone."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def init_app(app: Flask) -> None:
    """Bind Flask-Babel to the app, with translations in assessment/translations."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(  # as Flask-Babel's, with the request's translations
        gettext=lambda text: translations().ugettext(text),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        pgettext=lambda context, text: translations().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: translations().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
    # `_()` straight to the translations: the extension's `_` reaches them through two more calls
    # (an alias and a wrapper), which cost more than the lookup on a page of a few hundred texts.
    app.jinja_env.globals["_"] = _translated
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.filters["t"] = localize


@pass_eval_context
def _translated(context: EvalContext, text: str, **variables: Any) -> str:
    """A template's ``_(text, **variables)``: translated, then formatted as Jinja's new-style
    gettext does (always, and with the variables escaped where the template escapes)."""
    found = translations().ugettext(text)
    if context.autoescape:
        # A message of our own catalogue, safe as Jinja's new-style gettext takes it; the
        # variables are escaped as they are formatted into it (bandit B704).
        found = Markup(found)  # nosec B704
    return found % variables


def localize(text: Text | None) -> str:
    """A questionnaire text in the current language (or its default language)."""
    return text.get(current_language()) if text is not None else ""
