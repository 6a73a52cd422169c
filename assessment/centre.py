"""The centre that runs the check: its name and logo on every page, and its legal pages.

Impressum, privacy notice and accessibility statement come from `centre.yaml`, in Markdown
that was checked when the app started and is rendered with any HTML escaped.
"""

from __future__ import annotations

import mimetypes

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    has_request_context,
    render_template,
    request,
)
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from .catalogue import current_centre
from .i18n import current_language, localize
from .kernel.peers import MIN_GROUP
from .questionnaire import Text
from .questionnaire.markdown import render_markdown

bp = Blueprint("centre", __name__)

#: The legal pages (the endpoint of each is its path): the centre file's text, and the title.
LEGAL_PAGES = {
    "impressum": ("impressum", _l("Legal notice (Impressum)")),
    "datenschutz": ("privacy_notice", _l("Privacy notice")),
    "barrierefreiheit": ("accessibility_statement", _l("Accessibility statement")),
}


def markdown(text: Text) -> Markup:
    """A Markdown text of the centre file as HTML, in the current language."""
    html = render_markdown(localize(text))
    # render_markdown escapes any HTML in the text and keeps only safe links (bandit B704).
    return Markup(html)  # nosec B704


def _legal_page(page: str) -> str:
    """One legal page: the centre's facts it needs, and its Markdown text."""
    key, title = LEGAL_PAGES[page]
    centre = current_centre()
    return render_template(
        "centre/legal.html",
        page=page,
        title=title,
        text=markdown(getattr(centre, key)),
    )


@bp.get("/impressum")
def impressum() -> str:
    """The legal notice (Impressum, § 5 DDG)."""
    return _legal_page("impressum")


@bp.get("/datenschutz")
def datenschutz() -> str:
    """The privacy notice (Art. 13 GDPR)."""
    return _legal_page("datenschutz")


@bp.get("/barrierefreiheit")
def barrierefreiheit() -> str:
    """The accessibility statement with its feedback contact (BITV 2.0, BITNRW)."""
    return _legal_page("barrierefreiheit")


@bp.get("/centre/logo")
def logo() -> Response:
    """The centre's logo (an SVG or PNG file checked at start-up)."""
    catalogue = current_app.extensions["catalogue"]
    name = catalogue.centre.logo
    if name is None:
        abort(404)
    path = catalogue.folder / name
    response = Response(path.read_bytes(), mimetype=mimetypes.guess_type(name)[0])
    response.add_etag()
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response.make_conditional(request)


def site_fragment(name: str) -> Markup:
    """A part of every page that is the same on each, the brand or the footer
    (``templates/centre/_<name>.html``): rendered once per language and application root, as a
    page has a few dozen links and texts in them."""
    found: dict[tuple[str, str, str], Markup] = current_app.extensions.setdefault(
        "site_fragments", {}
    )
    root = request.script_root if has_request_context() else ""
    key = (name, current_language(), root)
    html = found.get(key)
    if html is None:
        # our own autoescaping template, rendered from the centre's checked facts (bandit B704)
        html = found[key] = Markup(render_template(f"centre/_{name}.html"))  # nosec B704
    return html


def init_app(app: Flask) -> None:
    """Register the legal pages, and give every template the centre and its fragments."""
    app.register_blueprint(bp)
    app.jinja_env.globals["current_centre"] = current_centre
    app.jinja_env.globals["site_fragment"] = site_fragment
    app.jinja_env.globals["LEGAL_PAGES"] = LEGAL_PAGES
    app.jinja_env.globals["benchmark_min_firms"] = benchmark_min_firms


def benchmark_min_firms() -> int:
    """The fewest firms a comparison group has: five, or more where the centre asks for it."""
    return max(MIN_GROUP, current_app.config.get("BENCHMARK_MIN_FIRMS", MIN_GROUP))
