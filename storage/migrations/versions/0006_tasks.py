"""交办单 and their items (issue 5 item 3)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("material", sa.Text(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("prepared_by", sa.Integer(), nullable=True),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("issued_by", sa.Integer(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["reporter_id"], ["people.id"], name=op.f("fk_task_requests_reporter_id_people")),
        sa.ForeignKeyConstraint(["unit"], ["units.code"], name=op.f("fk_task_requests_unit_units")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_task_requests_project_id_projects"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["prepared_by"], ["people.id"], name=op.f("fk_task_requests_prepared_by_people")),
        sa.ForeignKeyConstraint(["approved_by"], ["people.id"], name=op.f("fk_task_requests_approved_by_people")),
        sa.ForeignKeyConstraint(["issued_by"], ["people.id"], name=op.f("fk_task_requests_issued_by_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_requests")),
    )
    with op.batch_alter_table("task_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_requests_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_requests_status"), ["status"], unique=False)

    op.create_table(
        "task_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("criticized_on", sa.Date(), nullable=True),
        sa.Column("criticized_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["task_requests.id"],
            name=op.f("fk_task_items_request_id_task_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["unit"], ["units.code"], name=op.f("fk_task_items_unit_units")),
        sa.ForeignKeyConstraint(["done_by"], ["people.id"], name=op.f("fk_task_items_done_by_people")),
        sa.ForeignKeyConstraint(["criticized_by"], ["people.id"], name=op.f("fk_task_items_criticized_by_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_items")),
    )
    with op.batch_alter_table("task_items", schema=None) as batch_op:
        batch_op.create_index("ix_task_items_request_seq", ["request_id", "seq"], unique=True)
        batch_op.create_index("ix_task_items_unit_status", ["unit", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("task_items", schema=None) as batch_op:
        batch_op.drop_index("ix_task_items_unit_status")
        batch_op.drop_index("ix_task_items_request_seq")
    op.drop_table("task_items")
    with op.batch_alter_table("task_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_requests_status"))
        batch_op.drop_index(batch_op.f("ix_task_requests_project_id"))
    op.drop_table("task_requests")
