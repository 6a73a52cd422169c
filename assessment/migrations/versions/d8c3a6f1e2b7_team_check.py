"""Team checks: rounds with their link, the colleagues who joined, and their own checks

Revision ID: d8c3a6f1e2b7
Revises: b4f2d9e6a1c3
Create Date: 2026-12-06 00:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d8c3a6f1e2b7"
down_revision = "b4f2d9e6a1c3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("respondent_of", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("team_size", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("team_spread", sa.Double(), nullable=True))
        batch_op.create_index(batch_op.f("ix_assessments_respondent_of"), ["respondent_of"])
        batch_op.create_foreign_key(
            batch_op.f("fk_assessments_respondent_of_assessments"),
            "assessments",
            ["respondent_of"],
            ["id"],
            ondelete="CASCADE",
        )
    op.create_table(
        "team_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_team_rounds_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_rounds")),
        sa.UniqueConstraint("assessment_id", name=op.f("uq_team_rounds_assessment_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_team_rounds_token_hash")),
    )
    op.create_table(
        "team_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("shown_by_role", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_team_members_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["team_rounds.id"],
            name=op.f("fk_team_members_round_id_team_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_members")),
        sa.UniqueConstraint("assessment_id", name=op.f("uq_team_members_assessment_id")),
    )
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_members_round_id"), ["round_id"])


def downgrade():
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_members_round_id"))
    op.drop_table("team_members")
    op.drop_table("team_rounds")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_assessments_respondent_of_assessments"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_assessments_respondent_of"))
        batch_op.drop_column("respondent_of")
        batch_op.drop_column("team_spread")
        batch_op.drop_column("team_size")
