"""The advisor's own settings: which e-mails to get, in the language of the page."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..i18n import current_language
from .forms import NotificationForm


def settings() -> Any:
    """Choose the e-mails: one per new consultation request, a daily digest of shared checks."""
    form = NotificationForm(
        data={
            "notify_requests": current_user.notify_requests,
            "daily_digest": current_user.daily_digest,
        }
    )
    if form.validate_on_submit():
        current_user.notify_requests = form.notify_requests.data
        current_user.daily_digest = form.daily_digest.data
        current_user.language = current_language()
        db.session.commit()
        flash(_("Your choice is saved. E-mails come in the language of this page."), "success")
        return redirect(url_for(".settings"))
    return render_template("advisor/settings.html", form=form)
