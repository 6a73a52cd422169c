"""Everything the report shows, assembled once for the page and the PDF."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from fractions import Fraction

from sqlalchemy import select

from ..advisor.models import ActionItem
from ..extensions import db
from ..kernel.assessments import earlier_result, questionnaire_of, score
from ..kernel.funding import profile_of
from ..kernel.models import Assessment
from ..kernel.peers import MIN_GROUP
from ..questionnaire import Dimension, Level, Questionnaire, Recommendation, Text
from ..questionnaire.advice import (
    MatchedRecommendation,
    Priority,
    build_action_plan,
    rank_priorities,
    rank_strengths,
)
from ..questionnaire.matching import PartnerMatch, match_partners
from ..questionnaire.models import TIME_FRAMES
from ..questionnaire.scoring import AssessmentResult, display_score
from .benchmark import Benchmark, recent_benchmark
from .funding import FundingSection, build_funding, funding_state
from .team import TeamSection, load_team_section
from .why import NamesWhy

TOP = 3
#: The summary names this many steps per priority.
SUMMARY_STEPS = 2
#: The action plan shows this many steps in full; the rest are listed by title.
PLAN_SHOWN = 10
#: A step's time frame when its recommendation gives none: from its effort.
TIME_FRAME_OF_EFFORT = {"low": "weeks", "medium": "months", "high": "year"}
#: The report names this many partners at most, the most relevant first.
MAX_PARTNERS = 6


@dataclass(frozen=True)
class DimensionRow:
    """One dimension in the report."""

    dimension: Dimension
    score: Fraction | None
    level: Level | None
    recommendations: tuple[Recommendation, ...]
    peer: float | None
    previous: float | None

    @property
    def shown(self) -> int | None:
        """The score as a whole number."""
        return display_score(self.score) if self.score is not None else None

    @property
    def change(self) -> int | None:
        """The change against the earlier check, in shown points."""
        if self.score is None or self.previous is None:
            return None
        return display_score(self.score) - display_score(Fraction(self.previous))


@dataclass(frozen=True)
class PartnerRow(NamesWhy):
    """A partner in the report, with why in a few words: the topics it helps with and the
    firm's topics it helps in, each said once, the most urgent first."""

    match: PartnerMatch
    topics: tuple[Text, ...]
    dimensions: tuple[Dimension, ...]


@dataclass(frozen=True)
class PartnerGroup:
    """The report's partners of one kind (public institution, chamber, provider, ...)."""

    kind: str
    rows: tuple[PartnerRow, ...]


@dataclass(frozen=True)
class SummaryPriority:
    """One of the summary's priorities: the dimension, its most useful steps, whom to ask."""

    priority: Priority
    level: Level | None
    steps: tuple[MatchedRecommendation, ...]
    partner: PartnerMatch | None


@dataclass(frozen=True)
class PlanGroup:
    """The action plan's steps of one time frame: days, weeks, months or year."""

    time_frame: str
    items: tuple[MatchedRecommendation, ...]


@dataclass(frozen=True)
class AdvisorStep:
    """A step agreed with the advisor: what, by when, who does it (the centre or the firm)."""

    text: str
    due_on: date | None = None
    owner: str = "advisor"
    done: bool = False


@dataclass(frozen=True)
class Report:
    """The content of one assessment's report."""

    assessment: Assessment
    questionnaire: Questionnaire
    result: AssessmentResult
    rows: tuple[DimensionRow, ...]
    strengths: tuple[DimensionRow, ...]
    action_plan: tuple[MatchedRecommendation, ...]
    partners: tuple[PartnerMatch, ...]
    more_partners: int
    benchmark: Benchmark | None
    previous_date: datetime | None
    #: The advisor's action items, when the advisor chose to show them in the report.
    advisor_actions: tuple[AdvisorStep, ...] = ()
    #: The earlier check's overall score, on a repeat check.
    previous_overall: float | None = None
    #: The partners shown, grouped by kind, each with why.
    partner_groups: tuple[PartnerGroup, ...] = ()
    #: The summary's priorities, each with its steps and the partner to ask.
    summary: tuple[SummaryPriority, ...] = ()
    #: The first steps of the action plan by time frame, quick wins first; the others.
    plan_groups: tuple[PlanGroup, ...] = ()
    plan_more: tuple[MatchedRecommendation, ...] = ()
    #: A team check's spread, the questions seen most differently, and results per role.
    team: TeamSection | None = None
    #: The funding programmes that fit, and which pay for each step of the plan.
    funding: FundingSection | None = None

    @property
    def overall_shown(self) -> int | None:
        """The overall score as a whole number."""
        return display_score(self.result.overall) if self.result.overall is not None else None

    @property
    def overall_change(self) -> int | None:
        """The change of the overall score against the earlier check, in shown points."""
        if self.overall_shown is None or self.previous_overall is None:
            return None
        return self.overall_shown - display_score(Fraction(self.previous_overall))

    @property
    def assessed_rows(self) -> tuple[DimensionRow, ...]:
        """The rows of assessed dimensions."""
        return tuple(row for row in self.rows if row.score is not None)


