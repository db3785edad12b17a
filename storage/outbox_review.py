"""The office's review of outbox rows that did not surely arrive (failed, or unknown after a timeout or crash):
which are still open, which the office has not been told of yet, and how a person dealt with one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import tables
from storage.repositories import OutboxStatus
from storage.types import to_primitive

# The rows a person may have to look at: Telegram refused them, or may or may not have them.
DOUBTFUL = (OutboxStatus.FAILED, OutboxStatus.UNKNOWN)


class Resolution(StrEnum):
    RESENT = "resent"  # the office had it re-sent (补发) as a new row
    NOT_NEEDED = "not_needed"  # the office found it arrived (e.g. asked by phone), or is no longer needed


class OutboxReview:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def open_page(self, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """One page of the doubtful rows nobody has dealt with yet, oldest first, and how many there are."""
        o = tables.outbox
        open_ = (o.c.status.in_(DOUBTFUL), o.c.resolved_at.is_(None))
        total = (await self._session.execute(select(func.count()).select_from(o).where(*open_))).scalar_one()
        query = select(o).where(*open_).order_by(o.c.id).offset(offset).limit(limit)
        return [dict(row) for row in (await self._session.execute(query)).mappings()], int(total)

    async def get(self, row_id: int) -> dict[str, Any] | None:
        row = (await self._session.execute(select(tables.outbox).where(tables.outbox.c.id == row_id))).mappings()
        found = row.one_or_none()
        return None if found is None else dict(found)

    async def unreported(self, ignoring: Iterable[str]) -> list[dict[str, Any]]:
        """Doubtful open rows the office has not been told of, except those of the message keys `ignoring`."""
        o = tables.outbox
        query = (
            select(o.c.id, o.c.status)
            .where(
                o.c.status.in_(DOUBTFUL),
                o.c.resolved_at.is_(None),
                o.c.reported_at.is_(None),
                o.c.message_key.not_in(list(ignoring)),
            )
            .order_by(o.c.id)
        )
        return [dict(row) for row in (await self._session.execute(query)).mappings()]

    async def mark_reported(self, row_ids: Iterable[int], now: datetime) -> None:
        ids = list(row_ids)
        if ids:
            o = tables.outbox
            await self._session.execute(update(o).where(o.c.id.in_(ids)).values(reported_at=now))

    async def has_pending(self, message_key: str) -> bool:
        """Whether a message of this key is still waiting to be sent."""
        o = tables.outbox
        query = select(o.c.id).where(o.c.message_key == message_key, o.c.status == OutboxStatus.PENDING).limit(1)
        return (await self._session.execute(query)).first() is not None

    async def resolve(self, row_id: int, resolution: Resolution, *, person_id: int, now: datetime) -> bool:
        """Mark an open doubtful row dealt with; False if it is not (any longer) open: nothing changed."""
        o = tables.outbox
        result = await self._session.execute(
            update(o)
            .where(o.c.id == row_id, o.c.status.in_(DOUBTFUL), o.c.resolved_at.is_(None))
            .values(resolved_at=now, resolved_by=person_id, resolution=resolution)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def add_resend(self, original: dict[str, Any], event_id: int, now: datetime) -> int:
        """Queue the re-send of `original` to its chat, on the event `event_id` of the 补发; returns its id."""
        o = tables.outbox
        result = await self._session.execute(
            insert(o)
            .values(
                event_id=event_id,
                chat_id=original["chat_id"],
                message_key=original["message_key"],
                params=to_primitive(dict(original["params"])),
                created_at=now,
                resend_of=original["id"],
            )
            .returning(o.c.id)
        )
        return int(result.scalar_one())
