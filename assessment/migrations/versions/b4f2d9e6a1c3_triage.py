"""Triage: the firm's urgency and next follow-up; due date, owner and status of action items

Revision ID: b4f2d9e6a1c3
Revises: c5e1f08d7a24
Create Date: 2026-12-06 00:10:00.000000

"""

from typing import Any

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b4f2d9e6a1c3"
down_revision = "c5e1f08d7a24"
branch_labels = None
depends_on = None

versions = sa.table(
    "questionnaire_versions",
    sa.column("id", sa.Integer),
    sa.column("questionnaire_id", sa.String),
    sa.column("snapshot", sa.JSON),
)
assessments = sa.table(
    "assessments",
    sa.column("id", sa.Integer),
    sa.column("questionnaire_version_id", sa.Integer),
    sa.column("urgency", sa.String),
    sa.column("urgency_rank", sa.SmallInteger),
)
answers = sa.table(
    "answers",
    sa.column("assessment_id", sa.Integer),
    sa.column("question_id", sa.String),
    sa.column("value", sa.JSON),
)


def upgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("urgency", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("urgency_rank", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("follow_up_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_assessments_urgency_rank"), ["urgency_rank"])
        batch_op.create_index(batch_op.f("ix_assessments_follow_up_on"), ["follow_up_on"])
    with op.batch_alter_table("advisor_action_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("owner", sa.String(length=10), server_default="advisor", nullable=False)
        )
        batch_op.add_column(
            sa.Column("status", sa.String(length=10), server_default="open", nullable=False)
        )
        batch_op.add_column(sa.Column("done_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_advisor_action_items_due_on"), ["due_on"])
    _fill_urgency(op.get_bind())


def _served_urgency() -> dict[str, str]:
    """The urgency question each questionnaire served now names (when run by `flask db`)."""
    try:
        from assessment.catalogue import questionnaires

        return {q.id: q.urgency for q in questionnaires().values() if q.urgency}
    except (ImportError, RuntimeError):  # outside the app there is nothing served to ask
        return {}


def _options(snapshot: dict[str, Any], question_id: str) -> list[str]:
    """The option ids of a single question of a pinned questionnaire, in order."""
    document = snapshot.get("questionnaire") or {}
    questions = list(document.get("profile") or ())
    for dimension in document.get("dimensions") or ():
        questions.extend(dimension.get("questions") or ())
    for question in questions:
        if question.get("id") == question_id and question.get("type") == "single":
            return [option.get("id") for option in question.get("options") or ()]
    return []


def _fill_urgency(connection: sa.Connection) -> None:
    """Earlier checks get the urgency they answered: the question their pinned version names,
    or (for versions pinned before the key existed) the one the served questionnaire names."""
    served = _served_urgency()
    for version_id, questionnaire_id, snapshot in connection.execute(sa.select(versions)):
        document = (snapshot or {}).get("questionnaire") or {}
        question_id = document.get("urgency") or served.get(questionnaire_id)
        options = _options(snapshot or {}, question_id) if question_id else []
        if not options:
            continue
        rows = connection.execute(
            sa.select(answers.c.assessment_id, answers.c.value)
            .join(assessments, assessments.c.id == answers.c.assessment_id)
            .where(
                assessments.c.questionnaire_version_id == version_id,
                answers.c.question_id == question_id,
            )
        ).all()
        for assessment_id, value in rows:
            if value in options:
                connection.execute(
                    sa.update(assessments)
                    .where(assessments.c.id == assessment_id)
                    .values(urgency=value, urgency_rank=options.index(value))
                )


def downgrade():
    with op.batch_alter_table("advisor_action_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_advisor_action_items_due_on"))
        batch_op.drop_column("done_at")
        batch_op.drop_column("status")
        batch_op.drop_column("owner")
        batch_op.drop_column("due_on")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessments_follow_up_on"))
        batch_op.drop_index(batch_op.f("ix_assessments_urgency_rank"))
        batch_op.drop_column("follow_up_on")
        batch_op.drop_column("urgency_rank")
        batch_op.drop_column("urgency")
