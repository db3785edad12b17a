"""Tables and repository of 联络处 monthly reports and leader visits (issue 5 item 5)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint, func, insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.liaison import MonthlyReport, Visit
from storage.tables import metadata
from storage.types import UtcDateTime

# One report per office and month: a second one is refused, not merged.
liaison_reports = Table(
    "liaison_reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("office", String(64), nullable=False),
    Column("month", Date, nullable=False),
    Column("leads", Text, nullable=False),
    Column("activities", Text, nullable=False),
    Column("next_plan", Text, nullable=False),
    Column("coordination", Text, nullable=False),
    Column("submitted_by", ForeignKey("people.id"), nullable=False),
    Column("submitted_at", UtcDateTime, nullable=False),
    UniqueConstraint("office", "month", name="uq_liaison_reports_office_month"),
)

liaison_visits = Table(
    "liaison_visits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("office", String(64), nullable=False, index=True),
    Column("visited_on", Date, nullable=False),
    Column("whom", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("leader_id", ForeignKey("people.id"), nullable=False),
    Column("report_id", ForeignKey("liaison_reports.id")),
    Column("recorded_at", UtcDateTime, nullable=False),
)


def _report(row: RowMapping) -> MonthlyReport:
    return MonthlyReport(
        office=row["office"],
        month=row["month"],
        leads=row["leads"],
        activities=row["activities"],
        next_plan=row["next_plan"],
        coordination=row["coordination"],
        submitted_by=row["submitted_by"],
        submitted_at=row["submitted_at"],
        id=row["id"],
    )


def _visit(row: RowMapping) -> Visit:
    return Visit(
        office=row["office"],
        visited_on=row["visited_on"],
        whom=row["whom"],
        outcome=row["outcome"],
        leader_id=row["leader_id"],
        recorded_at=row["recorded_at"],
        report_id=row["report_id"],
        id=row["id"],
    )


class LiaisonRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_report(self, report: MonthlyReport) -> int | None:
        """Store the report; None if the office has one for that month already (nothing is written then)."""
        values = {
            "office": report.office,
            "month": report.month,
            "leads": report.leads,
            "activities": report.activities,
            "next_plan": report.next_plan,
            "coordination": report.coordination,
            "submitted_by": report.submitted_by,
            "submitted_at": report.submitted_at,
        }
        try:
            async with self._session.begin_nested():
                result = await self._session.execute(
                    insert(liaison_reports).values(**values).returning(liaison_reports.c.id)
                )
                return int(result.scalar_one())
        except IntegrityError:
            return None

    async def report(self, report_id: int) -> MonthlyReport | None:
        query = select(liaison_reports).where(liaison_reports.c.id == report_id)
        row = (await self._session.execute(query)).mappings().first()
        return _report(row) if row is not None else None

    async def report_for(self, office: str, month: date) -> MonthlyReport | None:
        query = select(liaison_reports).where(liaison_reports.c.office == office, liaison_reports.c.month == month)
        row = (await self._session.execute(query)).mappings().first()
        return _report(row) if row is not None else None

    async def latest_report(self, office: str) -> MonthlyReport | None:
        query = (
            select(liaison_reports)
            .where(liaison_reports.c.office == office)
            .order_by(liaison_reports.c.month.desc())
            .limit(1)
        )
        row = (await self._session.execute(query)).mappings().first()
        return _report(row) if row is not None else None

    async def first_submitted_at(self, office: str) -> datetime | None:
        """When the office first reported, if it ever has."""
        query = select(func.min(liaison_reports.c.submitted_at)).where(liaison_reports.c.office == office)
        # min() keeps the column's type, so the value comes back aware like the column's.
        value: datetime | None = (await self._session.execute(query)).scalar_one_or_none()
        return value

    async def add_visit(self, visit: Visit) -> int:
        result = await self._session.execute(
            insert(liaison_visits)
            .values(
                office=visit.office,
                visited_on=visit.visited_on,
                whom=visit.whom,
                outcome=visit.outcome,
                leader_id=visit.leader_id,
                report_id=visit.report_id,
                recorded_at=visit.recorded_at,
            )
            .returning(liaison_visits.c.id)
        )
        return int(result.scalar_one())

    async def visits(self, office: str, *, limit: int = 3) -> list[Visit]:
        """The office's latest visits, the most recent first."""
        query = (
            select(liaison_visits)
            .where(liaison_visits.c.office == office)
            .order_by(liaison_visits.c.visited_on.desc(), liaison_visits.c.id.desc())
            .limit(limit)
        )
        return [_visit(row) for row in (await self._session.execute(query)).mappings()]

    async def last_visit_on(self, office: str) -> date | None:
        query = select(func.max(liaison_visits.c.visited_on)).where(liaison_visits.c.office == office)
        value: date | None = (await self._session.execute(query)).scalar_one_or_none()
        return value
