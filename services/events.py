"""Turn a project's domain events into audit rows and outbox rows, inside the caller's unit of work."""

from __future__ import annotations

from datetime import datetime

from domain.directory import Role
from domain.lifecycle import Stage
from domain.project import Event, Project
from services.case import REQUEST_EVENTS, case_summary
from storage.uow import UnitOfWork

# Changes that speak for themselves on the pinned project card; they are audited but announce nothing.
QUIET_EVENTS = frozenset({"form_edited", "bind_group"})


async def record_project_events(uow: UnitOfWork, project: Project, now: datetime) -> list[int]:
    """Write each pending event of `project` to the audit trail and queue its messages; returns event ids."""
    events = project.collect_events()
    if events:
        uow.projects.mark_changed(project)
    await uow.flush()  # assigns ids and surfaces a lost optimistic-locking race before anything else
    assert project.id is not None
    event_ids = []
    for event in events:
        event_id = await uow.audit.append("project", project.id, event)
        event_ids.append(event_id)
        if event.name in QUIET_EVENTS:
            continue
        chats = [project.group_chat_id] if project.group_chat_id is not None else []
        chats += await _private_chats(uow, event.notify)
        params = _message_params(project, event)
        if event.name in REQUEST_EVENTS and project.stage is Stage.APPROVING and project.open_step() is not None:
            params["case"] = await case_summary(uow, project)  # the request to decide carries the case
        await uow.outbox.add(event_id, chats, f"project.{event.name}", params, now)
    return event_ids


async def _private_chats(uow: UnitOfWork, roles: tuple[Role, ...]) -> list[int]:
    chats: list[int] = []
    for role in roles:
        chats += [p.telegram_user_id for p in await uow.people.holders(role) if p.telegram_user_id is not None]
    return chats


def _message_params(project: Project, event: Event) -> dict[str, object]:
    params: dict[str, object] = {
        "project_id": project.id,
        "project_name": project.name,
        "actor": event.actor,
        **event.after,
    }
    step = project.open_step()
    if step is not None:
        # The step open once this event is saved (ids exist after the flush): its notice asks the holder to act.
        params |= {
            "open_step_id": step.id,
            "open_step_holder": str(step.holder),
            "open_step_actor": step.actor.name,
            "open_step_action": step.action.name,
        }
    return params
