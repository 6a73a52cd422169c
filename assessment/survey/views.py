"""The respondent's pages: start, steps, saved, review, report, export and delete."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse

from .. import ratelimit
from ..catalogue import questionnaires
from ..i18n import current_language, localize
from ..kernel import assessments, consents
from ..kernel.models import CONSENTS, Assessment
from ..mail.asking import answer_send_form, email_summary
from ..questionnaire import Questionnaire
from ..questionnaire.pages import (
    PageQuestion,
    Step,
    StepState,
    first_open_step,
    page_questions,
    review_rows,
    step_states,
    steps,
)
from ..security import external_url
from ..textfields import REMOVED_MESSAGE
from . import operations
from .fields import initial_answers
from .forms import PROFILE_FIELDS, ConsentFields, SendLinkForm, build_step_form, read_page

ACTIONS = ("next", "back", "save", "review")
#: The actions that need every required answer of the page.
COMPLETING = ("next", "review")


def start() -> BaseResponse:
    """Start a new assessment of the chosen questionnaire."""
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    questionnaire = questionnaires().get(request.form.get("questionnaire", ""))
    if questionnaire is None:
        abort(400, _("Please choose one of the questionnaires offered."))
    config = current_app.config
    if not ratelimit.take(
        "start", config["START_LIMIT_PER_ADDRESS"], config["START_WINDOW_MINUTES"]
    ):
        abort(
            429,
            _(
                "Many checks have been started from your network in the last %(minutes)s "
                "minutes. Please try again later, or continue a check with its personal link.",
                minutes=config["START_WINDOW_MINUTES"],
            ),
        )
    _assessment, token = operations.start_assessment(questionnaire, current_language())
    return redirect(url_for(".step", token=token, number=0))


PROFILE_IS_THE_COORDINATORS = _l(
    "In a team check, the company profile belongs to the person who started the check; you "
    "answer the topics."
)
ROUND_CLOSED = _l(
    "The team check has been closed: your colleague has submitted it, so answers can no longer "
    "be changed. Nothing of this page was saved."
)


def _after_submitting(assessment: Assessment, token: str) -> str:
    """Where a submitted check leads: its report; a colleague's answers to a thank-you page."""
    if assessment.is_respondent:
        return url_for("team.finished", token=token)
    return url_for("report.report", token=token)


def _load(token: str) -> tuple[Assessment, Questionnaire]:
    assessment = assessments.find_assessment(token)
    if assessment is None:
        abort(404, _("This link does not open an assessment. It may have been deleted."))
    return assessment, assessments.questionnaire_of(assessment)


def resume(token: str) -> BaseResponse:
    """Continue where the owner stopped: the first unanswered page, or the review or report."""
    assessment, questionnaire = _load(token)
    if assessment.submitted:
        return redirect(_after_submitting(assessment, token))
    answers = assessments.stored_answers(assessment)
    number = first_open_step(questionnaire, answers, assessment.profile_saved_at is not None)
    if number is None:
        return redirect(url_for(".review", token=token))
    return redirect(url_for(".step", token=token, number=number))


def step(token: str, number: int) -> Any:
    """One page of the questionnaire: show it, or save it and move on."""
    assessment, questionnaire = _load(token)
    if assessment.submitted:
        flash(
            _("This assessment has been submitted; its answers can no longer be changed."), "info"
        )
        return redirect(_after_submitting(assessment, token))
    pages = steps(questionnaire)
    if not 0 <= number < len(pages):
        abort(404, _("This step does not exist."))
    current = pages[number]
    if current.is_profile and assessment.is_respondent:
        abort(403, PROFILE_IS_THE_COORDINATORS)
    stored = assessments.stored_answers(assessment)
    page = page_questions(current, questionnaire, stored)
    form_class = build_step_form(page, profile=current.is_profile)
    if request.method == "GET":
        data = initial_answers([shown.question for shown in page], stored)
        data.update({name: getattr(assessment, name) for name in PROFILE_FIELDS})
        form = form_class(formdata=None, data=data)
        return _render_step(assessment, questionnaire, current, page, form, {}, token, stored)
    action = request.form.get("action", "next")
    jump = _jump_target(request.form.get("goto"), questionnaire, assessment, stored, number)
    if jump is not None:
        action = "goto"
    elif action not in ACTIONS:
        abort(400, _("The form was sent with an unknown button."))
    form = form_class()
    form.validate()
    result = read_page(form, page, questionnaire, stored, require=action in COMPLETING)
    if result.errors:
        return _render_step(
            assessment, questionnaire, current, page, form, result.errors, token, stored
        ), 400
    profile = (
        {name: _profile_value(form, name) for name in PROFILE_FIELDS}
        if current.is_profile
        else None
    )
    first_save = current.is_profile and assessment.profile_saved_at is None
    try:
        operations.save_page(
            assessment,
            questionnaire,
            result.answers,
            language=current_language(),
            profile=profile,
            visible=result.visible,
            stored=stored,
        )
    except operations.RoundClosed:
        abort(409, ROUND_CLOSED)
    except operations.AssessmentSubmitted:
        flash(
            _("This assessment has been submitted; its answers can no longer be changed."), "info"
        )
        return redirect(_after_submitting(assessment, token))
    if result.cleaned:
        flash(str(REMOVED_MESSAGE), "info")
    if action == "save":
        return redirect(url_for(".saved", token=token))
    if action == "review":
        return redirect(url_for(".review", token=token))
    if jump is not None:
        return redirect(url_for(".step", token=token, number=jump))
    if first_save:
        flash("resume", "resume-link")
    target = number + 1 if action == "next" else max(number - 1, 0)
    if target >= len(pages):
        return redirect(url_for(".review", token=token))
    return redirect(url_for(".step", token=token, number=target))


