"""supervision: the alarm ledger and the assessment marks

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alarm_ledger",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_alarm_ledger")),
    )
    op.create_table(
        "assessment_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("points", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_marks")),
        sa.UniqueConstraint("kind", "source", name="uq_assessment_marks_kind_source"),
    )
    with op.batch_alter_table("assessment_marks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_marks_unit"), ["unit"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assessment_marks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_marks_unit"))
    op.drop_table("assessment_marks")
    op.drop_table("alarm_ledger")
