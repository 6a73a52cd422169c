"""Referrals per partner and per topic: how many, how many were answered, how soon, how they ended.

One query reads each filtered referral's partner, state, firm and the days to its first answer
(computed in the database): one short row per referral, about a millisecond per thousand. The
counts, the firms behind them and the days to the first answer are gathered per partner from
those rows, then merged for each topic and for all referrals; a second query reads
the partners' names and topics from the latest referral to each (the data pinned when it was
sent, so a partner since changed or gone from the directory keeps its name).

A referral counts once under each topic of its partner, so the topics' counts add up to more
than the referrals. The period filter selects referrals by the day they were sent; the other
filters select the shared checks they belong to.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import extract, func, select

from ..extensions import db
from ..i18n import localize
from ..kernel.models import Assessment
from ..questionnaire import Questionnaire
from ..referrals.models import ANSWERS, STATES, Referral, ReferralEvent
from .impact import BATCH, Tally, in_period, without_period
from .listing import Filters


@dataclass(frozen=True)
class ReferralGroup:
    """The referrals to one partner, or about one topic, or all of them."""

    label: str
    referrals: Tally
    #: The referrals with at least one answer (by the partner, or recorded by an advisor).
    answered: Tally
    #: The median number of days from sending to the first answer; None without answers.
    median_days: float | None
    #: A tally per state of STATES: where the referrals stand now.
    outcomes: tuple[Tally, ...]

    @property
    def answer_rate(self) -> float:
        """The share of the referrals that were answered (0 to 1)."""
        return self.answered.count / self.referrals.count if self.referrals.count else 0.0

    @property
    def by_state(self) -> dict[str, Tally]:
        """The outcomes by state."""
        return dict(zip(STATES, self.outcomes, strict=True))


@dataclass(frozen=True)
class ReferralFigures:
    """The filtered referrals per partner, per topic and in all."""

    partners: tuple[ReferralGroup, ...]
    topics: tuple[ReferralGroup, ...]
    total: ReferralGroup


@dataclass
class _Gathered:
    """The referrals of one group as they are read."""

    count: int = 0
    firms: set[int] = field(default_factory=set)
    answered: int = 0
    answered_firms: set[int] = field(default_factory=set)
    days: list[float] = field(default_factory=list)
    states: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, state: str, firm: int, days: float | None) -> None:
        """Count one referral."""
        self.count += 1
        self.firms.add(firm)
        if days is not None:
            self.answered += 1
            self.answered_firms.add(firm)
            self.days.append(days)
        counted = self.states.setdefault(state, [0, set()])
        counted[0] += 1
        counted[1].add(firm)

    def merge(self, other: _Gathered) -> None:
        """Add another group's referrals to these."""
        self.count += other.count
        self.firms |= other.firms
        self.answered += other.answered
        self.answered_firms |= other.answered_firms
        self.days.extend(other.days)
        for state, (count, firms) in other.states.items():
            counted = self.states.setdefault(state, [0, set()])
            counted[0] += count
            counted[1] |= firms

    def group(self, label: str) -> ReferralGroup:
        """The group's figures."""
        return ReferralGroup(
            label=label,
            referrals=Tally(self.count, len(self.firms)),
            answered=Tally(self.answered, len(self.answered_firms)),
            median_days=statistics.median(self.days) if self.days else None,
            outcomes=tuple(
                Tally(count, len(firms))
                for count, firms in (self.states.get(state, (0, ())) for state in STATES)
            ),
        )


def days_between(later: Any, earlier: Any) -> Any:
    """SQL: the days (with their fraction) from one time to another."""
    if db.session.get_bind().dialect.name == "postgresql":
        return extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def _first_answer() -> Any:
    """SQL: when each referral was first answered (None before)."""
    return (
        select(func.min(ReferralEvent.at))
        .where(ReferralEvent.referral_id == Referral.id, ReferralEvent.state.in_(ANSWERS))
        .scalar_subquery()
    )


def referral_figures(
    filters: Filters, advisor_id: int | None, questionnaire: Questionnaire
) -> ReferralFigures:
    """The referrals of the filtered shared checks sent in the period, per partner and topic."""
    statement = (
        select(
            Referral.partner_id,
            Referral.state,
            Assessment.firm_id,
            days_between(_first_answer(), Referral.created_at),
        )
        .join(Assessment, Assessment.id == Referral.assessment_id)
        .where(
            *without_period(filters).conditions(advisor_id),
            *in_period(Referral.created_at, filters),
        )
        .execution_options(yield_per=BATCH)
    )
    # Plain rows through Core, read a batch at a time: only what is counted is kept.
    rows = db.session.connection().execute(statement)
    partners: dict[str, _Gathered] = {}
    for partner_id, state, firm, days in rows:
        partners.setdefault(partner_id, _Gathered()).add(state, firm, days)
    total = _merged(partners.values())
    pinned = _pinned_partners(partners)
    topics = _by_topic(
        partners, {key: _topics(questionnaire, key, pinned[key]) for key in partners}
    )
    return ReferralFigures(
        partners=_ordered(
            gathered.group(str(pinned[key].get("name") or key))
            for key, gathered in partners.items()
        ),
        topics=_ordered(
            gathered.group(_topic_label(questionnaire, key)) for key, gathered in topics.items()
        ),
        total=total.group(_("All referrals")),
    )


def _pinned_partners(partners: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The data pinned with the latest referral to each partner, by partner id."""
    wanted = list(partners)
    if not wanted:
        return {}
    latest = select(func.max(Referral.id)).where(Referral.partner_id.in_(wanted))
    found = db.session.execute(
        select(Referral.partner_id, Referral.partner).where(
            Referral.id.in_(latest.group_by(Referral.partner_id))
        )
    ).all()
    return {key: dict(pinned or {}) for key, pinned in found}


def _topics(questionnaire: Questionnaire, partner_id: str, pinned: dict[str, Any]) -> list[str]:
    """A partner's topics as pinned; for older referrals, as the directory lists them now."""
    if pinned.get("topics"):
        return list(pinned["topics"])
    directory = questionnaire.directory
    for partner in directory.partners if directory else ():
        if partner.id == partner_id:
            return list(partner.topics)
    return [""]  # unknown: counted under "topic not known"


def _merged(groups: Iterable[_Gathered]) -> _Gathered:
    """The referrals of several groups as one."""
    found = _Gathered()
    for group in groups:
        found.merge(group)
    return found


def _by_topic(partners: dict[str, _Gathered], topics: dict[str, list[str]]) -> dict[str, _Gathered]:
    """The referrals gathered under each topic of their partner: its partners' groups merged."""
    found: dict[str, list[_Gathered]] = {}
    for partner_id, gathered in partners.items():
        for topic in topics[partner_id]:  # a topic listed twice counts it twice
            found.setdefault(topic, []).append(gathered)
    return {topic: _merged(groups) for topic, groups in found.items()}


def _topic_label(questionnaire: Questionnaire, topic: str) -> str:
    """A topic's name in the directory (its id when the directory does not know it)."""
    if not topic:
        return _("Topic not known")
    directory = questionnaire.directory
    return localize(directory.topic_label(topic)) if directory else topic


def _ordered(groups: Iterable[ReferralGroup]) -> tuple[ReferralGroup, ...]:
    """Most referrals first, then by name."""
    return tuple(sorted(groups, key=lambda group: (-group.referrals.count, group.label)))
