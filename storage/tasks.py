"""Tables and repository of 交办单 and their items (issue 5 item 3).

A 交办单 is saved as a whole (request and items) with a version check: the row is updated only where it still
has the version that was read, so of two taps on the same button only the first changes anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.errors import DomainError
from domain.tasks import ItemStatus, TaskItem, TaskRequest, TaskStatus
from storage.tables import metadata
from storage.types import UtcDateTime

task_requests = Table(
    "task_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reporter_id", ForeignKey("people.id"), nullable=False),
    Column("unit", ForeignKey("units.code"), nullable=False),
    Column("project_id", ForeignKey("projects.id", ondelete="SET NULL"), index=True),
    Column("material", Text, nullable=False),
    Column("reported_at", UtcDateTime, nullable=False),
    Column("status", String(12), nullable=False, index=True),
    Column("summary", Text, nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("prepared_by", ForeignKey("people.id")),
    Column("approved_by", ForeignKey("people.id")),
    Column("issued_by", ForeignKey("people.id")),
    Column("issued_on", Date),
    Column("closed_at", UtcDateTime),
    Column("version", Integer, nullable=False),
)

task_items = Table(
    "task_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", ForeignKey("task_requests.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("unit", ForeignKey("units.code"), nullable=False),
    Column("what", Text, nullable=False),
    Column("deadline", Date),
    Column("due_on", Date),
    Column("status", String(8), nullable=False),
    Column("explanation", Text, nullable=False, default=""),
    Column("done_by", ForeignKey("people.id")),
    Column("done_at", UtcDateTime),
    Column("done_on", Date),
    Column("criticized_on", Date),
    Column("criticized_by", ForeignKey("people.id")),
    Index("ix_task_items_request_seq", "request_id", "seq", unique=True),
    Index("ix_task_items_unit_status", "unit", "status"),
)

_REQUEST_FIELDS = (
    "reporter_id",
    "unit",
    "project_id",
    "material",
    "reported_at",
    "status",
    "summary",
    "note",
    "prepared_by",
    "approved_by",
    "issued_by",
    "issued_on",
    "closed_at",
)
_ITEM_FIELDS = (
    "seq",
    "unit",
    "what",
    "deadline",
    "due_on",
    "status",
    "explanation",
    "done_by",
    "done_at",
    "done_on",
    "criticized_on",
    "criticized_by",
)


class TaskNotFound(DomainError):
    code = "task_not_found"


class TaskChanged(DomainError):
    """Someone changed the 交办单 between reading and saving it (a second tap): nothing of this was saved."""

    code = "task_changed"


class TaskRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, request: TaskRequest) -> int:
        """Insert a new 交办单 with its items; gives it its id and version 1."""
        values = _request_values(request)
        result = await self._session.execute(
            insert(task_requests).values(**values, version=1).returning(task_requests.c.id)
        )
        request.id, request.version = int(result.scalar_one()), 1
        await self._save_items(request)
        return request.id

    async def save(self, request: TaskRequest) -> None:
        """Write back a changed 交办单, if nobody saved it since it was read (TaskChanged otherwise)."""
        assert request.id is not None
        t = task_requests
        result = await self._session.execute(
            update(t)
            .where(t.c.id == request.id, t.c.version == request.version)
            .values(**_request_values(request), version=request.version + 1)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise TaskChanged(f"交办单 {request.id} changed since version {request.version}.", id=request.id)
        request.version += 1
        await self._save_items(request)

    async def _save_items(self, request: TaskRequest) -> None:
        i = task_items
        kept = [item.id for item in request.items if item.id is not None]
        await self._session.execute(delete(i).where(i.c.request_id == request.id, i.c.id.not_in(kept)))
        for item in request.items:
            values = _item_values(item)
            if item.id is None:
                result = await self._session.execute(
                    insert(i).values(request_id=request.id, **values).returning(i.c.id)
                )
                item.id = int(result.scalar_one())
            else:
                await self._session.execute(update(i).where(i.c.id == item.id).values(**values))

    async def get(self, request_id: int) -> TaskRequest:
        row = (await self._session.execute(select(task_requests).where(task_requests.c.id == request_id))).first()
        if row is None:
            raise TaskNotFound(f"交办单 {request_id} does not exist.", id=request_id)
        return (await self._assemble([row._mapping]))[0]

    async def by_item(self, item_id: int) -> TaskRequest:
        """The 交办单 that holds item `item_id`."""
        query = select(task_items.c.request_id).where(task_items.c.id == item_id)
        request_id = (await self._session.execute(query)).scalar_one_or_none()
        if request_id is None:
            raise TaskNotFound(f"No 交办单 has item {item_id}.", id=item_id)
        return await self.get(int(request_id))

    async def find(
        self,
        *,
        statuses: Iterable[TaskStatus] | None = None,
        open_item_units: Iterable[str] | None = None,
        reporter_id: int | None = None,
        limit: int = 50,
    ) -> list[TaskRequest]:
        """交办单 at these statuses; with `open_item_units`, only those with an open item of one of these units;
        with `reporter_id`, those reported by this person (either condition, when both are given); oldest first."""
        t, i = task_requests, task_items
        query = select(t).order_by(t.c.id).limit(limit)
        if statuses is not None:
            query = query.where(t.c.status.in_([s.value for s in statuses]))
        wanted: list[ColumnElement[bool]] = []
        if open_item_units is not None:
            with_items = select(i.c.request_id).where(
                i.c.unit.in_(list(open_item_units)), i.c.status == ItemStatus.OPEN.value
            )
            wanted.append(t.c.id.in_(with_items))
        if reporter_id is not None:
            wanted.append(t.c.reporter_id == reporter_id)
        if wanted:
            query = query.where(or_(*wanted))
        rows = (await self._session.execute(query)).mappings().all()
        return await self._assemble(rows)

    async def issued_with_open_items(self) -> list[TaskRequest]:
        """Every issued 交办单 (each has an open item: the last one done closes it)."""
        return await self.find(statuses=[TaskStatus.ISSUED], limit=10_000)

    async def _assemble(self, rows: Iterable[RowMapping]) -> list[TaskRequest]:
        requests = [_request_of(row) for row in rows]
        if not requests:
            return []
        by_id = {r.id: r for r in requests}
        query = select(task_items).where(task_items.c.request_id.in_(list(by_id))).order_by(task_items.c.seq)
        for row in (await self._session.execute(query)).mappings():
            by_id[row["request_id"]].items.append(_item_of(row))
        return requests


def _request_values(request: TaskRequest) -> dict[str, Any]:
    values = {name: getattr(request, name) for name in _REQUEST_FIELDS}
    values["status"] = request.status.value
    return values


def _item_values(item: TaskItem) -> dict[str, Any]:
    values = {name: getattr(item, name) for name in _ITEM_FIELDS}
    values["status"] = item.status.value
    return values


def _request_of(row: RowMapping) -> TaskRequest:
    values = {name: row[name] for name in _REQUEST_FIELDS}
    values["status"] = TaskStatus(row["status"])
    return TaskRequest(**values, id=row["id"], version=row["version"])


def _item_of(row: RowMapping) -> TaskItem:
    values = {name: row[name] for name in _ITEM_FIELDS}
    values["status"] = ItemStatus(row["status"])
    return TaskItem(**values, id=row["id"])
