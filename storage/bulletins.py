"""Tables and repository of 通报 and 赛拼 with their files (issue 5 item 4).

A bulletin is published once per (kind, period): the unique constraint makes a doubled tick or two processes
racing publish it once. Its files (the chart and the table, one per language) are made when first sent and
keep the file_id Telegram gave the first upload, so every later chat gets the same file without re-uploading.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.lifecycle import Stage
from storage import tables
from storage.tables import metadata
from storage.types import UtcDateTime

bulletins = Table(
    "bulletins",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("period", String(10), nullable=False),
    Column("figures", JSON, nullable=False),
    Column("published_at", UtcDateTime, nullable=False),
    UniqueConstraint("kind", "period", name="uq_bulletins_kind_period"),
)

bulletin_files = Table(
    "bulletin_files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("bulletin_id", ForeignKey("bulletins.id"), nullable=False),
    Column("part", String(20), nullable=False),  # "chart" or "table"
    Column("language", String(8), nullable=False),
    Column("name", String(200), nullable=False),
    Column("mime", String(100), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("telegram_file_id", String(200)),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("bulletin_id", "part", "language", name="uq_bulletin_files_bulletin_id"),
)

# Events that change no stage: left out when reading a project's stage at a moment.
_STAGELESS_EVENTS = ("form_edited", "bind_group")


@dataclass(frozen=True)
class StoredBulletin:
    id: int
    kind: str
    period: str
    figures: dict[str, Any]
    published_at: datetime


@dataclass(frozen=True)
class BulletinFile:
    id: int
    bulletin_id: int
    part: str
    language: str
    name: str
    mime: str
    data: bytes
    telegram_file_id: str | None


class BulletinRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, kind: str, period: str, figures: dict[str, Any], now: datetime) -> int | None:
        """Record the published bulletin; None if this kind and period was published already."""
        try:
            async with self._session.begin_nested():
                result = await self._session.execute(
                    insert(bulletins)
                    .values(kind=kind, period=period, figures=figures, published_at=now)
                    .returning(bulletins.c.id)
                )
        except IntegrityError:
            return None
        return int(result.scalar_one())

    async def get(self, bulletin_id: int) -> StoredBulletin | None:
        row = (await self._session.execute(select(bulletins).where(bulletins.c.id == bulletin_id))).mappings().first()
        return None if row is None else _bulletin(row)

    async def find(self, kind: str, period: str) -> StoredBulletin | None:
        query = select(bulletins).where(bulletins.c.kind == kind, bulletins.c.period == period)
        row = (await self._session.execute(query)).mappings().first()
        return None if row is None else _bulletin(row)

    async def file(self, bulletin_id: int, part: str, language: str) -> BulletinFile | None:
        f = bulletin_files
        query = select(f).where(f.c.bulletin_id == bulletin_id, f.c.part == part, f.c.language == language)
        row = (await self._session.execute(query)).mappings().first()
        return None if row is None else BulletinFile(**{k: row[k] for k in BulletinFile.__dataclass_fields__})

    async def add_file(
        self, bulletin_id: int, part: str, language: str, *, name: str, mime: str, data: bytes, now: datetime
    ) -> bool:
        """Keep a made file; False if one is kept already for this bulletin, part and language."""
        try:
            async with self._session.begin_nested():
                await self._session.execute(
                    insert(bulletin_files).values(
                        bulletin_id=bulletin_id,
                        part=part,
                        language=language,
                        name=name,
                        mime=mime,
                        data=data,
                        created_at=now,
                    )
                )
        except IntegrityError:
            return False
        return True

    async def remember_file_id(self, file_row_id: int, telegram_file_id: str) -> None:
        """The file_id Telegram gave the first upload, for every later chat to reuse."""
        await self._session.execute(
            update(bulletin_files).where(bulletin_files.c.id == file_row_id).values(telegram_file_id=telegram_file_id)
        )

    async def stages_at(self, cutoff: datetime) -> dict[int, Stage]:
        """Each project's stage at `cutoff`, from its audit trail; projects created after it are absent."""
        a = tables.audit_events
        query = (
            select(a.c.subject_id, a.c.after)
            .where(a.c.subject_type == "project", a.c.occurred_at < cutoff, a.c.name.not_in(_STAGELESS_EVENTS))
            .order_by(a.c.id)
        )
        stages: dict[int, Stage] = {}
        for project_id, after in (await self._session.execute(query)).all():
            stage = (after or {}).get("stage")
            if stage:
                stages[int(project_id)] = Stage(stage)
        return stages

    async def first_project_created_at(self) -> datetime | None:
        """When the first project was recorded: before it the county was not using the system yet."""
        first: datetime | None = (
            await self._session.execute(select(func.min(tables.projects.c.created_at)))
        ).scalar_one_or_none()
        return first

    async def group_chats(self) -> list[int]:
        """Every project's 联络群."""
        p = tables.projects
        query = select(p.c.group_chat_id).where(p.c.group_chat_id.is_not(None)).order_by(p.c.id)
        return [int(chat) for chat in (await self._session.execute(query)).scalars()]

    async def private_chats(self, exact_roles: Iterable[str], role_kinds: Iterable[str]) -> list[int]:
        """Telegram ids of the people who hold now one of `exact_roles` ("kind:scope" or "kind") or any role of
        one of `role_kinds` whatever its scope, in order of their assignment."""
        r, people = tables.role_assignments, tables.people
        matches = [r.c.role.in_(list(exact_roles)), *(r.c.role.like(f"{kind}:%") for kind in role_kinds)]
        query = (
            select(people.c.telegram_user_id)
            .join(r, r.c.person_id == people.c.id)
            .where(r.c.revoked_at.is_(None), people.c.telegram_user_id.is_not(None), or_(*matches))
            .order_by(r.c.id)
        )
        return list(dict.fromkeys(int(t) for t in (await self._session.execute(query)).scalars()))


def _bulletin(row: Any) -> StoredBulletin:
    return StoredBulletin(
        id=int(row["id"]),
        kind=str(row["kind"]),
        period=str(row["period"]),
        figures=dict(row["figures"]),
        published_at=row["published_at"],
    )
