"""Write services of the journey: start, save a page, submit, export and delete an assessment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Update, bindparam, delete, exists, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ..catalogue import questionnaires
from ..extensions import db
from ..i18n import in_language, local_date, local_today
from ..kernel.assessments import (
    hash_token,
    new_token,
    own_answers,
    questionnaire_of,
    score,
    stored_answers,
    team_result,
)
from ..kernel.consents import apply_consents, consent_history
from ..kernel.files import forget
from ..kernel.firms import join_namesakes
from ..kernel.funding import MAX_PROGRAMMES, programmes_for, record_shown, shown_programmes
from ..kernel.models import Answer, Assessment, DimensionScore, company_key, utcnow
from ..kernel.peers import peers_changed
from ..kernel.pinning import pin
from ..mail.compose import checked_address, compose, link
from ..mail.delivery import enqueue
from ..mail.limits import count_message
from ..questionnaire import AnswerError, Questionnaire
from ..questionnaire.conditions import visible_answers
from ..questionnaire.scoring import score_assessment
from ..questionnaire.team import TeamResult
from ..referrals.models import withdraw_referrals
from ..team.models import TeamRound
from .models import RepeatInvitation

PROFILE_COLUMNS = ("sector", "size", "region")


def start_assessment(questionnaire: Questionnaire, language: str) -> tuple[Assessment, str]:
    """Create an assessment of the current questionnaire version; returns it and its token."""
    token = new_token()
    assessment = Assessment(
        token_hash=hash_token(token),
        questionnaire_version=pin(questionnaire),
        language=language,
    )
    db.session.add(assessment)
    db.session.commit()
    return assessment, token


def repeat_assessment(earlier: Assessment, language: str) -> tuple[Assessment, str]:
    """Start the check again, linked to ``earlier``, with its profile filled in (not consents).

    The new check uses the questionnaire as it is offered now (or the earlier version when
    it is no longer offered); profile answers that no longer fit are left out.
    """
    pinned = questionnaire_of(earlier)
    questionnaire = questionnaires().get(pinned.id, pinned)
    assessment, token = start_assessment(questionnaire, language)
    assessment.previous = earlier
    assessment.firm_id = earlier.firm_id
    # The consents are asked again: each check's consent is given for that check.
    for key in ("company_name", "contact_email", "company_key"):
        setattr(assessment, key, getattr(earlier, key))
    earlier_answers = stored_answers(earlier)
    profile = {}
    for question in questionnaire.profile:
        try:
            answer = question.read_answer(earlier_answers.get(question.id))
        except AnswerError:
            continue
        if answer is not None:
            profile[question.id] = answer
    _apply_page(assessment, questionnaire, profile, None)
    db.session.commit()
    return assessment, token


class AssessmentSubmitted(Exception):
    """The assessment was submitted meanwhile; its answers are read-only."""


def save_page(
    assessment: Assessment,
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    *,
    language: str,
    profile: Mapping[str, Any] | None = None,
    visible: Mapping[str, Any] | None = None,
    stored: Mapping[str, Any] | None = None,
) -> None:
    """Store one page in one transaction; answers to questions now hidden are discarded.

    ``answers`` maps the page's question ids to normalised answers (None removes one);
    ``profile`` holds the fixed profile fields when the page is the profile; ``visible``, if the
    caller has worked it out already, the stored answers merged with the page's and without
    those hidden (else they are worked out here); ``stored``, if the caller has read them
    already, the stored answers that ``visible`` was worked out from. Two saves of
    the same assessment at once (two tabs) both succeed, the later one winning; a save
    that meets an assessment submitted meanwhile raises AssessmentSubmitted.
    """
    for attempt in range(2):
        try:
            _apply_page(assessment, questionnaire, answers, profile, visible, stored)
            _touch_open(assessment, language)
            db.session.commit()
            return
        except (IntegrityError, _AnswersChanged):  # another save changed the same answers
            db.session.rollback()
            stored = None  # read again, with the other save's answers
            if attempt == 1:
                raise


def _apply_page(
    assessment: Assessment,
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    profile: Mapping[str, Any] | None,
    visible: Mapping[str, Any] | None = None,
    stored: Mapping[str, Any] | None = None,
) -> None:
    kept = visible
    if kept is None:
        merged = {**stored_answers(assessment), **answers}
        kept = visible_answers(questionnaire, {k: v for k, v in merged.items() if v is not None})
    if assessment.respondent_of is not None:  # the profile is the coordinator's
        profile_ids = {question.id for question in questionnaire.profile}
        kept = {key: value for key, value in kept.items() if key not in profile_ids}
    # A team respondent's stored answers include the coordinator's profile: read its own.
    if stored is None or assessment.respondent_of is not None:
        stored = own_answers(assessment.id)
    changes = _answer_changes(assessment.id, stored, kept)
    for column in PROFILE_COLUMNS:
        value = kept.get(column)
        _set(assessment, column, value if isinstance(value, str) else None)
    urgency, rank = questionnaire.urgency_of(kept, _served_urgency(questionnaire)) or (None, None)
    _set(assessment, "urgency", urgency)
    _set(assessment, "urgency_rank", rank)
    if profile is not None:
        consents = {}
        for key, value in profile.items():
            if key.startswith("consent_"):
                consents[key.removeprefix("consent_")] = value
            else:
                setattr(assessment, key, value)
        set_consents(assessment, consents)
        assessment.company_key = company_key(assessment.company_name)
        assessment.profile_saved_at = assessment.profile_saved_at or utcnow()
        join_namesakes(assessment)
    changes.write()


def _set(assessment: Assessment, column: str, value: Any) -> None:
    """Change a column only if its value differs: an unchanged check has nothing to flush."""
    if getattr(assessment, column) != value:
        setattr(assessment, column, value)


class _AnswersChanged(Exception):
    """Another save removed an answer this one changes (its page hid the question)."""


@dataclass
class _AnswerChanges:
    """The statements that turn an assessment's stored answers into the kept ones."""

    assessment_id: int
    inserted: list[dict[str, Any]] = field(default_factory=list)
    updated: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def write(self) -> None:
        """Run the statements in the session's transaction.

        As plain SQL statements, one per kind: the ORM's unit of work would cost more than the
        statements themselves, and the database stays locked for other saves while it runs.
        """
        table = Answer.__table__
        if self.deleted:
            db.session.execute(
                delete(table).where(
                    table.c.assessment_id == self.assessment_id,
                    table.c.question_id.in_(self.deleted),
                )
            )
        if self.updated:
            found = db.session.execute(_answer_update(), self.updated).rowcount
            if found != len(self.updated):
                raise _AnswersChanged()
        if self.inserted:
            db.session.execute(insert(table), self.inserted)


