"""monthly progress updates (issue 5 item 1)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "progress_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("landing_unit", sa.String(length=64), nullable=False),
        sa.Column("prompted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("closed", sa.String(length=12), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_progress_requests_project_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_requests")),
        sa.UniqueConstraint("project_id", "period", name="uq_progress_requests_project_period"),
    )
    op.create_table(
        "progress_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("funds", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("stage_changed", sa.Boolean(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=False),
        sa.Column("first_submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_progress_updates_project_id_projects")),
        sa.ForeignKeyConstraint(["submitted_by"], ["people.id"], name=op.f("fk_progress_updates_submitted_by_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_updates")),
        sa.UniqueConstraint("project_id", "period", name="uq_progress_updates_project_period"),
    )
    with op.batch_alter_table("progress_updates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_progress_updates_period"), ["period"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("progress_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_progress_updates_period"))
    op.drop_table("progress_updates")
    op.drop_table("progress_requests")
