"""The sender's bookkeeping as use cases: a chat that is gone for good, sends a crash cut short, and telling
the office of the rows that did not surely arrive.

Each is one unit of work: a refused row ends `failed` together with its audit event and the notice to the
office, so the office hears of every message that was lost and never of one that was not.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from domain.directory import Role, RoleKind
from storage.repositories import OutboxStatus
from storage.uow import Database, UnitOfWork

OFFICE = Role(RoleKind.OFFICE)
FAILED_KEY = "delivery.failed"
ATTENTION_KEY = "outbox.attention"  # the office's notice that rows wait for it in /outbox
# The office's own notices about delivery: one of them not arriving is no reason to send it another.
OFFICE_KEYS = (FAILED_KEY, ATTENTION_KEY)
INTERRUPTED_NOTE = "interrupted mid-send (found 'sending' at start-up): Telegram may or may not have it"


async def record_undeliverable(
    db: Database, row: Mapping[str, Any], *, reason: str, error: str, now: datetime, tell_office: bool = True
) -> int:
    """End the row `failed`, audit it and, in the same transaction, queue a notice to each office holder's
    private chat; returns how many notices were queued (none for a failed notice itself, to avoid a loop)."""
    row_id, chat_id, message_key = int(row["id"]), int(row["chat_id"]), str(row["message_key"])
    async with db.uow() as uow:
        await uow.outbox.settle(row_id, OutboxStatus.FAILED, now=now, error=error)
        after = {"status": OutboxStatus.FAILED, "chat_id": chat_id, "message_key": message_key, "reason": reason}
        event_id = await uow.audit.append_system(
            "outbox", row_id, "delivery_failed", at=now, before={"status": OutboxStatus.SENDING}, after=after
        )
        chats: list[int] = []
        if tell_office and message_key != FAILED_KEY:
            holders = await uow.people.holders(OFFICE)
            # Not the chat that just refused, should an office holder have blocked the bot.
            chats = [p.telegram_user_id for p in holders if p.telegram_user_id not in (None, chat_id)]
            params = {
                "chat_id": chat_id,
                "chat_title": await _chat_title(uow, chat_id),
                "message_key": message_key,
                "reason": reason,
                "project_name": row["params"].get("project_name"),
            }
            await uow.outbox.add(event_id, chats, FAILED_KEY, params, now)
        if chats or not tell_office:
            # Told by the notice just queued (or by the one this chat got earlier in the pass): the summary of
            # report_attention leaves it out.
            await uow.outbox_review.mark_reported([row_id], now)
        await uow.commit()
    return len(chats)


async def mark_interrupted(db: Database) -> int:
    """Rows a crash left in `sending` become `unknown`, never resent; returns how many.

    The office is told of them by `report_attention` and deals with them in /outbox."""
    async with db.uow() as uow:
        count = await uow.outbox.mark_interrupted(INTERRUPTED_NOTE)
        await uow.commit()
    return count


async def report_attention(db: Database, now: datetime) -> int:
    """Tell the office, in one notice to each holder, of the rows that did not surely arrive and that it has not
    been told of yet; returns how many rows the notice covers (0: nothing new, or nobody to tell yet).

    Safe to call after every pass: rows are told once; while an earlier notice still waits to be sent, the new
    rows wait for the next call and join one notice, so a stream of timeouts is not a stream of notices."""
    async with db.uow(read_only=True) as uow:  # most passes have nothing to tell: no write lock for them
        if not await uow.outbox_review.unreported(OFFICE_KEYS):
            return 0
    async with db.uow() as uow:
        rows = await uow.outbox_review.unreported(OFFICE_KEYS)
        if not rows or await uow.outbox_review.has_pending(ATTENTION_KEY):
            return 0
        chats = [p.telegram_user_id for p in await uow.people.holders(OFFICE) if p.telegram_user_id is not None]
        if not chats:
            return 0  # told when an office holder is there to read it
        unknown = sum(1 for row in rows if row["status"] == OutboxStatus.UNKNOWN)
        _page, total = await uow.outbox_review.open_page(0, 1)
        after = {"rows": [row["id"] for row in rows], "unknown": unknown, "failed": len(rows) - unknown}
        # About the outbox as a whole (subject 0): the rows it covers are listed in `after`.
        event_id = await uow.audit.append_system("outbox", 0, "attention_reported", at=now, before={}, after=after)
        params = {"count": len(rows), "unknown": unknown, "failed": len(rows) - unknown, "total": total}
        await uow.outbox.add(event_id, chats, ATTENTION_KEY, params, now)
        await uow.outbox_review.mark_reported([row["id"] for row in rows], now)
        await uow.commit()
    return len(rows)


async def _chat_title(uow: UnitOfWork, chat_id: int) -> str | None:
    """What the office knows the chat by: the person for a private chat, the bound project for a group."""
    if chat_id > 0:
        person = await uow.people.by_telegram_id(chat_id)
        return person.display_name if person is not None else None
    project = await uow.projects.by_group_chat(chat_id)
    return project.name if project is not None else None
