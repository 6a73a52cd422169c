"""The list of shared assessments: filters, sorting, pages and counts, as SQL."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, exists, func, literal_column, select, true

from ..consultation.models import ConsultationRequest
from ..extensions import db
from ..kernel.models import REVIEW_STATUSES, Assessment, QuestionnaireVersion, company_key
from ..kernel.pinning import pinned_questionnaire
from ..questionnaire import Questionnaire
from ..referrals.models import CLOSED, Referral
from .models import Advisor

PER_PAGE = 25


def _nulls_last(column: Any, direction: str) -> Any:
    """`column ASC|DESC NULLS LAST` as SQL text.

    SQLite (since 3.30) and PostgreSQL both understand it and serve it from an index;
    SQLAlchemy would spell it for SQLite as `column IS NULL, column`, which no index serves.
    """
    return literal_column(f"{column.table.name}.{column.name} {direction} NULLS LAST")


#: Sort orders by name; each ends with the id so that pages never overlap.
SORTS: dict[str, tuple[Any, ...]] = {
    "newest": (Assessment.submitted_at.desc(), Assessment.id.desc()),
    "oldest": (Assessment.submitted_at.asc(), Assessment.id.asc()),
    "company": (_nulls_last(Assessment.company_key, "ASC"), Assessment.id.asc()),
    "score_high": (_nulls_last(Assessment.overall_score, "DESC"), Assessment.id.desc()),
    "score_low": (_nulls_last(Assessment.overall_score, "ASC"), Assessment.id.asc()),
    "urgency": (_nulls_last(Assessment.urgency_rank, "DESC"), Assessment.id.desc()),
    "follow_up": (_nulls_last(Assessment.follow_up_on, "ASC"), Assessment.id.asc()),
}

#: The follow-up filter: an open action item overdue (due before today), or any with a date.
FOLLOW_UPS = ("overdue", "planned")


@dataclass(frozen=True)
class Filters:
    """What the advisor narrowed the list to; empty strings and None mean "any"."""

    search: str = ""
    questionnaire: str = ""
    sector: str = ""
    size: str = ""
    region: str = ""
    level: str = ""
    status: str = ""
    submitted_from: date | None = None
    submitted_to: date | None = None
    assigned: str = ""
    #: "open": a consultation request not yet done; "any": any request.
    consultation: str = ""
    #: "yes" or "no": whether the firm agreed to be introduced to partners (consent c).
    partners: str = ""
    #: "open": a referral to a partner still under way; "any": any referral.
    referrals: str = ""
    #: The firm's answer to the questionnaire's urgency question (an option id).
    urgency: str = ""
    #: One of FOLLOW_UPS.
    follow_up: str = ""
    #: The time zone in which the dates are days.
    timezone: str = "UTC"
    #: Today in that time zone (for "overdue").
    today: date | None = None

    def conditions(self, advisor_id: int | None = None) -> list[ColumnElement[bool]]:
        """The WHERE clauses of these filters on shared, submitted assessments."""
        found = [Assessment.consent_advisors == true(), Assessment.status == "submitted"]
        key = company_key(self.search)
        if key:
            found.append(Assessment.company_key.contains(key, autoescape=True))
        if self.questionnaire:
            versions = select(QuestionnaireVersion.id).where(
                QuestionnaireVersion.questionnaire_id == self.questionnaire
            )
            found.append(Assessment.questionnaire_version_id.in_(versions))
        for column in ("sector", "size", "region"):
            if getattr(self, column):
                found.append(getattr(Assessment, column) == getattr(self, column))
        if self.level:
            found.append(Assessment.overall_level == self.level)
        if self.status:
            found.append(Assessment.review_status == self.status)
        if self.submitted_from:
            found.append(
                Assessment.submitted_at >= start_of_day(self.submitted_from, self.timezone)
            )
        if self.submitted_to:
            found.append(
                Assessment.submitted_at
                < start_of_day(self.submitted_to + timedelta(days=1), self.timezone)
            )
        if self.assigned == "me" and advisor_id is not None:
            found.append(Assessment.assigned_advisor_id == advisor_id)
        elif self.assigned == "nobody":
            found.append(Assessment.assigned_advisor_id.is_(None))
        if self.consultation in ("open", "any"):
            asked = ConsultationRequest.assessment_id == Assessment.id
            if self.consultation == "open":
                asked = asked & (ConsultationRequest.status != "done")
            found.append(exists().where(asked).correlate(Assessment))
        if self.partners in ("yes", "no"):
            found.append(Assessment.consent_partners.is_(self.partners == "yes"))
        if self.referrals in ("open", "any"):
            referred = Referral.assessment_id == Assessment.id
            if self.referrals == "open":
                referred = referred & Referral.state.not_in(CLOSED)
            found.append(exists().where(referred).correlate(Assessment))
        if self.urgency:
            found.append(Assessment.urgency == self.urgency)
        if self.follow_up == "planned":
            found.append(Assessment.follow_up_on.is_not(None))
        elif self.follow_up == "overdue":
            today = self.today or datetime.now(ZoneInfo(self.timezone)).date()
            found.append(Assessment.follow_up_on < today)
        return found


def start_of_day(day: date, timezone: str) -> datetime:
    """Midnight at the start of a day in a time zone, in UTC (as the times are stored: SQLite
    compares their text, so the bound must be written in UTC too)."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def shared_assessment(assessment_id: int) -> Assessment | None:
    """A submitted assessment the company shared with advisors; None for any other id."""
    return db.session.scalars(
        select(Assessment).where(Assessment.id == assessment_id, *Filters().conditions())
    ).first()


