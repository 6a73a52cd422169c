"""Advisor pages: login, logout and the dashboard of shared assessments."""

from __future__ import annotations

from typing import Any

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response as BaseResponse

from ..security import local_path
from . import accounts
from .access import SESSION_TOKEN
from .forms import FilterForm, LoginForm, filter_args
from .listing import list_page
from .throttle import DEVICE_COOKIE, DEVICE_DAYS, new_device_cookie

#: Kept over the new session that a login starts.
KEPT_AT_LOGIN = ("language",)


def client_address() -> str:
    """The address the request came from."""
    return request.remote_addr or "unknown"


def _safe_next(target: str | None) -> str:
    """Where to go after login: only a path within the advisor pages."""
    return local_path(target, within="/advisor/") or url_for("advisor.dashboard")


def _fresh_session() -> None:
    """Empty the session but for the language."""
    kept = {key: session[key] for key in KEPT_AT_LOGIN if key in session}
    session.clear()
    session.update(kept)


def login() -> Any:
    """Log in with e-mail address and password."""
    if current_user.is_authenticated:
        return redirect(url_for("advisor.dashboard"))
    form = LoginForm()
    failed, wait = False, 0
    if form.validate_on_submit():
        device = request.cookies.get(DEVICE_COOKIE)
        result = accounts.authenticate(
            form.email.data, form.password.data, client_address(), device
        )
        if result.advisor is not None:
            _fresh_session()  # nothing from before the login carries over
            session[SESSION_TOKEN] = accounts.start_session(result.advisor)
            login_user(result.advisor)
            response = redirect(_safe_next(request.args.get("next")))
            _trust_this_browser(response, result.advisor.email)
            return response
        failed, wait = True, result.wait
    status = 400 if request.method == "POST" else 200
    page = render_template("advisor/login.html", form=form, failed=failed, wait=wait)
    return page, status


def _trust_this_browser(response: BaseResponse, email: str) -> None:
    """Give the browser a device cookie: its later failed logins are counted on their own."""
    response.set_cookie(
        DEVICE_COOKIE,
        new_device_cookie(email),
        max_age=DEVICE_DAYS * 86400,
        path="/advisor/",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def logout() -> BaseResponse:
    """Log out: the session ends on the server too."""
    email = current_user.email if current_user.is_authenticated else ""
    accounts.end_session(session.get(SESSION_TOKEN), email=email, address=client_address())
    logout_user()
    _fresh_session()
    flash(_("You have logged out."), "success")
    return redirect(url_for("advisor.login"))


def dashboard() -> Any:
    """The shared assessments: search, filters, sorting, pages and counts."""
    form = FilterForm(request.args)
    form.fill_choices()
    valid = form.validate()
    filters = form.filters()
    page = list_page(filters, current_user.id, form.sort_key, form.page_number)
    html = render_template(
        "advisor/dashboard.html", form=form, page=page, valid=valid, today=filters.today
    )
    return html, 200 if valid else 400


def page_link(number: int) -> str:
    """The dashboard's URL with the same filters on another page."""
    args = filter_args(request.args)
    args["page"] = str(number)
    return url_for("advisor.dashboard", **args)


def filter_link(endpoint: str) -> str:
    """A link to another page of the list (an export, the statistics) with the same filters."""
    return url_for(endpoint, **filter_args(request.args, leave_out=("page",)))


def filter_fields() -> dict[str, str]:
    """The list's filters and sort, for the hidden fields of a form that keeps them."""
    return filter_args(request.args, leave_out=("page", "format"))
