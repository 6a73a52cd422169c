"""The owner's consultation request, from the report."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..i18n import current_language
from ..kernel import assessments
from ..kernel.models import Assessment
from ..mail.compose import AddressError
from ..mail.limits import TooManyMessages
from .forms import ConsultationForm
from .operations import Wish, open_request, request_consultation


def _submitted(token: str) -> Assessment:
    """The submitted check the token opens, else 404."""
    assessment = assessments.find_assessment(token)
    if assessment is None:
        abort(404, _("This link does not open an assessment. It may have been deleted."))
    if not assessment.submitted:
        abort(404, _("The report is available once the answers are submitted."))
    return assessment


def consultation(token: str) -> Any:
    """Ask for a consultation: how and when, a message, and the consent it needs."""
    assessment = _submitted(token)
    pending = open_request(assessment)
    if pending is not None:
        return render_template(
            "consultation/received.html", assessment=assessment, consultation=pending, token=token
        )
    if request.method == "GET":
        form = ConsultationForm(formdata=None, data={"email": assessment.contact_email})
        return _render(assessment, form, token)
    form = ConsultationForm()
    valid = form.validate()
    share = bool(form.consent_advisors.data)
    if not assessment.consent_advisors and not share:
        form.consent_advisors.errors = [
            _("To talk about your result, our advisors need to see it. Please agree to that.")
        ]
        valid = False
    if not valid:
        return _render(assessment, form, token), 400
    wish = Wish(
        way=form.way.data,
        preferred_time=(form.preferred_time.data or "").strip() or None,
        message=(form.message.data or "").strip() or None,
        email=form.email.data.strip(),
        phone=(form.phone.data or "").strip() or None,
    )
    try:
        request_consultation(assessment, wish, current_language(), share=share)
    except AddressError:
        form.email.errors.append(_("Please enter an e-mail address such as name@example.org."))
        return _render(assessment, form, token), 400
    except TooManyMessages:
        form.email.errors.append(
            _("We have received several requests within the hour. Please try again later.")
        )
        return _render(assessment, form, token), 429
    return redirect(url_for(".consultation", token=token))


def _render(assessment: Assessment, form: ConsultationForm, token: str) -> str:
    order = ("way", "phone", "email", "preferred_time", "message", "consent_advisors")
    summary = [
        (form[name].id if name != "way" else f"{form.way.id}-0", str(form[name].label.text), error)
        for name in order
        for error in form[name].errors
    ]
    return render_template(
        "consultation/request.html", assessment=assessment, form=form, token=token, summary=summary
    )
