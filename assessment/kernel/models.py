"""Database models: pinned questionnaire versions, assessments and their answers."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
    event,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.expression import false

from ..extensions import db

STATUSES = ("in_progress", "submitted")
#: The owner's consents: (a) peer benchmarks, (b) the centre's advisors, (c) network partners.
CONSENTS = ("benchmark", "advisors", "partners")
#: Folding can lengthen a name ("ß" is "ss"): the search key is cut to its column's size.
COMPANY_KEY_LENGTH = 200
#: The advisors' review of a shared, submitted assessment.
REVIEW_STATUSES = ("new", "in_review", "reviewed")


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time with its zone: SQLite hands times back without one; they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class QuestionnaireVersion(db.Model):
    """The exact questionnaire (and partner directory) an assessment was answered with."""

    __tablename__ = "questionnaire_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The questionnaire's `id` in its YAML file.
    questionnaire_id: Mapped[str] = mapped_column(String(100), index=True)
    #: The questionnaire's `version` in its YAML file.
    version: Mapped[int]
    #: SHA-256 of the snapshot: identifies the content, whatever the version number says.
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The parsed questionnaire and partner directory as JSON (loaded only when first read: a
    #: process parses each content once, by its hash).
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    #: When this content was first used.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        short = self.content_hash[:8]
        return f"<QuestionnaireVersion {self.questionnaire_id} v{self.version} {short}>"


class Assessment(db.Model):
    """One company's answers to one questionnaire version, reachable by its resume token."""

    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        CheckConstraint(f"review_status IN {REVIEW_STATUSES!r}", name="review_status"),
        Index("ix_assessments_status_submitted_at", "status", "submitted_at"),
        # the advisors' list: one index per sort order, and one for the counts per status
        Index("ix_assessments_shared", "consent_advisors", "status", "submitted_at"),
        Index("ix_assessments_shared_review", "consent_advisors", "status", "review_status"),
        Index("ix_assessments_shared_score", "consent_advisors", "status", "overall_score"),
        Index("ix_assessments_shared_company", "consent_advisors", "status", "company_key"),
        # the benchmark's peer groups: same sector and size, same sector
        Index("ix_assessments_peers", "sector", "size", "status", "consent_benchmark"),
        # a firm's checks, and the checks of the same company name and region
        Index("ix_assessments_firm", "firm_id", "status", "submitted_at"),
        Index("ix_assessments_company_region", "company_key", "region"),
        # the statistics: the shared checks firm by firm, with every column the figures filter
        # on, so that counting firms and finding repeat checks reads the index alone
        Index(
            "ix_assessments_shared_firm",
            "consent_advisors",
            "status",
            "firm_id",
            "submitted_at",
            "sector",
            "size",
            "region",
            "questionnaire_version_id",
            "overall_score",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the resume token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The questionnaire version the answers belong to.
    questionnaire_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_versions.id", ondelete="RESTRICT"), index=True
    )
    #: in_progress while answering, submitted once the owner has sent the answers.
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    #: The language the owner answered in (de, en).
    language: Mapped[str] = mapped_column(String(8))
    #: The company's name, if the owner gave it.
    company_name: Mapped[str | None] = mapped_column(String(200))
    #: The company's name folded for case-insensitive search in every database.
    company_key: Mapped[str | None] = mapped_column(String(COMPANY_KEY_LENGTH))
    #: A contact e-mail address, if the owner gave one.
    contact_email: Mapped[str | None] = mapped_column(String(254))
    #: Consent (a): the anonymised result may count in peer benchmarks.
    consent_benchmark: Mapped[bool] = mapped_column(default=False)
    #: Consent (b): the result is shared with the centre's advisors.
    consent_advisors: Mapped[bool] = mapped_column(default=False)
    #: Consent (c): recommended partners may be told about the company.
    consent_partners: Mapped[bool] = mapped_column(default=False)
    #: The answers to the profile questions sector, size and region, for grouping.
    sector: Mapped[str | None] = mapped_column(String(100), index=True)
    size: Mapped[str | None] = mapped_column(String(100), index=True)
    region: Mapped[str | None] = mapped_column(String(100), index=True)
    #: The answer to the question the questionnaire names as `urgency`, and its rank among the
    #: options (0: least urgent), for the advisors' triage.
    urgency: Mapped[str | None] = mapped_column(String(100))
    urgency_rank: Mapped[int | None] = mapped_column(SmallInteger, index=True)
    #: The next follow-up: the earliest due date of the advisors' open action items.
    follow_up_on: Mapped[date | None] = mapped_column(Date, index=True)
    #: When the owner first saved the profile page.
    profile_saved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The firm the check belongs to: the id of its first check. Repeat checks share it, and so
    #: do checks with the same company name and region (see `firms.py`).
    firm_id: Mapped[int | None]
    #: The earlier assessment this one repeats, if any.
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="SET NULL"), index=True
    )
    #: In a team check, the coordinator's check whose round this respondent answers for (its
    #: company, profile and consents are the coordinator's); None for every other check.
    respondent_of: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    #: A team check at submission: how many answered (with the coordinator), and the largest
    #: range of one topic's scores among them (None for a check of one person).
    team_size: Mapped[int | None] = mapped_column(SmallInteger)
    team_spread: Mapped[float | None]
    #: The overall score and level at submission (None if nothing could be scored).
    overall_score: Mapped[float | None]
    overall_level: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The advisors' review: new, in_review, reviewed.
    review_status: Mapped[str] = mapped_column(String(20), default="new", server_default="new")
    #: The advisor who follows this company up.
    assigned_advisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("advisors.id", ondelete="SET NULL"), index=True
    )
    #: Whether the advisor's action items appear in the company's report and PDF.
    actions_in_report: Mapped[bool] = mapped_column(default=False, server_default=false())

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", passive_deletes=True
    )
    dimension_scores: Mapped[list[DimensionScore]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    previous: Mapped[Assessment | None] = relationship(remote_side=[id], foreign_keys=[previous_id])

    @property
    def submitted(self) -> bool:
        """Whether the answers have been sent and are read-only."""
        return self.status == "submitted"

    @property
    def is_respondent(self) -> bool:
        """Whether this is a colleague's answers to a team check, not a check of its own."""
        return self.respondent_of is not None

    def __repr__(self) -> str:
        return f"<Assessment {self.id} {self.status}>"


@event.listens_for(Assessment, "after_insert")
def _own_firm(_mapper: Any, connection: Any, target: Assessment) -> None:
    """A check that belongs to no firm yet starts its own, named by its id (see firms.py)."""
    if target.firm_id is None:
        table = Assessment.__table__
        connection.execute(update(table).where(table.c.id == target.id).values(firm_id=target.id))
        set_committed_value(target, "firm_id", target.id)


class ConsentChange(db.Model):
    """A consent given or withdrawn by the owner: what and when (never who)."""

    __tablename__ = "consent_changes"
    __table_args__ = (CheckConstraint(f"consent IN {CONSENTS!r}", name="consent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The assessment whose consent changed.
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    #: benchmark, advisors or partners.
    consent: Mapped[str] = mapped_column(String(20))
    #: Whether the consent was given (True) or withdrawn (False).
    granted: Mapped[bool]
    #: When the owner saved the choice.
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    assessment: Mapped[Assessment] = relationship()

    def __repr__(self) -> str:
        verb = "given" if self.granted else "withdrawn"
        return f"<ConsentChange {self.assessment_id}:{self.consent} {verb}>"


class RateEvent(db.Model):
    """Something a client did that is limited per client (starting a check): a pseudonym of
    the client's address and the time, deleted by `flask purge` after a day."""

    __tablename__ = "rate_events"
    __table_args__ = (Index("ix_rate_events_kind_key_at", "kind", "client", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What was done, such as "start".
    kind: Mapped[str] = mapped_column(String(20))
    #: HMAC-SHA256 of the client's address under the secret key: countable, not readable.
    client: Mapped[str] = mapped_column(String(64))
    #: When.
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<RateEvent {self.kind} {self.client[:8]}>"


class Counter(db.Model):
    """A number that changes when a shared state does, so that every worker sees the change.

    ``peers`` changes whenever a check leaves the benchmark's peer groups (consent withdrawn,
    check deleted): peer medians computed before it are not used again.
    """

    __tablename__ = "counters"

    #: What the counter counts.
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    #: How often it changed.
    value: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Counter {self.name}={self.value}>"


class Answer(db.Model):
    """The normalised answer to one question of an assessment."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id", name="uq_answers_question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The assessment this answer belongs to.
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    #: The question's id in the questionnaire.
    question_id: Mapped[str] = mapped_column(String(100))
    #: The answer as the question type normalises it (option id, list, mapping, number, text).
    value: Mapped[Any] = mapped_column(JSON)
    #: When the answer was last changed.
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    assessment: Mapped[Assessment] = relationship(back_populates="answers")

    def __repr__(self) -> str:
        return f"<Answer {self.assessment_id}:{self.question_id}>"


class DimensionScore(db.Model):
    """A dimension's score, stored at submission (for benchmarks and statistics)."""

    __tablename__ = "dimension_scores"
    __table_args__ = (
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        Index("ix_dimension_scores_dimension_score", "dimension_id", "score"),
        # the statistics: a check's scores read from the index alone (the key holds no score)
        Index("ix_dimension_scores_assessment_score", "assessment_id", "dimension_id", "score"),
    )

    #: The submitted assessment.
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )
    #: The dimension's id in the questionnaire.
    dimension_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    #: The unrounded score (0-100).
    score: Mapped[float]
    #: The id of the level the score reaches.
    level: Mapped[str] = mapped_column(String(100))

    def __repr__(self) -> str:
        return f"<DimensionScore {self.assessment_id}:{self.dimension_id} {self.score:.1f}>"


class FundingShown(db.Model):
    """A funding programme that a submitted check's report shows (counted for the advisors)."""

    __tablename__ = "funding_shown"
    __table_args__ = (Index("ix_funding_shown_programme", "programme_id", "assessment_id"),)

    #: The submitted assessment (a team check's coordinator's).
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )
    #: The programme's id in the funding directory.
    programme_id: Mapped[str] = mapped_column(String(100), primary_key=True)

    def __repr__(self) -> str:
        return f"<FundingShown {self.assessment_id}:{self.programme_id}>"


def company_key(name: str | None) -> str | None:
    """A company name folded for searching and sorting: no case, no accents ("Ä" as "a").

    So "müller" finds "MÜLLER GmbH" however the umlaut was typed, and "Ärztehaus" sorts
    among the A's as in a German phone book (DIN 5007-1).
    """
    if not name:
        return None
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split())[:COMPANY_KEY_LENGTH] or None


__all__ = [
    "CONSENTS",
    "Answer",
    "Assessment",
    "ConsentChange",
    "Counter",
    "DimensionScore",
    "QuestionnaireVersion",
    "RateEvent",
]