def _profile_value(form: FlaskForm, name: str) -> Any:
    """A fixed profile field's value: text (None when empty or not sent) or a consent."""
    field = form[name]
    if field.type == "BooleanField":
        return bool(field.data)
    return field.data.strip() or None if isinstance(field.data, str) else None


def _jump_target(
    value: str | None,
    questionnaire: Questionnaire,
    assessment: Assessment,
    stored: dict[str, Any],
    current: int,
) -> int | None:
    """The step a button of the list of steps leads to (after saving this page), if any; a
    step not yet reached is refused."""
    if value is None:
        return None
    states = _step_states(questionnaire, assessment, stored, current)
    if not value.isdecimal() or not 0 <= int(value) < len(states):
        abort(400, _("The form was sent with an unknown button."))
    if not states[int(value)].reachable:
        abort(400, _("Please answer the steps in order; this step is not reached yet."))
    return int(value)


def _step_states(
    questionnaire: Questionnaire, assessment: Assessment, stored: dict[str, Any], current: int
) -> list[StepState]:
    profile_saved = assessment.profile_saved_at is not None
    return step_states(questionnaire, stored, profile_saved, current)


def _render_step(
    assessment: Assessment,
    questionnaire: Questionnaire,
    current: Step,
    page: list[PageQuestion],
    form: FlaskForm,
    errors: dict[str, list[str]],
    token: str,
    stored: dict[str, Any],
) -> str:
    return render_template(
        "survey/step.html",
        assessment=assessment,
        questionnaire=questionnaire,
        step=current,
        total=len(questionnaire.dimensions) + 1,
        page=page,
        form=form,
        errors=errors,
        summary=_error_summary(errors, page, form),
        token=token,
        from_review=request.args.get("from") == "review",
        states=_step_states(questionnaire, assessment, stored, current.number),
        resume_url=external_url("survey.resume", token=token),
    )


def _error_summary(
    errors: dict[str, list[str]], page: list[PageQuestion], form: FlaskForm
) -> list[tuple[str, str, str]]:
    """(anchor, what, message) for every error, in the order of the page."""
    questions = {shown.question.id: shown.question for shown in page}
    order = ["company_name", "contact_email", *questions, *PROFILE_FIELDS[2:]]
    summary = []
    for key in order:
        for message in errors.get(key, ()):
            if key in questions:
                summary.append((input_id(key), localize(questions[key].text), message))
            else:
                summary.append((form[key].id, str(form[key].label.text), message))
    return summary


#: The consents by name, in words, for the history of changes.
CONSENT_NAMES = {
    "benchmark": _l("Comparison with other companies"),
    "advisors": _l("Sharing with the centre's advisors"),
    "partners": _l("Introduction to network partners"),
}


def consent(token: str) -> Any:
    """The owner's consents: shown, and changed at any time, also after submitting."""
    assessment, questionnaire = _load(token)
    if assessment.is_respondent:
        abort(403, _("In a team check, the person who started it decides what the company shares."))
    if request.method == "POST":
        form = ConsentFields()
        if not form.validate_on_submit():
            abort(400)
        operations.change_consents(assessment, form.chosen())
        flash(_("Your choices are saved."), "success")
        return redirect(url_for(".consent", token=token))
    form = ConsentFields(
        formdata=None,
        data={f"consent_{name}": getattr(assessment, f"consent_{name}") for name in CONSENTS},
    )
    return render_template(
        "survey/consent.html",
        questionnaire=questionnaire,
        form=form,
        token=token,
        history=consents.consent_history(assessment),
        consent_names=CONSENT_NAMES,
    )


def saved(token: str) -> str:
    """After "save and continue later": the resume link to keep."""
    assessment, questionnaire = _load(token)
    return render_template(
        "survey/saved.html",
        assessment=assessment,
        questionnaire=questionnaire,
        token=token,
        resume_url=external_url("survey.resume", token=token),
    )


