"""Indexes of the advisors' statistics: shared checks firm by firm, a check's scores

Revision ID: c4d2b8e6a9f3
Revises: a7e5c2d9f4b1
Create Date: 2026-12-06 05:50:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c4d2b8e6a9f3"
down_revision = "a7e5c2d9f4b1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_assessments_shared_firm",
        "assessments",
        [
            "consent_advisors",
            "status",
            "firm_id",
            "submitted_at",
            "sector",
            "size",
            "region",
            "questionnaire_version_id",
            "overall_score",
        ],
        unique=False,
    )
    op.create_index(
        "ix_dimension_scores_assessment_score",
        "dimension_scores",
        ["assessment_id", "dimension_id", "score"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_dimension_scores_assessment_score", table_name="dimension_scores")
    op.drop_index("ix_assessments_shared_firm", table_name="assessments")
