"""Administrators' pages: the accounts (deactivate, reactivate) and the audit of logins.

Only advisors with `is_admin` (`flask advisor create --admin`) open them; others get 403.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.wrappers import Response as BaseResponse

from ..extensions import db
from ..logs import log_event
from .accounts import AccountError, deactivate_advisor, reactivate_advisor
from .models import Advisor, LoginAttempt

log = logging.getLogger("assessment.advisor.admin")
#: Login records shown per page of the audit.
LOGINS_PER_PAGE = 50


def require_admin() -> None:
    """403 unless the advisor is an administrator."""
    if not current_user.is_admin:
        abort(403, _("Only administrators may open this page."))


def accounts() -> str:
    """Every account, with its role, state and last login."""
    require_admin()
    last_login = (
        select(LoginAttempt.email, func.max(LoginAttempt.at).label("at"))
        .where(LoginAttempt.outcome == "ok")
        .group_by(LoginAttempt.email)
        .subquery()
    )
    rows = db.session.execute(
        select(Advisor, last_login.c.at)
        .outerjoin(last_login, last_login.c.email == Advisor.email)
        .order_by(Advisor.active.desc(), func.lower(Advisor.name), Advisor.id)
    ).all()
    return render_template("advisor/accounts.html", rows=rows, form=FlaskForm())


def _change(advisor_id: int, change: str) -> BaseResponse:
    """Deactivate or reactivate an account from the accounts page."""
    require_admin()
    if not FlaskForm().validate_on_submit():
        abort(400)
    advisor = db.session.get(Advisor, advisor_id)
    if advisor is None:
        abort(404, _("There is no such account."))
    try:
        if change == "deactivate":
            if advisor.id == current_user.id:
                raise AccountError(_("You cannot deactivate your own account."))
            deactivate_advisor(advisor.email)
            flash(_("%(name)s can no longer log in.", name=advisor.name), "success")
        else:
            reactivate_advisor(advisor.email)
            flash(_("%(name)s can log in again.", name=advisor.name), "success")
    except AccountError as error:
        flash(str(error), "error")
        return redirect(url_for(".accounts"))
    log_event(log, logging.INFO, change, account=advisor.email, by=current_user.email)
    return redirect(url_for(".accounts"))


def deactivate(advisor_id: int) -> BaseResponse:
    """Deactivate an account: it cannot log in, and its sessions end at once."""
    return _change(advisor_id, "deactivate")


def reactivate(advisor_id: int) -> BaseResponse:
    """Let a deactivated account log in again."""
    return _change(advisor_id, "reactivate")


def logins() -> Any:
    """The audit of logins: every attempt, newest first, a page at a time."""
    require_admin()
    total = db.session.scalar(select(func.count(LoginAttempt.id))) or 0
    pages = max(1, -(-total // LOGINS_PER_PAGE))
    raw = request.args.get("page", "1")
    number = int(raw) if raw.isdigit() and 1 <= int(raw) <= pages else None
    if number is None:
        abort(404, _("This page of the list does not exist."))
    attempts = db.session.scalars(
        select(LoginAttempt)
        .order_by(LoginAttempt.at.desc(), LoginAttempt.id.desc())
        .offset((number - 1) * LOGINS_PER_PAGE)
        .limit(LOGINS_PER_PAGE)
    ).all()
    return render_template(
        "advisor/logins.html", attempts=attempts, number=number, pages=pages, total=total
    )