def review(token: str) -> Any:
    """Every answer with a link to change it; submit."""
    assessment, questionnaire = _load(token)
    if assessment.submitted:
        return redirect(_after_submitting(assessment, token))
    answers = assessments.stored_answers(assessment)
    rows = review_rows(questionnaire, answers)
    if assessment.is_respondent:
        rows = [row for row in rows if not row["step"].is_profile]
    missing = [(row["step"], q) for row in rows for q, _answer, gap in row["questions"] if gap]
    form = FlaskForm()
    if request.method == "POST":
        if request.form.get("action") != "submit":
            abort(400, _("The form was sent with an unknown button."))
        if form.validate_on_submit() and not missing and assessment.profile_saved_at is not None:
            try:
                operations.submit(assessment, questionnaire, answers)
            except operations.RoundClosed:
                abort(409, ROUND_CLOSED)
            return redirect(_after_submitting(assessment, token))
        status = 400
    else:
        status = 200
    page = render_template(
        "survey/review.html",
        assessment=assessment,
        questionnaire=questionnaire,
        rows=rows,
        missing=missing,
        submitted_too_early=status == 400,
        form=form,
        token=token,
    )
    return page, status


def export(token: str) -> Response:
    """Everything stored about the assessment, as a JSON download."""
    assessment, questionnaire = _load(token)
    data = operations.export(assessment, questionnaire)
    body = json.dumps(data, indent=2, ensure_ascii=False)
    name = f"digital-check-{assessment.created_at:%Y-%m-%d}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def delete(token: str) -> Any:
    """Ask for confirmation, then delete the assessment and all its answers."""
    assessment, questionnaire = _load(token)
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        operations.delete_assessment(assessment)
        return render_template("survey/deleted.html")
    return render_template(
        "survey/delete.html",
        assessment=assessment,
        questionnaire=questionnaire,
        form=form,
        token=token,
    )


def repeat(token: str) -> BaseResponse:
    """Start the check again, linked to this one; the profile is carried over."""
    earlier = assessments.find_assessment(token)
    if earlier is None:
        abort(404, _("This link does not open an assessment. It may have been deleted."))
    if not FlaskForm().validate_on_submit() or not earlier.submitted:
        abort(400)
    _assessment, new_token = operations.repeat_assessment(earlier, current_language())
    return redirect(url_for(".step", token=new_token, number=0))


def input_id(question_id: str, index: int = 0) -> str:
    """The id of a question's input: the first is q-ID (error summaries link to it)."""
    return f"q-{question_id}" if index == 0 else f"q-{question_id}-{index}"


def send_link(token: str) -> Any:
    """Send the personal link by e-mail, to the address of the profile or one typed here."""
    assessment, questionnaire = _load(token)

    def render(form: FlaskForm) -> str:
        return render_template(
            "survey/send_link.html",
            assessment=assessment,
            form=form,
            token=token,
            summary=email_summary(form),
        )

    if request.method == "GET":
        back = request.args.get("back")
        return render(
            SendLinkForm(formdata=None, data={"email": assessment.contact_email, "back": back})
        )
    form = SendLinkForm()
    return answer_send_form(
        form,
        lambda address: operations.send_resume_link(
            assessment, questionnaire, token, address, current_language()
        ),
        render,
        sent=lambda address: _(
            "The link is on its way to %(address)s. If it has not arrived within a few minutes, "
            "please look in your spam folder.",
            address=address,
        ),
        too_many=_(
            "The link has been sent as often as we allow within an hour. Please look in your "
            "inbox and spam folder, or try again later."
        ),
        then=_back_target(form.back.data, token, questionnaire),
    )


def _back_target(back: str | None, token: str, questionnaire: Questionnaire) -> str:
    """Where the owner came from: the saved page or a step (anything else: the check)."""
    if back == "saved":
        return url_for(".saved", token=token)
    number = (back or "").removeprefix("step-")
    if number.isdigit() and int(number) < len(steps(questionnaire)):
        return url_for(".step", token=token, number=int(number))
    return url_for(".resume", token=token)


def invitation(token: str) -> Any:
    """An invitation to repeat a check: a page with one button (so that a mail program that
    follows links starts nothing); the button starts the repeat check, once."""
    found = operations.find_invitation(token)
    if found is None:
        abort(404, _("This link does not open a page. It may be mistyped or no longer valid."))
    if request.method == "POST" and found.used_at is None:
        if not FlaskForm().validate_on_submit():
            abort(400)
        _assessment, new_token = operations.accept_invitation(found, current_language())
        flash(_("Your repeat check has started; your company profile is filled in."), "info")
        return redirect(url_for(".step", token=new_token, number=0))
    questionnaire = assessments.questionnaire_of(found.assessment)
    return render_template(
        "survey/invitation.html",
        invitation=found,
        questionnaire=questionnaire,
        form=FlaskForm(),
    )
