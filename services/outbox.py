"""The office deals with the messages that did not surely arrive: it lists them, re-sends one (补发) after a look,
or marks one not needed (e.g. confirmed by phone). Telegram cannot be asked whether a send arrived, so a person
decides; each decision is one unit of work with its audit event, and a row is dealt with once.

A 补发 is a new outbox row on an event of its own (the 补发's audit event), so it never collides with the
(event, chat) key of the original; it links to the original, which the sender reads to mark the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.directory import Role, RoleKind
from domain.lifecycle import NotAllowed
from domain.project import Event
from storage.outbox_review import DOUBTFUL, Resolution
from storage.uow import Database, UnitOfWork

OFFICE = Role(RoleKind.OFFICE)
# Row ids fit the database's integer; a tap carrying anything else is forged and answered as stale.
MAX_ROW_ID = 2**31 - 1


@dataclass(frozen=True)
class DoubtfulRow:
    """A message that did not surely arrive, with what the office knows the chat by."""

    id: int
    chat_id: int
    message_key: str
    params: dict[str, Any]
    status: str
    last_error: str | None
    created_at: datetime
    resend_of: int | None
    chat_title: str | None  # the person (private chat) or the bound project (group); None if neither is known
    reader_language: str | None  # the person's language in a private chat; None: the bot's default


@dataclass(frozen=True)
class DoubtfulPage:
    rows: list[DoubtfulRow]
    total: int
    page: int  # 0-based, within range
    pages: int


class Handled(StrEnum):
    """What a tap on 补发 or 不需补发 did."""

    DONE = "done"
    ALREADY = "already"  # the row was dealt with before (or arrived): nothing changed
    MISSING = "missing"  # no such row: nothing changed


@dataclass(frozen=True)
class Handling:
    outcome: Handled
    row: DoubtfulRow | None
    resend_id: int | None = None


async def doubtful_page(db: Database, *, person_id: int, page: int, per_page: int) -> DoubtfulPage:
    """The rows nobody has dealt with, oldest first, one page of them (a page past the end shows the last)."""
    async with db.uow(read_only=True) as uow:
        await _check_office(uow, person_id, "outbox_list")
        _none, total = await uow.outbox_review.open_page(0, 1)
        pages = max(1, -(-total // per_page))
        page = min(max(page, 0), pages - 1)
        rows, total = await uow.outbox_review.open_page(page * per_page, per_page)
        return DoubtfulPage([await _doubtful(uow, row) for row in rows], total, page, pages)


async def doubtful_row(db: Database, *, person_id: int, row_id: int) -> DoubtfulRow | None:
    """The row if it is doubtful and nobody has dealt with it yet, else None."""
    if not 0 < row_id <= MAX_ROW_ID:
        return None
    async with db.uow(read_only=True) as uow:
        await _check_office(uow, person_id, "outbox_view")
        row = await uow.outbox_review.get(row_id)
        if row is None or row["status"] not in DOUBTFUL or row["resolved_at"] is not None:
            return None
        return await _doubtful(uow, row)


async def resend(db: Database, *, person_id: int, row_id: int, now: datetime) -> Handling:
    """补发: queue the message again to its chat, marked as a re-send, and mark the original dealt with."""
    return await _handle(db, person_id, row_id, Resolution.RESENT, now)


async def not_needed(db: Database, *, person_id: int, row_id: int, now: datetime) -> Handling:
    """不需补发: mark the row dealt with, sending nothing."""
    return await _handle(db, person_id, row_id, Resolution.NOT_NEEDED, now)


async def _handle(db: Database, person_id: int, row_id: int, resolution: Resolution, now: datetime) -> Handling:
    if not 0 < row_id <= MAX_ROW_ID:
        return Handling(Handled.MISSING, None)
    async with db.uow() as uow:
        await _check_office(uow, person_id, f"outbox_{resolution.value}")
        row = await uow.outbox_review.get(row_id)
        if row is None:
            return Handling(Handled.MISSING, None)
        found = await _doubtful(uow, row)
        # Conditional on the row being open still: of two taps (or two processes) only one gets here.
        if not await uow.outbox_review.resolve(row_id, resolution, person_id=person_id, now=now):
            return Handling(Handled.ALREADY, found)
        before = {"status": row["status"], "resolution": None}
        after: dict[str, Any] = {"status": row["status"], "resolution": resolution.value, "chat_id": row["chat_id"]}
        name = "outbox_resent" if resolution is Resolution.RESENT else "outbox_not_needed"
        event_id = await uow.audit.append("outbox", row_id, Event(name, person_id, now, before, after))
        resend_id = None
        if resolution is Resolution.RESENT:
            resend_id = await uow.outbox_review.add_resend(row, event_id, now)
        await uow.commit()
    return Handling(Handled.DONE, found, resend_id)


async def _check_office(uow: UnitOfWork, person_id: int, move: str) -> None:
    if not (await uow.people.principal(person_id)).holds(OFFICE):
        raise NotAllowed("Only the 领导小组办公室 deals with undelivered messages.", move=move, expected=[str(OFFICE)])


async def _doubtful(uow: UnitOfWork, row: dict[str, Any]) -> DoubtfulRow:
    chat_id = int(row["chat_id"])
    title: str | None = None
    language: str | None = None
    if chat_id > 0:
        person = await uow.people.by_telegram_id(chat_id)
        if person is not None:
            title, language = person.display_name, person.language
    else:
        project = await uow.projects.by_group_chat(chat_id)
        title = project.name if project is not None else None
    return DoubtfulRow(
        id=int(row["id"]),
        chat_id=chat_id,
        message_key=str(row["message_key"]),
        params=dict(row["params"]),
        status=str(row["status"]),
        last_error=row["last_error"],
        created_at=row["created_at"],
        resend_of=row["resend_of"],
        chat_title=title,
        reader_language=language,
    )
