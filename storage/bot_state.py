"""Repositories for what the bot keeps beside the domain: invites, conversation state, handled updates, cards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.directory import Role
from storage import tables


class InviteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, *, code_hash: str, role: Role, replaces_holder: bool, created_by: int, now: datetime, expires_at: datetime
    ) -> int:
        result = await self._session.execute(
            insert(tables.invites)
            .values(
                code_hash=code_hash,
                role=role,
                replaces_holder=replaces_holder,
                created_by=created_by,
                created_at=now,
                expires_at=expires_at,
            )
            .returning(tables.invites.c.id)
        )
        return int(result.scalar_one())

    async def by_hash(self, code_hash: str) -> dict[str, Any] | None:
        """The invite row, locked against a concurrent redemption where the backend can lock rows."""
        query = select(tables.invites).where(tables.invites.c.code_hash == code_hash).with_for_update()
        row = (await self._session.execute(query)).mappings().one_or_none()
        return dict(row) if row else None

    async def mark_used(self, invite_id: int, person_id: int, now: datetime) -> bool:
        """Use the invite once; False if someone used it first."""
        result = await self._session.execute(
            update(tables.invites)
            .where(tables.invites.c.id == invite_id, tables.invites.c.used_at.is_(None))
            .values(used_by=person_id, used_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


class ConversationStateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, key: str) -> tuple[str | None, dict[str, Any]]:
        row = (await self._session.execute(select(tables.fsm_states).where(tables.fsm_states.c.key == key))).first()
        return (None, {}) if row is None else (row.state, dict(row.data or {}))

    async def put(self, key: str, *, state: str | None, data: dict[str, Any], now: datetime) -> None:
        await self._session.execute(delete(tables.fsm_states).where(tables.fsm_states.c.key == key))
        if state is not None or data:
            await self._session.execute(
                insert(tables.fsm_states).values(key=key, state=state, data=data, updated_at=now)
            )


class ProcessedUpdates:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def seen(self, update_id: int) -> bool:
        query = select(tables.processed_updates.c.update_id).where(tables.processed_updates.c.update_id == update_id)
        return (await self._session.execute(query)).first() is not None

    async def forget_before(self, moment: datetime) -> int:
        """Drop the record of updates handled before `moment` (Telegram redelivers for a day at most)."""
        result = await self._session.execute(
            delete(tables.processed_updates).where(tables.processed_updates.c.handled_at < moment)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def remember(self, update_id: int, now: datetime) -> bool:
        """Record the update as handled; False if it already was."""
        try:
            async with self._session.begin_nested():
                await self._session.execute(
                    insert(tables.processed_updates).values(update_id=update_id, handled_at=now)
                )
        except IntegrityError:
            return False
        return True


class CardRepository:
    """Where each project's pinned card is, which project version it shows, and what it shows of the deadlines."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def card(self, project_id: int) -> tuple[int | None, int]:
        columns = (tables.projects.c.card_message_id, tables.projects.c.card_version)
        row = (await self._session.execute(select(*columns).where(tables.projects.c.id == project_id))).one()
        return row.card_message_id, int(row.card_version)

    async def digest(self, project_id: int) -> str | None:
        """The digest of what the card last showed (None: not known)."""
        query = select(tables.projects.c.card_digest).where(tables.projects.c.id == project_id)
        digest = (await self._session.execute(query)).scalar_one()
        return None if digest is None else str(digest)

    async def due(self) -> list[int]:
        """Projects in a group whose card is missing, shows an older version than the project has now, or was
        marked for a redraw because its deadline colour changed."""
        p = tables.projects
        query = select(p.c.id).where(
            p.c.group_chat_id.is_not(None),
            or_(p.c.card_message_id.is_(None), p.c.card_version != p.c.version, p.c.card_signal.is_(None)),
        )
        return [int(pid) for pid in (await self._session.execute(query.order_by(p.c.id))).scalars()]

    async def shown(
        self, project_id: int, *, message_id: int, version: int, signal: str, digest: str | None = None
    ) -> None:
        # A Core update: presentation state must not bump the project's optimistic-locking version.
        await self._session.execute(
            update(tables.projects)
            .where(tables.projects.c.id == project_id)
            .values(card_message_id=message_id, card_version=version, card_signal=signal, card_digest=digest)
        )

    async def signals(self) -> dict[int, str | None]:
        """What each posted card shows of the deadlines (None: a redraw is asked for already)."""
        p = tables.projects
        query = select(p.c.id, p.c.card_signal).where(p.c.group_chat_id.is_not(None), p.c.card_message_id.is_not(None))
        return {int(row.id): row.card_signal for row in await self._session.execute(query)}

    async def redraw(self, project_ids: list[int]) -> None:
        """Ask for these cards to be drawn again (CardKeeper finds them in `due`)."""
        if project_ids:
            p = tables.projects
            await self._session.execute(update(p).where(p.c.id.in_(project_ids)).values(card_signal=None))