@cache
def _answer_update() -> Update:
    """A stored answer's new value, by check and question (built once)."""
    table = Answer.__table__
    changed = update(table).where(
        table.c.assessment_id == bindparam("check_id"),
        table.c.question_id == bindparam("question"),
    )
    return changed.values(value=bindparam("new_value"))


def _answer_changes(
    assessment_id: int, stored: Mapping[str, Any], kept: Mapping[str, Any]
) -> _AnswerChanges:
    """What changes among a check's own stored answers to keep exactly ``kept``."""
    changes = _AnswerChanges(assessment_id)
    for question_id, value in stored.items():
        if question_id not in kept:
            changes.deleted.append(question_id)
        elif not _same_answer(value, kept[question_id]):
            changes.updated.append(
                {"check_id": assessment_id, "question": question_id, "new_value": kept[question_id]}
            )
    for question_id, value in kept.items():
        if question_id not in stored:
            changes.inserted.append(
                {"assessment_id": assessment_id, "question_id": question_id, "value": value}
            )
    return changes


def _same_answer(stored: Any, new: Any) -> bool:
    """Whether a stored answer (as JSON gives it back) is the new one: a list is stored for a
    tuple, and a number keeps its type (1 and 1.0 are written differently)."""
    if isinstance(new, tuple):
        new = list(new)
    return type(stored) is type(new) and stored == new


def set_consents(assessment: Assessment, chosen: Mapping[str, bool]) -> list[str]:
    """Apply the owner's consents (in the caller's transaction); withdrawing the consent to
    introductions closes the open referrals. The consents that changed."""
    changed = apply_consents(assessment, chosen)
    if "partners" in changed and not assessment.consent_partners:
        withdraw_referrals(assessment.id)
    return changed


def change_consents(assessment: Assessment, chosen: Mapping[str, bool]) -> list[str]:
    """Save the owner's new consents in one transaction; the ones that changed."""
    changed = set_consents(assessment, chosen)
    db.session.commit()
    return changed


def _served_urgency(questionnaire: Questionnaire) -> str | None:
    """The urgency question the served questionnaire of the same id names, for older versions."""
    if questionnaire.urgency:
        return None
    served = questionnaires().get(questionnaire.id)
    return served.urgency if served is not None else None


