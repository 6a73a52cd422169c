"""An assessment for advisors: report, answers, profile, history; review, notes, action items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse

from ..consultation.models import status_label
from ..extensions import db
from ..i18n import local_today, localize
from ..kernel import assessments
from ..kernel.models import Assessment, as_utc
from ..questionnaire.pages import review_rows
from ..referrals.models import STATES, Referral, state_label
from ..report.content import build_report
from ..report.rendering import chart_response, keyed_inputs, pdf_response, render_body, trusted
from ..textfields import REMOVED_MESSAGE
from . import introductions, workflow
from .forms import (
    ACTION_STATUS_LABELS,
    OWNER_LABELS,
    ActionForm,
    ActionStatusForm,
    AssignForm,
    IntroductionForm,
    NoteForm,
    ReferralAnswerForm,
    ShareActionsForm,
    StatusForm,
    status_name,
)
from .labels import MISSING
from .listing import shared_assessment
from .models import Advisor, AuditEvent


def shared_or_404(assessment_id: int) -> Assessment:
    """The assessment if the company shared it with advisors; 404 for any other id."""
    assessment = shared_assessment(assessment_id)
    if assessment is None:
        abort(404, _("There is no shared assessment with this number."))
    return assessment


def _forms(assessment: Assessment) -> dict[str, FlaskForm]:
    """The page's forms, filled with the assessment's current state."""
    status = StatusForm(prefix="review", status=assessment.review_status)
    status.fill_choices()
    assign = AssignForm(prefix="assign", advisor=str(assessment.assigned_advisor_id or ""))
    _fill_advisors(assign, assessment)
    return {
        "status_form": status,
        "assign_form": assign,
        "note_form": NoteForm(prefix="note"),
        "action_form": ActionForm(prefix="action"),
        "action_forms": {},
        "progress_form": ActionStatusForm(prefix="progress"),
        "share_form": ShareActionsForm(prefix="share", include=assessment.actions_in_report),
        "delete_form": FlaskForm(prefix="remove"),
        "consultation_form": FlaskForm(prefix="consultation"),
        "introduction_form": IntroductionForm(prefix="introduction"),
        "referral_form": ReferralAnswerForm(prefix="referral"),
    }


def _fill_advisors(form: AssignForm, assessment: Assessment) -> None:
    """Active advisors, and the current assignee even if deactivated (so that it stays shown)."""
    choices = [(str(a.id), a.name) for a in workflow.active_advisors()]
    current = workflow.assigned_advisor(assessment)
    if current is not None and not current.active:
        choices.append((str(current.id), _("%(name)s (deactivated)", name=current.name)))
    form.advisor.choices = [("", _("Nobody")), *choices]


def assessment_page(assessment: Assessment, status: int = 200, **forms: FlaskForm) -> Any:
    """The assessment's page; forms with errors replace the fresh ones, keeping what was typed."""
    questionnaire = assessments.questionnaire_of(assessment)
    inputs, _key = keyed_inputs(assessment)
    report = build_report(inputs)
    sent = introductions.referrals_of(assessment)
    body = render_body(
        report,
        lambda kind, version: url_for(
            "advisor.chart", assessment_id=assessment.id, kind=kind, v=version
        ),
    )
    earlier, later = workflow.earlier_and_later(assessment)
    forms = {**_forms(assessment), **forms}
    text = forms["introduction_form"].introduction  # type: ignore[attr-defined]
    if not text.data:
        text.data = introductions.default_introduction(
            assessment, questionnaire, report, current_user
        )
    html = render_template(
        "advisor/assessment.html",
        assessment=assessment,
        questionnaire=questionnaire,
        body=trusted(body),
        rows=review_rows(questionnaire, assessments.stored_answers(assessment)),
        notes=workflow.notes(assessment),
        actions=workflow.action_items(assessment),
        history=history_entries(workflow.history(assessment), sent),
        consultations=workflow.consultations(assessment),
        referrals=sent,
        candidates=introductions.candidates(questionnaire, report, sent),
        earlier=earlier,
        later=later,
        today=local_today(),
        **forms,
    )
    return html, status


def back_to(assessment: Assessment, anchor: str) -> BaseResponse:
    """Back to the assessment's page, at a section."""
    return redirect(url_for("advisor.assessment", assessment_id=assessment.id, _anchor=anchor))


def assessment(assessment_id: int) -> Any:
    """Everything about one shared assessment, and the advisor's work on it."""
    return assessment_page(shared_or_404(assessment_id))


