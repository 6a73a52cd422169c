"""Changes advisors make to an assessment; each is stored with an audit event in one transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..consultation.models import ConsultationRequest
from ..extensions import db
from ..kernel.models import REVIEW_STATUSES, Assessment, utcnow
from .models import ACTION_OWNERS, ACTION_STATUSES, ActionItem, Advisor, AuditEvent, Note


def _record(advisor: Advisor, assessment: Assessment, action: str, **detail: Any) -> None:
    db.session.add(
        AuditEvent(advisor_id=advisor.id, assessment_id=assessment.id, action=action, detail=detail)
    )
    db.session.commit()


def set_status(advisor: Advisor, assessment: Assessment, status: str) -> bool:
    """Move the review to a status; False (and nothing recorded) if it is there already."""
    if status not in REVIEW_STATUSES:
        raise ValueError(f"unknown review status {status!r}")
    old = assessment.review_status
    if old == status:
        return False
    assessment.review_status = status
    _record(advisor, assessment, "status", old=old, new=status)
    return True


def active_advisors() -> list[Advisor]:
    """The advisors an assessment can be assigned to, by name."""
    return list(db.session.scalars(select(Advisor).filter_by(active=True).order_by(Advisor.name)))


def assigned_advisor(assessment: Assessment) -> Advisor | None:
    """The advisor who follows the assessment up, if any."""
    number = assessment.assigned_advisor_id
    return db.session.get(Advisor, number) if number is not None else None


def assign(advisor: Advisor, assessment: Assessment, assignee: Advisor | None) -> bool:
    """Assign the assessment to an advisor (or to nobody); False if nothing changed."""
    old = assigned_advisor(assessment)
    if old == assignee:
        return False
    assessment.assigned_advisor_id = assignee.id if assignee else None
    _record(
        advisor,
        assessment,
        "assign",
        old=old.name if old else None,
        new=assignee.name if assignee else None,
    )
    return True


def add_note(advisor: Advisor, assessment: Assessment, text: str) -> Note:
    """Add a timestamped note."""
    note = Note(assessment_id=assessment.id, advisor_id=advisor.id, text=text)
    db.session.add(note)
    _record(advisor, assessment, "note", text=text)
    return note


def notes(assessment: Assessment) -> list[Note]:
    """The notes on an assessment, oldest first, with their authors."""
    query = select(Note).filter_by(assessment_id=assessment.id).order_by(Note.created_at, Note.id)
    return list(db.session.scalars(query.options(joinedload(Note.advisor))))


def action_items(assessment: Assessment) -> list[ActionItem]:
    """The advisor's action items for a company, in the order they were added."""
    query = select(ActionItem).filter_by(assessment_id=assessment.id)
    query = query.order_by(ActionItem.created_at, ActionItem.id)
    return list(db.session.scalars(query.options(joinedload(ActionItem.advisor))))


def _refresh_follow_up(assessment: Assessment) -> None:
    """The company's next follow-up: the earliest due date of its open action items."""
    db.session.flush()
    assessment.follow_up_on = db.session.scalar(
        select(func.min(ActionItem.due_on)).where(
            ActionItem.assessment_id == assessment.id, ActionItem.status == "open"
        )
    )


def add_action(
    advisor: Advisor,
    assessment: Assessment,
    text: str,
    due_on: date | None = None,
    owner: str = "advisor",
) -> ActionItem:
    """Add a step to the advisor's action plan."""
    if owner not in ACTION_OWNERS:
        raise ValueError(f"unknown owner {owner!r}")
    item = ActionItem(
        assessment_id=assessment.id, advisor_id=advisor.id, text=text, due_on=due_on, owner=owner
    )
    db.session.add(item)
    _refresh_follow_up(assessment)
    _record(
        advisor,
        assessment,
        "action_added",
        text=text,
        due_on=due_on.isoformat() if due_on else None,
        owner=owner,
    )
    return item


def _action(assessment: Assessment, item_id: int) -> ActionItem | None:
    """A step of this assessment's plan, or None."""
    return db.session.scalars(
        select(ActionItem).filter_by(id=item_id, assessment_id=assessment.id)
    ).first()