@dataclass(frozen=True)
class ReportInputs:
    """Everything a report depends on besides the code: found with a few cheap queries."""

    assessment: Assessment
    questionnaire: Questionnaire
    benchmark: Benchmark | None
    previous: dict[str, float]
    previous_date: datetime | None
    advisor_actions: tuple[AdvisorStep, ...] = ()
    previous_overall: float | None = None
    #: The colleagues' checks that a team check combines, by id.
    team: tuple[int, ...] = ()
    #: The day funding programmes are matched on (open, closed), and after how many days an
    #: entry counts as not checked for long.
    today: date | None = None
    funding_stale_days: int = 180

    def key(self, language: str, fingerprint: str) -> str:
        """A hash that changes whenever anything the report shows would change."""
        assessment = self.assessment
        data = [
            fingerprint,
            language,
            assessment.id,
            assessment.questionnaire_version.content_hash,
            str(assessment.submitted_at),
            assessment.company_name,
            [assessment.sector, assessment.size, assessment.region],
            asdict(self.benchmark) if self.benchmark else None,
            sorted(self.previous.items()),
            str(self.previous_date),
            [asdict(step) for step in self.advisor_actions],
            self.previous_overall,
            list(self.team),
            funding_state(self.questionnaire, self.today, self.funding_stale_days)
            if self.today is not None
            else None,
        ]
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def report_inputs(
    assessment: Assessment,
    benchmark_max_age: float,
    min_firms: int = MIN_GROUP,
    *,
    today: date | None = None,
    funding_stale_days: int = 180,
) -> ReportInputs:
    """The inputs of a submitted assessment's report; peer medians may be that many seconds old.

    A peer group is shown only with at least ``min_firms`` firms (never fewer than MIN_GROUP).
    Funding programmes are matched on ``today`` (none without it).
    """
    questionnaire = questionnaire_of(assessment)
    earlier = earlier_result(assessment)
    return ReportInputs(
        assessment=assessment,
        questionnaire=questionnaire,
        benchmark=recent_benchmark(assessment, questionnaire.id, benchmark_max_age, min_firms),
        previous=earlier.dimensions,
        previous_date=earlier.submitted_at,
        advisor_actions=_advisor_actions(assessment),
        previous_overall=earlier.overall,
        team=_team_members(assessment),
        today=today,
        funding_stale_days=funding_stale_days,
    )


def _team_members(assessment: Assessment) -> tuple[int, ...]:
    """The colleagues whose answers a team check combines (a deleted one changes the report)."""
    return tuple(
        db.session.scalars(
            select(Assessment.id)
            .where(Assessment.respondent_of == assessment.id, Assessment.status == "submitted")
            .order_by(Assessment.id)
        )
    )


def _advisor_actions(assessment: Assessment) -> tuple[AdvisorStep, ...]:
    """The advisor's action items, if they are to appear in the report."""
    if not assessment.actions_in_report:
        return ()
    rows = db.session.execute(
        select(ActionItem.text, ActionItem.due_on, ActionItem.owner, ActionItem.status)
        .where(ActionItem.assessment_id == assessment.id)
        .order_by(ActionItem.created_at, ActionItem.id)
    )
    return tuple(
        AdvisorStep(text, due_on, owner, status == "done") for text, due_on, owner, status in rows
    )


