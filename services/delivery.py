"""The sender's bookkeeping as use cases: a chat that is gone for good, and sends a crash cut short.

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
        await uow.commit()
    return len(chats)


async def mark_interrupted(db: Database) -> int:
    """Rows a crash left in `sending` become `unknown`, never resent; returns how many.

    The office finds them, with failed rows, through `Outbox.needing_attention`."""
    async with db.uow() as uow:
        count = await uow.outbox.mark_interrupted(INTERRUPTED_NOTE)
        await uow.commit()
    return count


async def _chat_title(uow: UnitOfWork, chat_id: int) -> str | None:
    """What the office knows the chat by: the person for a private chat, the bound project for a group."""
    if chat_id > 0:
        person = await uow.people.by_telegram_id(chat_id)
        return person.display_name if person is not None else None
    project = await uow.projects.by_group_chat(chat_id)
    return project.name if project is not None else None