class RoundClosed(AssessmentSubmitted):
    """A colleague's answers to a team check that the coordinator has submitted meanwhile."""


def _still_open(assessment: Assessment) -> list[Any]:
    """The conditions under which answers may change: the check is open, and a colleague's only
    while the coordinator's check is open too (checked in the same statement as the change)."""
    found = [Assessment.id == assessment.id, Assessment.status == "in_progress"]
    if assessment.respondent_of is not None:
        coordinator = aliased(Assessment)
        found.append(
            exists().where(
                coordinator.id == assessment.respondent_of, coordinator.status == "in_progress"
            )
        )
    return found


def _refused(assessment: Assessment) -> AssessmentSubmitted:
    """Why a change was refused: the check was submitted, or its team round closed."""
    db.session.rollback()
    if assessment.respondent_of is not None:
        still = db.session.scalar(select(Assessment.status).where(Assessment.id == assessment.id))
        if still == "in_progress":
            return RoundClosed()
    return AssessmentSubmitted()


def _touch_open(assessment: Assessment, language: str) -> None:
    """Mark the assessment as changed, in the same transaction, only if it is still open."""
    values = {
        "check_id": assessment.id,
        "coordinator_id": assessment.respondent_of,
        "new_language": language,
        "changed_at": utcnow(),
    }
    statement = _touch_statement(respondent=assessment.respondent_of is not None)
    # On the session's connection, as plain SQL: the ORM's bulk-update path costs a third of a save.
    if db.session.connection().execute(statement, values).rowcount != 1:
        raise _refused(assessment)


@cache
def _touch_statement(*, respondent: bool) -> Update:
    """The UPDATE of `_touch_open` with the conditions of `_still_open`, as parameters (built
    once: building it took longer than running it)."""
    table = Assessment.__table__
    conditions = [table.c.id == bindparam("check_id"), table.c.status == "in_progress"]
    if respondent:
        coordinator = table.alias("coordinator")
        conditions.append(
            exists().where(
                coordinator.c.id == bindparam("coordinator_id"),
                coordinator.c.status == "in_progress",
            )
        )
    return (
        update(table)
        .where(*conditions)
        .values(language=bindparam("new_language"), updated_at=bindparam("changed_at"))
    )


def submit(
    assessment: Assessment, questionnaire: Questionnaire, answers: dict[str, Any] | None = None
) -> bool:
    """Submit the answers once; a second submit changes nothing. True if this call submitted.
    A team check stores the combined result, how many answered and the largest spread.
    ``answers``: the check's stored answers, when the caller has read them already."""
    values, scores, programmes = _result(assessment, questionnaire, local_today(), answers)
    statement = (
        update(Assessment)
        .where(*_still_open(assessment))
        .values(status="submitted", submitted_at=utcnow(), **values)
    )
    changed = db.session.execute(statement).rowcount == 1
    if not changed and assessment.respondent_of is not None:
        raise _refused(assessment)
    if changed:
        # A team round closes with the coordinator's check: no one joins or answers after it.
        db.session.execute(
            update(TeamRound)
            .where(TeamRound.assessment_id == assessment.id, TeamRound.closed_at.is_(None))
            .values(closed_at=utcnow())
        )
        _store_scores(scores)
        record_shown(assessment.id, programmes, replacing=False)
    db.session.commit()
    db.session.refresh(assessment)
    return changed


