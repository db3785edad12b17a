"""Tables and repository of monthly progress updates (issue 5 item 1).

`progress_requests` records each update asked for (one per project and month, written with the prompt), with
its due date and how it closed when it was never given; `progress_updates` holds the updates given (one per
project and month: a second submission replaces the content and keeps the first one's time and lateness).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.lifecycle import Stage
from domain.progress import ProgressUpdate, next_period
from storage.tables import metadata
from storage.types import UtcDateTime


class Closed(StrEnum):
    """How an update asked for and never given ended."""

    MISSING = "missing"  # not given by the next month's prompt day: a 扣分
    MOOT = "moot"  # the project stopped being active (开工, ended) before it was given: nothing owed


progress_requests = Table(
    "progress_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", ForeignKey("projects.id"), nullable=False),
    Column("period", Date, nullable=False),  # the month's first day
    Column("landing_unit", String(64), nullable=False),
    Column("prompted_at", UtcDateTime, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("closed", String(12)),  # Closed, when never given
    Column("closed_at", UtcDateTime),
    UniqueConstraint("project_id", "period", name="uq_progress_requests_project_period"),
)

progress_updates = Table(
    "progress_updates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", ForeignKey("projects.id"), nullable=False),
    Column("period", Date, nullable=False, index=True),
    Column("funds", Numeric(20, 2), nullable=False),  # 元
    Column("progress", Text, nullable=False),
    Column("problems", Text, nullable=False),
    Column("stage", String(20), nullable=False),
    Column("stage_changed", Boolean, nullable=False),
    Column("submitted_by", ForeignKey("people.id"), nullable=False),
    Column("first_submitted_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("late", Boolean, nullable=False),
    Column("revision", Integer, nullable=False),
    UniqueConstraint("project_id", "period", name="uq_progress_updates_project_period"),
)


@dataclass(frozen=True)
class UpdateRequest:
    """An update asked for: of which project and month, when, and by when."""

    project_id: int
    period: date
    landing_unit: str
    prompted_at: datetime
    due_on: date
    closed: Closed | None = None
    id: int | None = None


def _request(row: RowMapping) -> UpdateRequest:
    return UpdateRequest(
        project_id=row["project_id"],
        period=row["period"],
        landing_unit=row["landing_unit"],
        prompted_at=row["prompted_at"],
        due_on=row["due_on"],
        closed=Closed(row["closed"]) if row["closed"] else None,
        id=row["id"],
    )


def _update(row: RowMapping) -> ProgressUpdate:
    return ProgressUpdate(
        project_id=row["project_id"],
        period=row["period"],
        funds=Decimal(row["funds"]).quantize(Decimal("0.01")),
        progress=row["progress"],
        problems=row["problems"],
        stage=Stage(row["stage"]),
        stage_changed=row["stage_changed"],
        submitted_by=row["submitted_by"],
        first_submitted_at=row["first_submitted_at"],
        updated_at=row["updated_at"],
        late=row["late"],
        revision=row["revision"],
        id=row["id"],
    )


class ProgressRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # ---- requests --------------------------------------------------------------------------------------------
    async def add_request(self, request: UpdateRequest) -> bool:
        """Record that the update was asked for; False if it had been already (nothing is written then)."""
        try:
            async with self._session.begin_nested():
                await self._session.execute(
                    insert(progress_requests).values(
                        project_id=request.project_id,
                        period=request.period,
                        landing_unit=request.landing_unit,
                        prompted_at=request.prompted_at,
                        due_on=request.due_on,
                    )
                )
        except IntegrityError:
            return False
        return True

    async def request_for(self, project_id: int, period: date) -> UpdateRequest | None:
        r = progress_requests.c
        row = (
            (
                await self._session.execute(
                    select(progress_requests).where(r.project_id == project_id, r.period == period)
                )
            )
            .mappings()
            .first()
        )
        return _request(row) if row is not None else None

    async def latest_request(self, project_id: int) -> UpdateRequest | None:
        r = progress_requests.c
        query = select(progress_requests).where(r.project_id == project_id).order_by(r.period.desc()).limit(1)
        row = (await self._session.execute(query)).mappings().first()
        return _request(row) if row is not None else None

    async def requests_in(self, period: date) -> list[UpdateRequest]:
        query = select(progress_requests).where(progress_requests.c.period == period).order_by(progress_requests.c.id)
        return [_request(row) for row in (await self._session.execute(query)).mappings()]

    async def unanswered(
        self,
        *,
        before: date | None = None,
        period: date | None = None,
        project_ids: Collection[int] | None = None,
    ) -> list[UpdateRequest]:
        """Requests neither answered nor closed: of months before `before`, or of `period`, or of these projects."""
        r, u = progress_requests.c, progress_updates.c
        query = (
            select(progress_requests)
            .outerjoin(progress_updates, and_(u.project_id == r.project_id, u.period == r.period))
            .where(u.id.is_(None), r.closed.is_(None))
            .order_by(r.id)
        )
        if before is not None:
            query = query.where(r.period < before)
        if period is not None:
            query = query.where(r.period == period)
        if project_ids is not None:
            query = query.where(r.project_id.in_(list(project_ids)))
        return [_request(row) for row in (await self._session.execute(query)).mappings()]

    async def close(self, request_id: int, closed: Closed, now: datetime) -> bool:
        """Close an unanswered request; False if it was closed already."""
        r = progress_requests.c
        result = await self._session.execute(
            update(progress_requests).where(r.id == request_id, r.closed.is_(None)).values(closed=closed, closed_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    # ---- updates ---------------------------------------------------------------------------------------------
    async def update_for(self, project_id: int, period: date) -> ProgressUpdate | None:
        u = progress_updates.c
        query = select(progress_updates).where(u.project_id == project_id, u.period == period)
        row = (await self._session.execute(query)).mappings().first()
        return _update(row) if row is not None else None

    async def updates_in(self, period: date, project_ids: Collection[int]) -> dict[int, ProgressUpdate]:
        u = progress_updates.c
        query = select(progress_updates).where(u.period == period, u.project_id.in_(list(project_ids)))
        return {row["project_id"]: _update(row) for row in (await self._session.execute(query)).mappings()}

    async def save(self, given: ProgressUpdate) -> int:
        """Store the update: a new one is inserted, one with an id (a resubmission) replaces that row's content."""
        values = {
            "funds": given.funds,
            "progress": given.progress,
            "problems": given.problems,
            "stage": given.stage.value,
            "stage_changed": given.stage_changed,
            "submitted_by": given.submitted_by,
            "updated_at": given.updated_at,
            "revision": given.revision,
        }
        if given.id is not None:
            await self._session.execute(
                update(progress_updates).where(progress_updates.c.id == given.id).values(**values)
            )
            return given.id
        result = await self._session.execute(
            insert(progress_updates)
            .values(
                project_id=given.project_id,
                period=given.period,
                first_submitted_at=given.first_submitted_at,
                late=given.late,
                **values,
            )
            .returning(progress_updates.c.id)
        )
        return int(result.scalar_one())

    # ---- the agreed interface with deadlines and 通报 -----------------------------------------------------------
    async def open_deadlines(self, project_ids: Collection[int]) -> dict[int, date]:
        """For each of `project_ids` with a monthly update asked for and not yet given: its due date."""
        if not project_ids:
            return {}
        due: dict[int, date] = {}
        for request in await self.unanswered(project_ids=project_ids):
            # The latest month counts: an older one still unclosed is about to be marked missing.
            due[request.project_id] = max(request.due_on, due.get(request.project_id, request.due_on))
        return due

    async def funds_by_project(self, year: int, through_month: int) -> dict[int, Decimal]:
        """到位资金 (元) each project reported in `year`, months 1..`through_month`, summed."""
        u = progress_updates.c
        first, end = date(year, 1, 1), next_period(date(year, through_month, 1))
        query = (
            select(u.project_id, func.sum(u.funds))
            .where(u.period >= first, u.period < end)
            .group_by(u.project_id)
            .order_by(u.project_id)
        )
        return {
            int(project_id): Decimal(total).quantize(Decimal("0.01"))
            for project_id, total in (await self._session.execute(query)).all()
        }
