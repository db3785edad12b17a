"""The office reviews outbox rows that did not surely arrive: told once, re-sent (补发) or dismissed (issue 9 item 7)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resend_of", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("resolved_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("resolution", sa.String(length=12), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_outbox_resend_of"), ["resend_of"])
        batch_op.create_foreign_key(batch_op.f("fk_outbox_resend_of_outbox"), "outbox", ["resend_of"], ["id"])
        batch_op.create_foreign_key(batch_op.f("fk_outbox_resolved_by_people"), "people", ["resolved_by"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_resolved_by_people"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_outbox_resend_of_outbox"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_outbox_resend_of"), type_="unique")
        batch_op.drop_column("resolution")
        batch_op.drop_column("resolved_by")
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("reported_at")
        batch_op.drop_column("resend_of")