def _result(
    assessment: Assessment,
    questionnaire: Questionnaire,
    day: date,
    answers: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    """The stored result of a check: its columns, a row per assessed dimension, and the funding
    programmes its report shows (matched on ``day``, the day of submission); of a team check
    the combined result, how many answered and the largest spread."""
    team = team_result(assessment, questionnaire)
    if team is not None:
        result = team.combined
    else:
        own = stored_answers(assessment) if answers is None else answers
        result = score_assessment(questionnaire, own)
    values = {
        "team_size": len(team.respondents) if team is not None else None,
        "team_spread": _largest_range(team) if team is not None else None,
        "overall_score": float(result.overall) if result.overall is not None else None,
        "overall_level": result.level.id if result.level is not None else None,
    }
    scores = [
        {
            "assessment_id": assessment.id,
            "dimension_id": dimension.dimension.id,
            "score": float(dimension.score),
            "level": dimension.level.id,
        }
        for dimension in result.assessed
        if dimension.score is not None and dimension.level is not None
    ]
    if assessment.is_respondent:  # a colleague's answers have no report of their own
        return values, scores, []
    shown = programmes_for(assessment, questionnaire, result, day)[:MAX_PROGRAMMES]
    return values, scores, [found.programme.id for found in shown]


def _store_again(assessment: Assessment) -> None:
    """A submitted team check's stored result, worked out again (a colleague deleted their
    answers), in the caller's transaction."""
    assert assessment.submitted_at is not None
    submitted_on = local_date(assessment.submitted_at)
    values, scores, programmes = _result(assessment, questionnaire_of(assessment), submitted_on)
    db.session.execute(update(Assessment).where(Assessment.id == assessment.id).values(**values))
    db.session.execute(delete(DimensionScore).where(DimensionScore.assessment_id == assessment.id))
    _store_scores(scores)
    record_shown(assessment.id, programmes)
    if assessment.consent_benchmark:
        peers_changed()


def _store_scores(scores: list[dict[str, Any]]) -> None:
    """Insert a check's dimension scores in one statement (no ORM objects: nothing reads them
    in this transaction)."""
    if scores:
        db.session.execute(insert(DimensionScore), scores)


def _largest_range(team: TeamResult) -> float | None:
    """The largest range of one topic's scores among a team's respondents."""
    ranges = [float(spread.range) for spread in team.spreads if spread.range is not None]
    return max(ranges) if ranges else None


def delete_assessment(assessment: Assessment) -> None:
    """Delete the assessment, every answer, advisors' notes and its cached report files."""
    number = assessment.id
    coordinator = db.session.get(Assessment, assessment.respondent_of or 0)
    if assessment.submitted and assessment.consent_benchmark:
        peers_changed()
    db.session.execute(delete(Answer).where(Answer.assessment_id == number))
    db.session.delete(assessment)
    db.session.flush()
    if coordinator is not None and coordinator.submitted:
        _store_again(coordinator)  # the team's result without the deleted answers
    db.session.commit()
    forget(number)


def export(assessment: Assessment, questionnaire: Questionnaire) -> dict[str, Any]:
    """Everything stored about the assessment, as JSON data for the owner."""
    result = score(assessment, questionnaire) if assessment.submitted else None
    return {
        "questionnaire": {"id": questionnaire.id, "version": questionnaire.version},
        "status": assessment.status,
        "language": assessment.language,
        "created_at": assessment.created_at.isoformat(),
        "updated_at": assessment.updated_at.isoformat(),
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
        "company_name": assessment.company_name,
        "contact_email": assessment.contact_email,
        "consents": {
            "benchmark": assessment.consent_benchmark,
            "advisors": assessment.consent_advisors,
            "partners": assessment.consent_partners,
        },
        "consent_history": [
            {
                "consent": change.consent,
                "granted": change.granted,
                "changed_at": change.changed_at.isoformat(),
            }
            for change in consent_history(assessment)
        ],
        # the answers given in this check (a colleague's without the coordinator's profile)
        "answers": {answer.question_id: answer.value for answer in assessment.answers},
        "result": result.to_json() if result is not None else None,
        # the funding programmes its report named when it was submitted (counted for advisors)
        "funding_programmes_shown": shown_programmes(assessment.id),
    }


def send_resume_link(
    assessment: Assessment, questionnaire: Questionnaire, token: str, address: str, language: str
) -> None:
    """Queue the personal link for the address (committed with the limit's count); raises
    TooManyMessages (mail.limits) past the limit, AddressError for an address no message can go
    to."""
    checked_address(address)
    count_message("link", assessment.id, address)
    with in_language(language):
        subject = _("Your link to the Digital-Check")
    message = compose(
        "resume_link",
        address,
        subject,
        language,
        questionnaire=questionnaire,
        resume_url=link("survey.resume", token=token),
    )
    enqueue(message, "resume_link", assessment.id)
    db.session.commit()


def find_invitation(token: str) -> RepeatInvitation | None:
    """The invitation a link opens; None for any other token."""
    if not token or len(token) > 100:
        return None
    return db.session.scalars(
        select(RepeatInvitation).where(RepeatInvitation.token_hash == hash_token(token))
    ).first()


def accept_invitation(invitation: RepeatInvitation, language: str) -> tuple[Assessment, str]:
    """Start the repeat check the invitation offers (once); the new check and its token."""
    invitation.used_at = utcnow()
    return repeat_assessment(invitation.assessment, language)