def chart(assessment_id: int, kind: str) -> BaseResponse:
    """A chart of the assessment's report."""
    return chart_response(shared_or_404(assessment_id), kind)


def pdf(assessment_id: int) -> BaseResponse:
    """The company's report as a PDF, exactly as the company gets it."""
    inputs, key = keyed_inputs(shared_or_404(assessment_id))
    return pdf_response(inputs, key)


def change_status(assessment_id: int) -> Any:
    """Move the review along: new, in review, reviewed."""
    found = shared_or_404(assessment_id)
    form = StatusForm(prefix="review")
    form.fill_choices()
    if not form.validate_on_submit():
        return assessment_page(found, 400, status_form=form)
    if workflow.set_status(current_user, found, form.status.data):
        flash(_("The review status is now: %(status)s.", status=_status(form)), "success")
    return back_to(found, "review-title")


def _status(form: StatusForm) -> str:
    return dict(form.status.choices or [])[form.status.data]  # type: ignore[arg-type]


def assign(assessment_id: int) -> Any:
    """Assign the assessment to an advisor, or to nobody."""
    found = shared_or_404(assessment_id)
    form = AssignForm(prefix="assign")
    _fill_advisors(form, found)
    if not form.validate_on_submit():
        return assessment_page(found, 400, assign_form=form)
    assignee = db.session.get(Advisor, int(form.advisor.data)) if form.advisor.data else None
    if workflow.assign(current_user, found, assignee):
        if assignee is None:
            flash(_("The assessment is assigned to nobody now."), "success")
        else:
            flash(_("The assessment is assigned to %(name)s now.", name=assignee.name), "success")
    return back_to(found, "review-title")


def add_note(assessment_id: int) -> Any:
    """Add a timestamped note."""
    found = shared_or_404(assessment_id)
    form = NoteForm(prefix="note")
    if not form.validate_on_submit():
        return assessment_page(found, 400, note_form=form)
    workflow.add_note(current_user, found, form.text.data.strip())
    flash(_("The note has been saved."), "success")
    if form.text.cleaned:
        flash(str(REMOVED_MESSAGE), "info")
    return back_to(found, "notes-title")


def describe_event(event: AuditEvent) -> str:
    """An audit event in words."""
    detail = event.detail or {}
    if event.action == "status":
        return _(
            "Status changed from %(old)s to %(new)s",
            old=status_name(detail.get("old", "new")),
            new=status_name(detail.get("new", "new")),
        )
    if event.action == "assign":
        nobody = _("nobody")
        return _(
            "Assignment changed from %(old)s to %(new)s",
            old=detail.get("old") or nobody,
            new=detail.get("new") or nobody,
        )
    if event.action == "action_changed":
        return _(
            "Action item changed: %(text)s (%(changes)s)",
            text=detail.get("text", ""),
            changes="; ".join(
                _describe_change(*pair) for pair in (detail.get("changes") or {}).items()
            ),
        )
    if event.action == "actions_in_report":
        if detail.get("shown"):
            return _("Action items shown in the company's report")
        return _("Action items no longer shown in the company's report")
    texts = {
        "consultation_in_progress": _(
            "Consultation request no. %(number)s taken on", number=detail.get("request", "")
        ),
        "consultation_done": _(
            "Consultation request no. %(number)s done", number=detail.get("request", "")
        ),
        "referral_sent": _("Introduced to %(partner)s", partner=detail.get("partner", "")),
        "referral_answer": _(
            "Answer of %(partner)s recorded: %(state)s",
            partner=detail.get("partner", ""),
            state=state_label(detail["state"]) if detail.get("state") in STATES else "",
        ),
        "note": _("Note added: %(text)s", text=detail.get("text", "")),
        "action_added": _("Action item added: %(text)s", text=detail.get("text", "")),
        "action_removed": _("Action item removed: %(text)s", text=detail.get("text", "")),
    }
    return texts.get(event.action, event.action)


def _describe_change(name: str, values: list[Any]) -> str:
    """One changed field of an action item: its name, the old and the new value."""
    old, new = (_action_value(name, value) for value in values)
    names = {
        "text": _("text"),
        "due_on": _("due on"),
        "owner": _("who does it"),
        "status": _("status"),
    }
    return _("%(field)s: %(old)s → %(new)s", field=names.get(name, name), old=old, new=new)


