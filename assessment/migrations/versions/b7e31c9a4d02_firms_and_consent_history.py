"""Firms (a check's firm: its repeat chain and namesakes), consent history, counters

Revision ID: b7e31c9a4d02
Revises: f2fc875ee085
Create Date: 2026-12-05 15:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e31c9a4d02"
down_revision = "f2fc875ee085"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "consent_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("consent", sa.String(length=20), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "consent IN ('benchmark', 'advisors', 'partners')",
            name=op.f("ck_consent_changes_consent"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_consent_changes_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_changes")),
    )
    with op.batch_alter_table("consent_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_changes_assessment_id"), ["assessment_id"], unique=False
        )
    counters = op.create_table(
        "counters",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counters")),
    )
    op.bulk_insert(counters, [{"name": "peers", "value": 0}])
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("firm_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_assessments_firm", ["firm_id", "status", "submitted_at"])
        batch_op.create_index("ix_assessments_company_region", ["company_key", "region"])
    _fill_firms()


def _fill_firms():
    """Each check's firm: the first check of its repeat chain, joined with its namesakes."""
    assessments = sa.table(
        "assessments",
        sa.column("id", sa.Integer),
        sa.column("previous_id", sa.Integer),
        sa.column("company_key", sa.String),
        sa.column("region", sa.String),
        sa.column("firm_id", sa.Integer),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            assessments.c.id,
            assessments.c.previous_id,
            assessments.c.company_key,
            assessments.c.region,
        ).order_by(assessments.c.id)
    ).all()
    parent = {row.id: row.id for row in rows}

    def root(number):
        while parent[number] != number:
            parent[number] = parent[parent[number]]
            number = parent[number]
        return number

    def join(one, other):
        first, second = root(one), root(other)
        if first != second:
            parent[max(first, second)] = min(first, second)

    named = {}
    for row in rows:
        if row.previous_id in parent:
            join(row.id, row.previous_id)
        if row.company_key:
            key = (row.company_key, row.region)
            if key in named:
                join(row.id, named[key])
            else:
                named[key] = row.id
    if rows:
        connection.execute(
            assessments.update()
            .where(assessments.c.id == sa.bindparam("number"))
            .values(firm_id=sa.bindparam("firm")),
            [{"number": row.id, "firm": root(row.id)} for row in rows],
        )


def downgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_assessments_company_region")
        batch_op.drop_index("ix_assessments_firm")
        batch_op.drop_column("firm_id")
    op.drop_table("counters")
    with op.batch_alter_table("consent_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_changes_assessment_id"))
    op.drop_table("consent_changes")
