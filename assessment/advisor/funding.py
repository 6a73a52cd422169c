"""Advisor page: the funding programmes of the served questionnaires, and how many firms each
was shown to in a period (counted at submission, each firm once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app, render_template, request
from sqlalchemy import distinct, func, select

from ..catalogue import questionnaires
from ..extensions import db
from ..i18n import local_today
from ..kernel.models import Assessment, FundingShown, QuestionnaireVersion
from ..questionnaire import Partner, Questionnaire
from ..questionnaire.funding import Programme
from .forms import FundingPeriodForm
from .listing import start_of_day

#: The period shown when none is chosen: the last year, up to today.
DEFAULT_DAYS = 365


@dataclass(frozen=True)
class ProgrammeRow:
    """A programme as the advisors see it: where it stands, and how many firms saw it."""

    programme: Programme
    state: str
    stale: bool
    partner: Partner | None
    firms: int


@dataclass(frozen=True)
class FundingTable:
    """The programmes of one questionnaire's funding directory."""

    questionnaire: Questionnaire
    rows: tuple[ProgrammeRow, ...]


def funding() -> Any:
    """The programmes, their dates and last check, and the firms each was shown to."""
    today = local_today()
    form = FundingPeriodForm(request.args)
    valid = form.validate()
    start = form.shown_from.data if valid and form.shown_from.data else None
    end = form.shown_to.data if valid and form.shown_to.data else None
    if start is None and end is None:
        start, end = today - timedelta(days=DEFAULT_DAYS - 1), today
    tables = [
        _table(questionnaire, today, start, end)
        for questionnaire in questionnaires().values()
        if questionnaire.funding_directory is not None
    ]
    html = render_template(
        "advisor/funding.html",
        form=form,
        tables=tables,
        start=start,
        end=end,
        stale_days=current_app.config["FUNDING_STALE_DAYS"],
    )
    return html, 200 if valid else 400


def _table(
    questionnaire: Questionnaire, today: date, start: date | None, end: date | None
) -> FundingTable:
    """One questionnaire's programmes, in the directory's order."""
    assert questionnaire.funding_directory is not None
    counts = firms_shown(questionnaire.id, start, end)
    partners = {
        p.id: p for p in (questionnaire.directory.partners if questionnaire.directory else ())
    }
    stale_days = current_app.config["FUNDING_STALE_DAYS"]
    rows = tuple(
        ProgrammeRow(
            programme,
            programme.state(today),
            programme.stale(today, stale_days),
            partners.get(programme.partner or ""),
            counts.get(programme.id, 0),
        )
        for programme in questionnaire.funding_directory.programmes
    )
    return FundingTable(questionnaire, rows)


def firms_shown(questionnaire_id: str, start: date | None, end: date | None) -> dict[str, int]:
    """How many firms' reports showed each programme, by the day the check was submitted
    (each firm once, however many checks it submitted)."""
    timezone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    query = (
        select(
            FundingShown.programme_id,
            func.count(distinct(func.coalesce(Assessment.firm_id, Assessment.id))),
        )
        .join(Assessment, Assessment.id == FundingShown.assessment_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Assessment.questionnaire_version_id)
        .where(
            QuestionnaireVersion.questionnaire_id == questionnaire_id,
            Assessment.status == "submitted",
        )
        .group_by(FundingShown.programme_id)
    )
    if start is not None:
        query = query.where(Assessment.submitted_at >= start_of_day(start, timezone))
    if end is not None:
        query = query.where(
            Assessment.submitted_at < start_of_day(end + timedelta(days=1), timezone)
        )
    return {row[0]: row[1] for row in db.session.execute(query)}