def _action_value(name: str, value: Any) -> str:
    """An action item's field value in words."""
    if value is None or value == "":
        return MISSING
    if name == "due_on":
        return format_date(date.fromisoformat(value))
    if name == "owner":
        return str(OWNER_LABELS.get(value, value))
    if name == "status":
        return str(ACTION_STATUS_LABELS.get(value, value))
    return str(value)


def take_consultation(assessment_id: int, request_id: int) -> BaseResponse:
    """Take a consultation request on: the company is contacted by this advisor."""
    return _move_consultation(assessment_id, request_id, "in_progress")


def finish_consultation(assessment_id: int, request_id: int) -> BaseResponse:
    """Mark a consultation request done."""
    return _move_consultation(assessment_id, request_id, "done")


def _move_consultation(assessment_id: int, request_id: int, status: str) -> BaseResponse:
    found = shared_or_404(assessment_id)
    if not FlaskForm(prefix="consultation").validate_on_submit():
        abort(400)
    if workflow.move_consultation(current_user, found, request_id, status):
        flash(
            _("The consultation request is now: %(status)s.", status=status_label(status)),
            "success",
        )
    return back_to(found, "consultations-title")


def introduce(assessment_id: int) -> Any:
    """Introduce the firm to the chosen partners, if the firm agreed to introductions."""
    found = shared_or_404(assessment_id)
    if not found.consent_partners:
        abort(403, _("The company has not agreed to be introduced to partners."))
    form = IntroductionForm(prefix="introduction")
    questionnaire = assessments.questionnaire_of(found)
    inputs, _key = keyed_inputs(found)
    report = build_report(inputs)
    offered = {c.partner.id: c.partner for c in introductions.candidates(questionnaire, report, [])}
    chosen = [offered[p] for p in request.form.getlist("partner") if p in offered]
    if not form.validate_on_submit() or not chosen:
        if not chosen:
            form.introduction.errors = [
                *form.introduction.errors,
                _("Please choose at least one partner."),
            ]
        return assessment_page(found, 400, introduction_form=form)
    sent, skipped = introductions.introduce(
        current_user, found, chosen, form.introduction.data.strip(), report
    )
    if sent:
        names = ", ".join(localize(p.name) for p in sent)
        flash(_("The introduction is on its way to: %(names)s.", names=names), "success")
    if skipped:
        names = ", ".join(localize(p.name) for p in skipped)
        flash(_("The company had been introduced to %(names)s already.", names=names), "info")
    return back_to(found, "referrals-title")


def record_referral(assessment_id: int, referral_id: int) -> Any:
    """Record the partner's answer for it (e.g. given on the telephone)."""
    found = shared_or_404(assessment_id)
    form = ReferralAnswerForm(prefix="referral")
    referral = db.session.get(Referral, referral_id)
    if referral is None or referral.assessment_id != found.id:
        abort(404, _("There is no such introduction for this company."))
    if not form.validate_on_submit():
        return assessment_page(found, 400, referral_form=form)
    if referral.record(form.state.data, (form.reason.data or "").strip(), current_user.id):
        db.session.add(
            AuditEvent(
                advisor_id=current_user.id,
                assessment_id=found.id,
                action="referral_answer",
                detail={"partner": referral.partner.get("name"), "state": form.state.data},
            )
        )
        db.session.commit()
        flash(_("The answer is recorded."), "success")
    return back_to(found, "referrals-title")


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the assessment's history: when, who, what."""

    at: datetime
    who: str
    what: str


def history_entries(events: list[AuditEvent], referrals: list[Referral]) -> list[HistoryEntry]:
    """The advisors' changes and the referrals' answers by partners (or the closing by the
    company's withdrawal), newest first."""
    entries = [HistoryEntry(e.at, e.advisor.name, describe_event(e)) for e in events]
    for referral in referrals:
        partner = str(referral.partner.get("name", ""))
        for event in referral.events:
            if event.advisor_id is not None:
                continue  # recorded by an advisor: in the audit log already
            if event.state == "withdrawn":
                entries.append(
                    HistoryEntry(
                        event.at,
                        _("the company"),
                        _(
                            "Consent withdrawn: the introduction to %(partner)s is closed",
                            partner=partner,
                        ),
                    )
                )
            else:
                what = _("Answered: %(state)s", state=state_label(event.state))
                if event.reason:
                    what += f" \u2013 {event.reason}"
                entries.append(HistoryEntry(event.at, partner, what))
    return sorted(entries, key=lambda entry: as_utc(entry.at), reverse=True)