def change_action(
    advisor: Advisor, assessment: Assessment, item_id: int, **wanted: Any
) -> dict[str, list[Any]] | None:
    """Change a step's text, due_on, owner or status; the changes as {field: [old, new]}
    (empty when nothing changed), or None when the assessment has no such step."""
    item = _action(assessment, item_id)
    if item is None:
        return None
    unknown = set(wanted) - {"text", "due_on", "owner", "status"}
    if unknown or wanted.get("owner", item.owner) not in ACTION_OWNERS:
        raise ValueError(f"cannot change an action item so: {wanted!r}")
    if wanted.get("status", item.status) not in ACTION_STATUSES:
        raise ValueError(f"unknown status {wanted['status']!r}")
    changes = {
        name: [_plain(getattr(item, name)), _plain(value)]
        for name, value in wanted.items()
        if getattr(item, name) != value
    }
    if not changes:
        return {}
    for name, value in wanted.items():
        setattr(item, name, value)
    if "status" in changes:
        item.done_at = utcnow() if item.status == "done" else None
    _refresh_follow_up(assessment)
    _record(advisor, assessment, "action_changed", text=item.text, changes=changes)
    return changes


def _plain(value: Any) -> Any:
    """A value as the audit log keeps it (dates as ISO text)."""
    return value.isoformat() if isinstance(value, date) else value


def remove_action(advisor: Advisor, assessment: Assessment, item_id: int) -> bool:
    """Remove a step of this assessment's plan; False if there is no such step."""
    item = _action(assessment, item_id)
    if item is None:
        return False
    db.session.delete(item)
    _refresh_follow_up(assessment)
    _record(advisor, assessment, "action_removed", text=item.text)
    return True


def show_actions_in_report(advisor: Advisor, assessment: Assessment, shown: bool) -> bool:
    """Whether the action items appear in the company's report and PDF; False if unchanged."""
    if assessment.actions_in_report == shown:
        return False
    assessment.actions_in_report = shown
    _record(advisor, assessment, "actions_in_report", shown=shown)
    return True


def history(assessment: Assessment) -> list[AuditEvent]:
    """Every change made to the assessment by advisors, newest first."""
    query = select(AuditEvent).filter_by(assessment_id=assessment.id)
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    return list(db.session.scalars(query.options(joinedload(AuditEvent.advisor))))


def earlier_and_later(assessment: Assessment) -> tuple[list[Assessment], list[Assessment]]:
    """The shared, submitted checks of the same company before and after this one."""
    earlier: list[Assessment] = []
    seen = {assessment.id}
    current = assessment.previous
    while current is not None and current.id not in seen and len(earlier) < 50:
        seen.add(current.id)
        if current.consent_advisors and current.submitted:
            earlier.append(current)
        current = current.previous
    later: list[Assessment] = []
    frontier = [assessment.id]
    while frontier and len(later) < 50:
        found = db.session.scalars(
            select(Assessment).where(Assessment.previous_id.in_(frontier))
        ).all()
        frontier = [a.id for a in found if a.id not in seen]
        seen.update(frontier)
        later.extend(a for a in found if a.consent_advisors and a.submitted)
    return earlier, sorted(later, key=lambda a: a.id)


def consultations(assessment: Assessment) -> list[ConsultationRequest]:
    """The company's consultation requests, newest first, with who handles them."""
    return list(
        db.session.scalars(
            select(ConsultationRequest)
            .options(joinedload(ConsultationRequest.advisor))
            .where(ConsultationRequest.assessment_id == assessment.id)
            .order_by(ConsultationRequest.created_at.desc(), ConsultationRequest.id.desc())
        )
    )


def move_consultation(
    advisor: Advisor, assessment: Assessment, request_id: int, status: str
) -> bool:
    """Take a request on (in_progress, by this advisor) or mark it done; False when it is not
    the company's or is there already."""
    found = db.session.get(ConsultationRequest, request_id)
    if found is None or found.assessment_id != assessment.id or found.status == status:
        return False
    now = utcnow()
    if status == "in_progress":
        found.advisor_id, found.taken_at = advisor.id, now
    else:
        found.advisor_id = found.advisor_id or advisor.id
        found.done_at = now
    found.status = status
    _record(advisor, assessment, f"consultation_{status}", request=request_id)
    return True
