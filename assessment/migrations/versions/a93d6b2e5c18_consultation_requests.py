"""Consultation requests, and the e-mail an advisor wants

Revision ID: a93d6b2e5c18
Revises: e8a4c1f7b392
Create Date: 2026-12-05 21:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a93d6b2e5c18"
down_revision = "e8a4c1f7b392"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "consultation_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("way", sa.String(length=20), nullable=False),
        sa.Column("preferred_time", sa.String(length=200), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("advisor_id", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["advisor_id"],
            ["advisors.id"],
            name=op.f("fk_consultation_requests_advisor_id_advisors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_consultation_requests_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_requests")),
    )
    with op.batch_alter_table("consultation_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_requests_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consultation_requests_status"), ["status"], unique=False
        )
    with op.batch_alter_table("advisors", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("notify_requests", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("daily_digest", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("language", sa.String(length=8), server_default="de", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("advisors", schema=None) as batch_op:
        batch_op.drop_column("language")
        batch_op.drop_column("daily_digest")
        batch_op.drop_column("notify_requests")
    with op.batch_alter_table("consultation_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_requests_status"))
        batch_op.drop_index(batch_op.f("ix_consultation_requests_assessment_id"))
    op.drop_table("consultation_requests")
