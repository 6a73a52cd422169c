"""Index of the benchmark's peer groups (same sector and size, same sector)

Revision ID: f2fc875ee085
Revises: ff528c2d3aa5
Create Date: 2026-11-24 08:09:26.214996

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "f2fc875ee085"
down_revision = "ff528c2d3aa5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessments_peers",
            ["sector", "size", "status", "consent_benchmark"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_assessments_peers")
