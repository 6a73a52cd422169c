"""Funding programmes: which programmes each submitted check's report shows

Revision ID: a7e5c2d9f4b1
Revises: d8c3a6f1e2b7
Create Date: 2026-12-06 03:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7e5c2d9f4b1"
down_revision = "d8c3a6f1e2b7"
branch_labels = None
depends_on = None


def upgrade():
    # Checks submitted before have no funding directory pinned: there is nothing to fill in.
    op.create_table(
        "funding_shown",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_funding_shown_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assessment_id", "programme_id", name=op.f("pk_funding_shown")),
    )
    with op.batch_alter_table("funding_shown", schema=None) as batch_op:
        batch_op.create_index(
            "ix_funding_shown_programme", ["programme_id", "assessment_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("funding_shown", schema=None) as batch_op:
        batch_op.drop_index("ix_funding_shown_programme")
    op.drop_table("funding_shown")
