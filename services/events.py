"""Turn a project's domain events into audit rows and outbox rows, inside the caller's unit of work."""

from __future__ import annotations

from datetime import datetime

from domain.directory import Role
from domain.project import Event, Project
from storage.uow import UnitOfWork


async def record_project_events(uow: UnitOfWork, project: Project, now: datetime) -> list[int]:
    """Write each pending event of `project` to the audit trail and queue its messages; returns event ids."""
    await uow.flush()  # assigns ids and surfaces a lost optimistic-locking race before anything else
    assert project.id is not None
    event_ids = []
    for event in project.collect_events():
        event_id = await uow.audit.append("project", project.id, event)
        chats = [project.group_chat_id] if project.group_chat_id is not None else []
        chats += await _private_chats(uow, event.notify)
        await uow.outbox.add(event_id, chats, f"project.{event.name}", _message_params(project, event), now)
        event_ids.append(event_id)
    return event_ids


async def _private_chats(uow: UnitOfWork, roles: tuple[Role, ...]) -> list[int]:
    chats: list[int] = []
    for role in roles:
        chats += [p.telegram_user_id for p in await uow.people.holders(role) if p.telegram_user_id is not None]
    return chats


def _message_params(project: Project, event: Event) -> dict[str, object]:
    return {"project_id": project.id, "project_name": project.name, "actor": event.actor, **event.after}
