"""The team check's pages: the coordinator's page of the round, joining by the team link, and
the page a colleague sees after finishing."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm

from ..i18n import current_language
from ..kernel import assessments
from ..kernel.models import Assessment
from ..mail.limits import TooManyMessages
from ..questionnaire.pages import steps
from ..security import external_url
from . import operations
from .forms import InviteForm, JoinForm
from .models import TeamRound, roles_of

#: Where a browser remembers the personal links of the rounds it joined (its own links only).
JOINED = "team_joined"


def _coordinator(token: str) -> Assessment:
    """The coordinator's check that a resume token opens; 404 for any other."""
    found = assessments.find_assessment(token)
    if found is None:
        abort(404, _("This link does not open an assessment. It may have been deleted."))
    if found.is_respondent:
        abort(403, _("Only the person who started the check can open it to colleagues."))
    return found


def team(token: str) -> Any:
    """The coordinator's page of the round: open it, the link, its progress; renew or revoke
    the link; invite colleagues by e-mail."""
    coordinator = _coordinator(token)
    form = FlaskForm()
    invite_form = InviteForm(prefix="invite")
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        action = request.form.get("action", "")
        if coordinator.submitted:
            flash(_("The check has been submitted; the team round is closed."), "info")
        elif action == "open":
            operations.open_round(coordinator)
            flash(_("The team link is ready. Send it to your colleagues."), "success")
        elif action in ("revoke", "invite"):
            found = operations.round_of(coordinator)
            if found is None or not found.link_works:
                abort(400, _("Make a new team link first."))
            if action == "revoke":
                operations.revoke_link(found)
                flash(
                    _("The team link no longer works. Colleagues who joined keep their own links."),
                    "success",
                )
            else:
                status = _invite(found, invite_form)
        else:
            abort(400, _("The form was sent with an unknown button."))
        if status == 200:
            return redirect(url_for(".team", token=token))
    found = operations.round_of(coordinator)
    html = render_template(
        "team/round.html",
        coordinator=coordinator,
        round=found,
        members=operations.progress(found) if found else [],
        role_names=roles_of(assessments.questionnaire_of(coordinator)),
        link=external_url(".join", token=found.link_token) if found else None,
        form=form,
        invite_form=invite_form,
        token=token,
    )
    return html, status


def _invite(found: TeamRound, form: InviteForm) -> int:
    """Send the invitations of the form: 200 when queued, else 400 or 429 with the message at
    the field (and nothing sent)."""
    if not form.validate():
        return 400
    addresses = form.chosen()
    try:
        operations.invite(found, addresses, current_language())
    except operations.BadAddress as error:
        form.addresses.errors.append(
            _(
                "%(address)s is not an e-mail address such as name@example.org; nothing was sent.",
                address=error.address,
            )
        )
        return 400
    except TooManyMessages:
        form.addresses.errors.append(
            _("Too many invitations in the last hour; nothing was sent. Please try again later.")
        )
        return 429
    flash(
        ngettext(
            "The invitation is on its way to %(num)d colleague.",
            "The invitations are on their way to %(num)d colleagues.",
            len(addresses),
        ),
        "success",
    )
    return 200


def _usable(token: str) -> TeamRound:
    """The round whose link this is, if it still works; a friendly page otherwise."""
    found = operations.find_round(token)
    if found is None or found.revoked_at is not None:
        abort(
            404,
            _(
                "This team link does not work. It may be mistyped or revoked; ask the colleague "
                "who sent it for a new one."
            ),
        )
    if found.closed_at is not None:
        abort(404, _("This team check has been closed; answers can no longer be added."))
    if not found.link_works:
        abort(404, _("This team link has expired; ask the colleague who sent it for a new one."))
    return found


def join(token: str) -> Any:
    """A colleague's first page: what a team check is, the role, and joining."""
    found = _usable(token)
    joined = session.get(JOINED, {})
    known = joined.get(str(found.id))
    if known and assessments.find_assessment(known) is not None:
        flash(_("You have joined this team check already; here are your answers."), "info")
        return redirect(url_for("survey.resume", token=known))
    questionnaire = assessments.questionnaire_of(found.assessment)
    form = JoinForm()
    form.fill_choices(roles_of(questionnaire))
    if request.method == "POST":
        if form.validate_on_submit():
            colleague, personal = operations.join(
                found, form.role.data, bool(form.consent_role.data), current_language()
            )
            session[JOINED] = {**joined, str(found.id): personal}
            flash(
                _("Welcome to the team check. Keep your personal link to continue later."), "info"
            )
            return redirect(url_for("survey.step", token=personal, number=first_step(colleague)))
        status = 400
    else:
        status = 200
    html = render_template(
        "team/join.html", form=form, questionnaire=questionnaire, coordinator=found.assessment
    )
    return html, status


def first_step(assessment: Assessment) -> int:
    """A colleague's first page: the first after the company profile."""
    pages = steps(assessments.questionnaire_of(assessment))
    return next((page.number for page in pages if not page.is_profile), 0)


def finished(token: str) -> Any:
    """What a colleague sees after finishing: thanks, and what happens to the answers."""
    found = assessments.find_assessment(token)
    if found is None or not found.is_respondent:
        abort(404, _("This link does not open an assessment. It may have been deleted."))
    if not found.submitted:
        return redirect(url_for("survey.resume", token=token))
    return render_template("team/finished.html", token=token, assessment=found)
