"""Repositories: they read and stage writes in the unit of work's session, and never commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, insert, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from domain.directory import Directory, Role
from domain.errors import DomainError
from domain.lifecycle import Stage
from domain.people import Person, RoleAssignment
from domain.project import Event, Principal, Project
from domain.records import StepStatus
from storage import tables
from storage.types import to_primitive


class NotFound(DomainError):
    code = "not_found"


class ProjectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, project: Project) -> None:
        self._session.add(project)

    def mark_changed(self, project: Project) -> None:
        """Count a change to any part of the aggregate (steps, opinions) as a new version of the project, so
        concurrent changes to one project conflict and its card knows it is stale."""
        if inspect(project).persistent:
            flag_modified(project, "stage")

    async def get(self, project_id: int) -> Project:
        project = await self._session.get(Project, project_id)
        if project is None:
            raise NotFound(f"Project {project_id} does not exist.", what="project", id=project_id)
        return project

    async def by_group_chat(self, chat_id: int) -> Project | None:
        result = await self._session.execute(select(Project).where(tables.projects.c.group_chat_id == chat_id))
        return result.scalar_one_or_none()

    async def find(self, *, landing_unit: str | None = None, stages: Iterable[Stage] | None = None) -> list[Project]:
        query = select(Project).order_by(tables.projects.c.id)
        if landing_unit is not None:
            query = query.where(tables.projects.c.landing_unit == landing_unit)
        if stages is not None:
            query = query.where(tables.projects.c.stage.in_(list(stages)))
        return list((await self._session.execute(query)).scalars())

    async def by_step(self, step_id: int) -> Project | None:
        """The project whose route holds approval step `step_id`, if any."""
        steps = tables.approval_steps
        query = select(Project).join(steps, steps.c.project_id == tables.projects.c.id).where(steps.c.id == step_id)
        return (await self._session.execute(query)).scalars().unique().one_or_none()

    async def page(
        self,
        *,
        landing_unit: str | None = None,
        stages: Iterable[Stage] | None = None,
        offset: int = 0,
        limit: int = 10,
    ) -> tuple[list[Project], int]:
        """One page of projects (newest first), filtered like `find`, and how many match in all."""
        p = tables.projects
        conditions = []
        if landing_unit is not None:
            conditions.append(p.c.landing_unit == landing_unit)
        if stages is not None:
            conditions.append(p.c.stage.in_(list(stages)))
        total = (await self._session.execute(select(func.count()).select_from(p).where(*conditions))).scalar_one()
        query = select(Project).where(*conditions).order_by(p.c.id.desc()).offset(offset).limit(limit)
        return list((await self._session.execute(query)).scalars()), int(total)

    async def waiting_on(self, roles: Iterable[Role]) -> list[Project]:
        """Projects with an open approval step held by one of these roles, oldest step first."""
        steps = tables.approval_steps
        query = (
            select(Project)
            .join(steps, steps.c.project_id == tables.projects.c.id)
            .where(steps.c.status == StepStatus.PENDING.value, steps.c.holder.in_([str(r) for r in roles]))
            .order_by(steps.c.opened_at)
        )
        return list((await self._session.execute(query)).scalars().unique())


class PeopleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, person: Person) -> None:
        self._session.add(person)

    async def get(self, person_id: int) -> Person:
        person = await self._session.get(Person, person_id)
        if person is None:
            raise NotFound(f"Person {person_id} does not exist.", what="person", id=person_id)
        return person

    async def by_telegram_id(self, telegram_user_id: int) -> Person | None:
        query = select(Person).where(tables.people.c.telegram_user_id == telegram_user_id)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def active_assignments(
        self, *, person_id: int | None = None, role: Role | None = None
    ) -> list[RoleAssignment]:
        query = select(RoleAssignment).where(tables.role_assignments.c.revoked_at.is_(None))
        if person_id is not None:
            query = query.where(tables.role_assignments.c.person_id == person_id)
        if role is not None:
            query = query.where(tables.role_assignments.c.role == role)
        return list((await self._session.execute(query.order_by(tables.role_assignments.c.id))).scalars())

    def add_assignment(self, assignment: RoleAssignment) -> None:
        self._session.add(assignment)

    async def principal(self, person_id: int) -> Principal:
        """The person with the roles they hold now."""
        await self.get(person_id)
        roles = frozenset(a.role for a in await self.active_assignments(person_id=person_id))
        return Principal(person_id, roles)

    async def holders(self, role: Role) -> list[Person]:
        """Everyone who holds this role now."""
        assignments = await self.active_assignments(role=role)
        return [await self.get(a.person_id) for a in assignments]


class UnitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def sync(self, directory: Directory) -> int:
        """Make the units table match the directory; units no longer listed are kept but marked inactive."""
        existing = {row.code for row in await self._session.execute(select(tables.units.c.code))}
        for unit in directory.units.values():
            values = {
                "name": unit.name,
                "kind": unit.kind.value,
                "note": unit.note,
                "active": True,
                "categories": sorted(c.value for c in unit.categories),
            }
            if unit.code in existing:
                await self._session.execute(
                    update(tables.units).where(tables.units.c.code == unit.code).values(**values)
                )
            else:
                await self._session.execute(insert(tables.units).values(code=unit.code, **values))
        gone = existing - set(directory.units)
        if gone:
            await self._session.execute(update(tables.units).where(tables.units.c.code.in_(gone)).values(active=False))
        return len(directory.units)


class AuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def append(self, subject_type: str, subject_id: int, event: Event) -> int:
        result = await self._session.execute(
            insert(tables.audit_events)
            .values(
                occurred_at=event.at,
                actor_person_id=event.actor,
                subject_type=subject_type,
                subject_id=subject_id,
                name=event.name,
                before=to_primitive(dict(event.before)),
                after=to_primitive(dict(event.after)),
            )
            .returning(tables.audit_events.c.id)
        )
        return int(result.scalar_one())

    async def append_system(
        self,
        subject_type: str,
        subject_id: int,
        name: str,
        *,
        at: datetime,
        before: dict[str, Any],
        after: dict[str, Any],
    ) -> int:
        """An event the bot itself caused (no person acted), such as a message Telegram refused."""
        result = await self._session.execute(
            insert(tables.audit_events)
            .values(
                occurred_at=at,
                actor_person_id=None,
                subject_type=subject_type,
                subject_id=subject_id,
                name=name,
                before=to_primitive(before),
                after=to_primitive(after),
            )
            .returning(tables.audit_events.c.id)
        )
        return int(result.scalar_one())

    async def for_subject(self, subject_type: str, subject_id: int) -> Sequence[Any]:
        query = (
            select(tables.audit_events)
            .where(tables.audit_events.c.subject_type == subject_type, tables.audit_events.c.subject_id == subject_id)
            .order_by(tables.audit_events.c.id)
        )
        return (await self._session.execute(query)).mappings().all()


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed; a crash leaves it here, and it is never sent blindly again
    SENT = "sent"
    FAILED = "failed"  # Telegram refused for good (bot kicked, chat gone, bad request)
    UNKNOWN = "unknown"  # the outcome is unknown (timeout): marked, not resent, for a person to look at
    SKIPPED = "skipped"  # nothing to say for this event in this chat


class Outbox:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, event_id: int, chat_ids: Iterable[int], message_key: str, params: dict[str, Any], now: datetime
    ) -> None:
        """Queue one message per distinct chat for this event."""
        rows = [
            {
                "event_id": event_id,
                "chat_id": chat_id,
                "message_key": message_key,
                "params": to_primitive(params),
                "created_at": now,
            }
            for chat_id in dict.fromkeys(chat_ids)
        ]
        if rows:
            await self._session.execute(insert(tables.outbox), rows)

    async def pending(self, limit: int = 100) -> Sequence[Any]:
        query = (
            select(tables.outbox).where(tables.outbox.c.status == "pending").order_by(tables.outbox.c.id).limit(limit)
        )
        return (await self._session.execute(query)).mappings().all()

    async def sent_copies(self, project_id: int, message_keys: Iterable[str]) -> list[dict[str, Any]]:
        """The sent rows of these kinds for one project's events: chat, Telegram message id and params. A 补发
        (a row re-sending another, on an event of its own) counts as a copy of the event it re-sent."""
        o, a = tables.outbox, tables.audit_events
        original = o.alias("original")
        query = (
            select(o.c.chat_id, o.c.sent_message_id, o.c.params)
            .outerjoin(original, original.c.id == o.c.resend_of)
            .join(a, a.c.id == func.coalesce(original.c.event_id, o.c.event_id))
            .where(
                a.c.subject_type == "project",
                a.c.subject_id == project_id,
                o.c.status == OutboxStatus.SENT,
                o.c.sent_message_id.is_not(None),
                o.c.message_key.in_(list(message_keys)),
            )
        )
        return [dict(row) for row in (await self._session.execute(query)).mappings()]

    async def claim(self, row_id: int) -> bool:
        """Take a pending row for sending; False if another sender took it first."""
        o = tables.outbox
        result = await self._session.execute(
            update(o)
            .where(o.c.id == row_id, o.c.status == OutboxStatus.PENDING)
            .values(status=OutboxStatus.SENDING, attempts=o.c.attempts + 1)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def settle(
        self,
        row_id: int,
        status: OutboxStatus,
        *,
        now: datetime,
        message_id: int | None = None,
        error: str | None = None,
        not_before: datetime | None = None,
    ) -> None:
        """Record how a send ended: sent, failed, unknown (not resent), skipped, or pending again after a pause."""
        sent_at = now if status is OutboxStatus.SENT else None
        await self._session.execute(
            update(tables.outbox)
            .where(tables.outbox.c.id == row_id)
            .values(status=status, sent_at=sent_at, sent_message_id=message_id, last_error=error, not_before=not_before)
        )

    async def count(self) -> int:
        return int((await self._session.execute(select(func.count()).select_from(tables.outbox))).scalar_one())

    async def count_by_status(self) -> dict[str, int]:
        """How many rows are in each status, leaving out those the office has dealt with (/outbox)."""
        o = tables.outbox
        query = select(o.c.status, func.count()).where(o.c.resolved_at.is_(None)).group_by(o.c.status)
        result = await self._session.execute(query)
        return {str(status): int(n) for status, n in result.all()}

    async def mark_interrupted(self, note: str) -> int:
        """Rows a crash left in `sending` become `unknown` with `note`: Telegram may have them, so never resend."""
        o = tables.outbox
        result = await self._session.execute(
            update(o).where(o.c.status == OutboxStatus.SENDING).values(status=OutboxStatus.UNKNOWN, last_error=note)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def needing_attention(self, limit: int = 100) -> list[dict[str, Any]]:
        """Rows that did not surely arrive (failed, or unknown after a timeout or crash) and that nobody has dealt
        with yet (re-sent or found not needed, see storage.outbox_review), newest first."""
        o = tables.outbox
        query = (
            select(o)
            .where(o.c.status.in_([OutboxStatus.FAILED, OutboxStatus.UNKNOWN]), o.c.resolved_at.is_(None))
            .order_by(o.c.id.desc())
            .limit(limit)
        )
        return [dict(row) for row in (await self._session.execute(query)).mappings()]


class CalendarRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def office_days(self) -> tuple[list[date], list[date]]:
        """The office's (days off, extra workdays)."""
        rows = (await self._session.execute(select(tables.calendar_days))).mappings().all()
        return ([r["day"] for r in rows if not r["is_workday"]], [r["day"] for r in rows if r["is_workday"]])

    async def set_day(self, day: date, *, is_workday: bool, note: str, person_id: int, now: datetime) -> None:
        await self._session.execute(tables.calendar_days.delete().where(tables.calendar_days.c.day == day))
        await self._session.execute(
            insert(tables.calendar_days).values(
                day=day, is_workday=is_workday, note=note, added_by=person_id, added_at=now
            )
        )