def filtered(filters: Filters, advisor_id: int | None, sort: str = "newest") -> Select[Any]:
    """The shared assessments matching the filters, sorted, each with its assignee's name."""
    return (
        select(Assessment, Advisor.name)
        .outerjoin(Advisor, Assessment.assigned_advisor_id == Advisor.id)
        .where(*filters.conditions(advisor_id))
        .order_by(*SORTS.get(sort, SORTS["newest"]))
    )


@dataclass(frozen=True)
class Row:
    """One line of the list."""

    assessment: Assessment
    assignee: str | None
    questionnaire: Questionnaire
    #: The status of the latest consultation request, if the company asked for one.
    consultation: str | None = None
    #: Referrals to partners still under way.
    open_referrals: int = 0


@dataclass(frozen=True)
class Page:
    """One page of the list, with the counts shown above it."""

    rows: Sequence[Row]
    number: int
    total: int
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one)."""
        return max(1, math.ceil(self.total / PER_PAGE))


def list_page(filters: Filters, advisor_id: int, sort: str, number: int) -> Page:
    """One page of the filtered list: one query for the counts, one for the rows."""
    without_status = Filters(**{**filters.__dict__, "status": ""})
    counted = db.session.execute(
        select(Assessment.review_status, func.count())
        .where(*without_status.conditions(advisor_id))
        .group_by(Assessment.review_status)
    ).all()
    by_status = dict.fromkeys(REVIEW_STATUSES, 0) | dict(counted)  # type: ignore[arg-type]
    total = by_status.get(filters.status, 0) if filters.status else sum(by_status.values())
    number = min(max(1, number), max(1, math.ceil(total / PER_PAGE)))
    statement = (
        filtered(filters, advisor_id, sort)
        .add_columns(latest_consultation(), open_referrals())
        .limit(PER_PAGE)
        .offset((number - 1) * PER_PAGE)
    )
    found = db.session.execute(statement).all()
    versions = versions_by_id(a.questionnaire_version_id for a, *_rest in found)
    rows = [
        Row(a, name, versions[a.questionnaire_version_id], asked, referrals or 0)
        for a, name, asked, referrals in found
    ]
    return Page(rows=rows, number=number, total=total, by_status=by_status)


def latest_consultation() -> Any:
    """The status of each line's latest consultation request (None without one)."""
    return (
        select(ConsultationRequest.status)
        .where(ConsultationRequest.assessment_id == Assessment.id)
        .order_by(ConsultationRequest.created_at.desc(), ConsultationRequest.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def open_referrals() -> Any:
    """How many referrals of each line are still under way."""
    return (
        select(func.count())
        .select_from(Referral)
        .where(Referral.assessment_id == Assessment.id, Referral.state.not_in(CLOSED))
        .scalar_subquery()
    )


def all_referrals() -> Any:
    """How many referrals each line has, whatever their state."""
    return (
        select(func.count())
        .select_from(Referral)
        .where(Referral.assessment_id == Assessment.id)
        .scalar_subquery()
    )


def versions_by_id(ids: Iterable[int]) -> dict[int, Questionnaire]:
    """The pinned questionnaires of some versions, in one query."""
    wanted = set(ids)
    if not wanted:
        return {}
    found = db.session.scalars(
        select(QuestionnaireVersion).where(QuestionnaireVersion.id.in_(wanted))
    )
    return {version.id: pinned_questionnaire(version) for version in found}
