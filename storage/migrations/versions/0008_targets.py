"""annual targets, month plans fixed by hand and office-entered monthly figures (issue 5 item 4)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _monthly(name: str, verb: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column(f"{verb}_by", sa.Integer(), nullable=False),
        sa.Column(f"{verb}_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("unit", "indicator", "year", "month", name=f"uq_{name}_unit_indicator_year_month"),
    )


def upgrade() -> None:
    op.create_table(
        "annual_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column("starts_month", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annual_targets")),
        sa.UniqueConstraint("unit", "indicator", "year", name="uq_annual_targets_unit_indicator_year"),
    )
    _monthly("plan_overrides", "set")
    _monthly("indicator_figures", "entered")


def downgrade() -> None:
    op.drop_table("indicator_figures")
    op.drop_table("plan_overrides")
    op.drop_table("annual_targets")
