"""The centre's impact: the funnel from started to project started, per month and per Kommune.

Like the cohort statistics, every figure is counted in the database with GROUP BY, in a fixed
number of queries whatever the number of checks. Each count comes with the number of firms it
rests on (a firm's repeat checks count once), because a figure that leaves the centre must
aggregate at least ``MIN_FIRMS`` firms (see impact_exports.py).

The funnel counts checks by the month they were started (UTC); the period filter selects them by
the day they were started. "Started" counts every check, whatever its consents: a count reveals
nothing about a firm. The later stages count among the checks shared with the centre, so only
the profile filters (questionnaire, sector, size, region) apply: the others (company, level,
review, assignment, consultation, consents, referrals) describe shared checks only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, case, distinct, extract, func, select, true

from ..consultation.models import ConsultationRequest
from ..extensions import db
from ..kernel.models import Assessment, QuestionnaireVersion
from ..questionnaire import Questionnaire
from ..referrals.models import Referral, ReferralEvent
from .cohort import months_between, option_order, utc_time
from .labels import profile_label
from .listing import Filters, start_of_day

#: A figure that leaves the centre must rest on at least this many firms.
MIN_FIRMS = 5
#: How many rows the figures that read one row per referral or change take at a time.
BATCH = 5000
#: The funnel's stages, in order.
STAGES = ("started", "submitted", "shared", "consultation", "referred", "project_started")
STAGE_LABELS = {
    "started": _l("Started"),
    "submitted": _l("Submitted"),
    "shared": _l("Shared with the centre"),
    "consultation": _l("Consultation requested"),
    "referred": _l("Introduced to a partner"),
    "project_started": _l("Project started"),
}


@dataclass(frozen=True)
class Tally:
    """How many (checks, referrals) there are, and how many firms they belong to."""

    count: int = 0
    firms: int = 0

    @property
    def disclosable(self) -> bool:
        """Whether the figure may leave the centre: none at all, or at least MIN_FIRMS firms."""
        return self.firms == 0 or self.firms >= MIN_FIRMS


@dataclass(frozen=True)
class FunnelRow:
    """The funnel of one month, one Kommune or of all checks: a tally per stage."""

    label: str
    stages: tuple[Tally, ...]
    #: The month (its first day) of a month's row.
    month: date | None = None
    #: The region's option id of a Kommune's row.
    region: str | None = None

    @property
    def by_stage(self) -> dict[str, Tally]:
        """The tallies by stage id."""
        return dict(zip(STAGES, self.stages, strict=True))


@dataclass(frozen=True)
class Funnel:
    """The funnel of the filtered checks: in all, per month started and per Kommune."""

    total: FunnelRow
    months: tuple[FunnelRow, ...]
    regions: tuple[FunnelRow, ...]


def stage_label(stage: str) -> str:
    """A funnel stage in words."""
    return str(STAGE_LABELS[stage])


def without_period(filters: Filters) -> Filters:
    """The filters without their period, for figures that apply the period to another date."""
    return replace(filters, submitted_from=None, submitted_to=None)


def period_bounds(filters: Filters) -> tuple[datetime | None, datetime | None]:
    """The start of the filters' period and the end (exclusive); days in the centre's zone."""
    start, end = filters.submitted_from, filters.submitted_to
    return (
        start_of_day(start, filters.timezone) if start else None,
        start_of_day(end + timedelta(days=1), filters.timezone) if end else None,
    )


def in_period(column: Any, filters: Filters) -> list[ColumnElement[bool]]:
    """Conditions: a time within the filters' period."""
    start, end = period_bounds(filters)
    return [
        *([column >= start] if start else []),
        *([column < end] if end else []),
    ]


def profile_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """The filters that apply to any check, shared or not: questionnaire, sector, size, region."""
    found: list[ColumnElement[bool]] = []
    if filters.questionnaire:
        versions = select(QuestionnaireVersion.id).where(
            QuestionnaireVersion.questionnaire_id == filters.questionnaire
        )
        found.append(Assessment.questionnaire_version_id.in_(versions))
    for column in ("sector", "size", "region"):
        if getattr(filters, column):
            found.append(getattr(Assessment, column) == getattr(filters, column))
    return found


def _stage_conditions() -> dict[str, ColumnElement[bool]]:
    """For each stage, whether a check (the row's assessment) reached it."""
    # IN (subquery) rather than a correlated EXISTS: the database reads each small table once
    # (about ten times faster over 100,000 checks in SQLite).
    submitted = Assessment.status == "submitted"
    shared = and_(submitted, Assessment.consent_advisors == true())
    started_project = select(Referral.assessment_id).join(
        ReferralEvent, ReferralEvent.referral_id == Referral.id
    )
    return {
        "started": true(),
        "submitted": submitted,
        "shared": shared,
        "consultation": and_(shared, Assessment.id.in_(select(ConsultationRequest.assessment_id))),
        "referred": and_(shared, Assessment.id.in_(select(Referral.assessment_id))),
        "project_started": and_(
            shared,
            Assessment.id.in_(started_project.where(ReferralEvent.state == "project_started")),
        ),
    }


def _stage_columns() -> list[Any]:
    """Per stage: how many checks reached it, and of how many firms."""
    columns: list[Any] = []
    for condition in _stage_conditions().values():
        columns.append(func.count(case((condition, 1))))
        columns.append(func.count(distinct(case((condition, Assessment.firm_id)))))
    return columns


def _tallies(values: Sequence[Any]) -> tuple[Tally, ...]:
    """The stages' tallies from a row's pairs of count and firms."""
    return tuple(
        Tally(int(values[at] or 0), int(values[at + 1] or 0)) for at in range(0, len(values), 2)
    )


def funnel(filters: Filters, questionnaire: Questionnaire) -> Funnel:
    """The funnel of the checks started in the period: in all, per month and per Kommune."""
    where = [
        *profile_conditions(filters),
        *in_period(Assessment.created_at, filters),
        Assessment.respondent_of.is_(None),  # a colleague's answers to a team check are no check
    ]
    columns = _stage_columns()
    started = utc_time(Assessment.created_at)
    year, month = extract("year", started).label("year"), extract("month", started).label("month")
    total = db.session.execute(select(*columns).where(*where)).one()
    by_month = db.session.execute(
        select(year, month, *columns).where(*where).group_by(year, month)
    ).all()
    by_region = db.session.execute(
        select(Assessment.region, *columns).where(*where).group_by(Assessment.region)
    ).all()
    return Funnel(
        total=FunnelRow(_("All checks"), _tallies(total)),
        months=_month_rows({date(int(y), int(m), 1): _tallies(rest) for y, m, *rest in by_month}),
        regions=_region_rows(questionnaire, {row[0]: _tallies(row[1:]) for row in by_region}),
    )


def _month_rows(found: dict[date, tuple[Tally, ...]]) -> tuple[FunnelRow, ...]:
    """A row per month from the first to the last, empty months included."""
    if not found:
        return ()
    empty = (Tally(),) * len(STAGES)
    return tuple(
        FunnelRow(month.strftime("%Y-%m"), found.get(month, empty), month=month)
        for month in months_between(min(found), max(found))
    )


def _region_rows(
    questionnaire: Questionnaire, found: dict[str | None, tuple[Tally, ...]]
) -> tuple[FunnelRow, ...]:
    """A row per Kommune in the questionnaire's order, unanswered last."""
    order = option_order(questionnaire, "region")
    return tuple(
        FunnelRow(profile_label(questionnaire, "region", value), tallies, region=value)
        for value, tallies in sorted(found.items(), key=lambda item: order(item[0]))
    )
