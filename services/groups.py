"""Use cases of a project's 联络群 (二(六)): which projects a person may bind, opening a project in a group, and
binding a group to a project. A group serves one project, and a project has one group."""

from __future__ import annotations

from datetime import datetime

from domain.directory import Directory
from domain.errors import DomainError
from domain.lifecycle import TRANSITIONS, Move, Stage, check_party
from domain.project import Project
from services.events import record_project_events
from storage.uow import Database, UnitOfWork

BINDERS = TRANSITIONS[Move.BIND_GROUP].parties


class GroupTaken(DomainError):
    code = "group_taken"


async def _refuse_taken_group(uow: UnitOfWork, chat_id: int, project_id: int | None) -> None:
    holder = await uow.projects.by_group_chat(chat_id)
    if holder is not None and holder.id != project_id:
        raise GroupTaken(f"Group {chat_id} already serves project {holder.id}.", project_name=holder.name)


async def open_project_in_group(
    db: Database, directory: Directory, *, person_id: int, name: str, landing_unit: str, chat_id: int, now: datetime
) -> Project:
    """Open a project at 谋划 with `chat_id` as its 联络群, in one unit of work: a crash leaves both or neither,
    and the same request handled again finds the group taken instead of opening a second project."""
    async with db.uow() as uow:
        principal = await uow.people.principal(person_id)
        await _refuse_taken_group(uow, chat_id, None)
        project = Project.create(principal, directory, name=name, landing_unit=landing_unit, now=now)
        project.bind_group(principal, chat_id, now)
        uow.projects.add(project)
        await record_project_events(uow, project, now)
        await uow.commit()
        return project


async def check_binder(db: Database, *, person_id: int, project_id: int) -> None:
    """NotAllowed unless this person may bind the project's 联络群; changes nothing."""
    async with db.uow(read_only=True) as uow:
        principal = await uow.people.principal(person_id)
        project = await uow.projects.get(project_id)
        check_party(Move.BIND_GROUP, project.parties_of(principal))


async def bind_group(db: Database, *, person_id: int, project_id: int, chat_id: int, now: datetime) -> Project:
    """Bind a Telegram group to the project as its 联络群; a group serves one project only."""
    async with db.uow() as uow:
        principal = await uow.people.principal(person_id)
        await _refuse_taken_group(uow, chat_id, project_id)
        project = await uow.projects.get(project_id)
        project.bind_group(principal, chat_id, now)
        await record_project_events(uow, project, now)
        await uow.commit()
        return project


async def projects_for_binding(db: Database, directory: Directory, *, person_id: int) -> list[Project]:
    """Active projects without a 联络群 that this person may bind: their own units' projects, or all for the office."""
    async with db.uow(read_only=True) as uow:
        principal = await uow.people.principal(person_id)
        active = [s for s in Stage if not s.is_terminal()]
        candidates = await uow.projects.find(stages=active)
    return [p for p in candidates if p.group_chat_id is None and p.parties_of(principal) & BINDERS]
