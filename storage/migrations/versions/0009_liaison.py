"""联络处 monthly reports and leader visits (issue 5 item 5)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "liaison_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office", sa.String(length=64), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("leads", sa.Text(), nullable=False),
        sa.Column("activities", sa.Text(), nullable=False),
        sa.Column("next_plan", sa.Text(), nullable=False),
        sa.Column("coordination", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["submitted_by"], ["people.id"], name=op.f("fk_liaison_reports_submitted_by_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_liaison_reports")),
        sa.UniqueConstraint("office", "month", name="uq_liaison_reports_office_month"),
    )
    op.create_table(
        "liaison_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office", sa.String(length=64), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("whom", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["leader_id"], ["people.id"], name=op.f("fk_liaison_visits_leader_id_people")),
        sa.ForeignKeyConstraint(
            ["report_id"], ["liaison_reports.id"], name=op.f("fk_liaison_visits_report_id_liaison_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_liaison_visits")),
    )
    with op.batch_alter_table("liaison_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_liaison_visits_office"), ["office"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("liaison_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_liaison_visits_office"))
    op.drop_table("liaison_visits")
    op.drop_table("liaison_reports")