def build_report(inputs: ReportInputs) -> Report:
    """Assemble the report of a submitted assessment from its pinned questionnaire."""
    assessment, questionnaire = inputs.assessment, inputs.questionnaire
    team = load_team_section(assessment, questionnaire) if inputs.team else None
    result = team[0] if team else score(assessment, questionnaire)
    peers, previous, previous_date = inputs.benchmark, inputs.previous, inputs.previous_date
    matched = build_action_plan(result)
    by_dimension: dict[str, list[Recommendation]] = {}
    for match in sorted(matched, key=lambda m: questionnaire.dimensions.index(m.dimension)):
        by_dimension.setdefault(match.dimension.id, []).append(match.recommendation)
    rows = tuple(
        DimensionRow(
            dimension=d.dimension,
            score=d.score,
            level=d.level,
            recommendations=tuple(by_dimension.get(d.dimension.id, ())),
            peer=peers.dimensions.get(d.dimension.id) if peers else None,
            previous=previous.get(d.dimension.id),
        )
        for d in result.dimensions
    )
    row_of = {row.dimension.id: row for row in rows}
    partners = rank_partners(
        match_partners(questionnaire.directory, matched, profile_of(assessment))
    )
    ranked = rank_priorities(result)
    plan_groups, plan_more = group_plan(matched)
    return Report(
        assessment=assessment,
        questionnaire=questionnaire,
        result=result,
        rows=rows,
        strengths=tuple(row_of[d.dimension.id] for d in rank_strengths(result)[:TOP]),
        action_plan=tuple(matched),
        partners=tuple(partners[:MAX_PARTNERS]),
        more_partners=max(0, len(partners) - MAX_PARTNERS),
        partner_groups=group_partners(partners[:MAX_PARTNERS], ranked),
        summary=tuple(summarise(priority, row_of, matched, partners) for priority in ranked[:TOP]),
        plan_groups=plan_groups,
        plan_more=plan_more,
        benchmark=peers,
        previous_date=previous_date,
        advisor_actions=inputs.advisor_actions,
        previous_overall=inputs.previous_overall if previous_date else None,
        team=team[1] if team else None,
        funding=build_funding(
            assessment, questionnaire, result, matched, inputs.today, inputs.funding_stale_days
        )
        if inputs.today is not None
        else None,
    )


def rank_partners(matches: list[PartnerMatch]) -> list[PartnerMatch]:
    """Partners who help with more of the called-for topics first; ties keep the plan's order."""
    return sorted(matches, key=lambda match: -len(match.topics))


def group_partners(
    matches: list[PartnerMatch], priorities: list[Priority]
) -> tuple[PartnerGroup, ...]:
    """The partners grouped by kind (in the order of the most relevant of each kind), each with
    its topics and the firm's dimensions it helps in, the most urgent dimension first."""
    rank = {priority.dimension.id: position for position, priority in enumerate(priorities)}
    groups: dict[str, list[PartnerRow]] = {}
    for match in matches:
        reasons = sorted(match.reasons, key=lambda r: rank.get(r.match.dimension.id, len(rank)))
        topics = {reason.topic: reason.topic_label for reason in reasons}
        dimensions = {reason.match.dimension.id: reason.match.dimension for reason in reasons}
        row = PartnerRow(match, tuple(topics.values()), tuple(dimensions.values()))
        groups.setdefault(match.partner.kind, []).append(row)
    return tuple(PartnerGroup(kind, tuple(rows)) for kind, rows in groups.items())


def summarise(
    priority: Priority,
    rows: dict[str, DimensionRow],
    plan: list[MatchedRecommendation],
    partners: list[PartnerMatch],
) -> SummaryPriority:
    """A priority with its first steps in the plan and the most relevant partner for it."""
    dimension_id = priority.dimension.id
    steps = [match for match in plan if match.dimension.id == dimension_id][:SUMMARY_STEPS]
    helping = (
        partner
        for partner in partners
        if any(reason.match.dimension.id == dimension_id for reason in partner.reasons)
    )
    return SummaryPriority(priority, rows[dimension_id].level, tuple(steps), next(helping, None))


def time_frame_of(match: MatchedRecommendation) -> str:
    """A step's time frame: its recommendation's, else one that fits its effort."""
    recommendation = match.recommendation
    return recommendation.time_frame or TIME_FRAME_OF_EFFORT[recommendation.effort]


def group_plan(
    plan: list[MatchedRecommendation],
) -> tuple[tuple[PlanGroup, ...], tuple[MatchedRecommendation, ...]]:
    """The first PLAN_SHOWN steps by time frame (shortest first), and the steps after them."""
    shown = plan[:PLAN_SHOWN]
    groups = (
        PlanGroup(frame, tuple(m for m in shown if time_frame_of(m) == frame))
        for frame in TIME_FRAMES
    )
    return tuple(group for group in groups if group.items), tuple(plan[PLAN_SHOWN:])
