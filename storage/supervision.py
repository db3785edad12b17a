"""What every supervision feature shares: the ledger of alarms already sent and the assessment marks.

The ledger makes each reconciler idempotent: an alarm (a reminder, a warning, a prompt...) is sent only by
the caller that first records its key, inside the same transaction as its audit event and outbox rows, so a
doubled tick or two processes racing send it once. Assessment marks are the facts the annual assessment
counts (a late update, a 通报批评...), each written once per source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Column,
    Date,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import metadata
from storage.types import UtcDateTime

alarm_ledger = Table(
    "alarm_ledger",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("sent_at", UtcDateTime, nullable=False),
)

# One row per fact the annual assessment counts; `source` names what caused it, so it is written once.
assessment_marks = Table(
    "assessment_marks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit", String(64), nullable=False, index=True),
    Column("year", Integer, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("points", Numeric(8, 2), nullable=False),
    Column("source", String(200), nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("recorded_at", UtcDateTime, nullable=False),
    UniqueConstraint("kind", "source", name="uq_assessment_marks_kind_source"),
)


class AlarmLedger:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def first_time(self, key: str, now: datetime) -> bool:
        """Record that the alarm `key` goes out now; False if it already went (nothing is written then)."""
        try:
            async with self._session.begin_nested():
                await self._session.execute(insert(alarm_ledger).values(key=key, sent_at=now))
        except IntegrityError:
            return False
        return True

    async def sent(self, key: str) -> bool:
        return await self.sent_at(key) is not None

    async def sent_at(self, key: str) -> datetime | None:
        """When the alarm `key` went out, or None if it has not."""
        result = await self._session.execute(select(alarm_ledger.c.sent_at).where(alarm_ledger.c.key == key))
        sent: datetime | None = result.scalar_one_or_none()
        return sent


@dataclass(frozen=True)
class AssessmentMark:
    unit: str
    year: int
    kind: str
    points: Decimal  # signed: a 扣分 is negative
    source: str
    occurred_on: date
    note: str = ""


class AssessmentMarks:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, mark: AssessmentMark, now: datetime) -> bool:
        """Record `mark`; False if a mark of its kind from the same source exists already."""
        try:
            async with self._session.begin_nested():
                await self._session.execute(
                    insert(assessment_marks).values(
                        unit=mark.unit,
                        year=mark.year,
                        kind=mark.kind,
                        points=mark.points,
                        source=mark.source,
                        occurred_on=mark.occurred_on,
                        note=mark.note,
                        recorded_at=now,
                    )
                )
        except IntegrityError:
            return False
        return True

    async def for_year(self, year: int, *, unit: str | None = None) -> list[AssessmentMark]:
        query = select(assessment_marks).where(assessment_marks.c.year == year).order_by(assessment_marks.c.id)
        if unit is not None:
            query = query.where(assessment_marks.c.unit == unit)
        rows = (await self._session.execute(query)).mappings()
        return [
            AssessmentMark(
                unit=row["unit"],
                year=row["year"],
                kind=row["kind"],
                points=Decimal(row["points"]),
                source=row["source"],
                occurred_on=row["occurred_on"],
                note=row["note"],
            )
            for row in rows
        ]
