"""Use cases for people and roles: who holds what decides every permission (never group membership)."""

from __future__ import annotations

from datetime import datetime

from domain.directory import Directory, Role, RoleKind
from domain.errors import DomainError
from domain.people import Person, RoleAssignment
from domain.project import Event
from storage.uow import Database, UnitOfWork


class NotAnAdmin(DomainError):
    code = "not_admin"


class RoleNotHeld(DomainError):
    code = "role_not_held"


def check_role(directory: Directory, role: Role) -> Role:
    """The role, if its scope names a unit of a kind that role can belong to (the rule is the directory's)."""
    return directory.check_role(role)


async def register_person(
    db: Database, *, display_name: str, telegram_user_id: int | None, language: str, now: datetime
) -> Person:
    """The person for this Telegram account, created on first sight; their name and language kept current."""
    async with db.uow() as uow:
        person = await uow.people.by_telegram_id(telegram_user_id) if telegram_user_id is not None else None
        if person is None:
            person = Person(display_name.strip()[:100] or "?", now, telegram_user_id, language)
            uow.people.add(person)
        else:
            person.display_name = display_name.strip()[:100] or person.display_name
            person.language = language
        await uow.commit()
        return person


async def _require_admin(uow: UnitOfWork, person_id: int) -> None:
    if not (await uow.people.principal(person_id)).holds(Role(RoleKind.ADMIN)):
        raise NotAnAdmin(f"Person {person_id} is not an admin.", person=person_id)


async def _audit(uow: UnitOfWork, person_id: int, name: str, actor: int | None, now: datetime, **after: object) -> None:
    await uow.flush()
    event = Event(name, actor if actor is not None else person_id, now, {}, dict(after))
    await uow.audit.append("person", person_id, event)


async def grant_role(
    db: Database, directory: Directory, *, admin_id: int | None, person_id: int, role: Role, now: datetime
) -> RoleAssignment:
    """Give a person a role; `admin_id` None is the installer bootstrapping the first admin from the CLI."""
    check_role(directory, role)
    async with db.uow() as uow:
        if admin_id is not None:
            await _require_admin(uow, admin_id)
        await uow.people.get(person_id)
        held = await uow.people.active_assignments(person_id=person_id, role=role)
        if held:
            return held[0]
        assignment = RoleAssignment(person_id, role, now, admin_id)
        uow.people.add_assignment(assignment)
        await _audit(uow, person_id, "role_granted", admin_id, now, role=str(role))
        await uow.commit()
        return assignment


async def hand_over_role(
    db: Database, *, admin_id: int, role: Role, from_person_id: int, to_person_id: int, now: datetime
) -> RoleAssignment:
    """A successor takes over a role (Attachment 1: 接任人员自然替补); everything pending on it follows."""
    async with db.uow() as uow:
        await _require_admin(uow, admin_id)
        held = await uow.people.active_assignments(person_id=from_person_id, role=role)
        if not held:
            raise RoleNotHeld(f"Person {from_person_id} does not hold {role}.", role=str(role))
        for assignment in held:
            assignment.revoked_at = now
        await uow.people.get(to_person_id)
        successor = RoleAssignment(to_person_id, role, now, admin_id)
        if not await uow.people.active_assignments(person_id=to_person_id, role=role):
            uow.people.add_assignment(successor)
        await _audit(uow, from_person_id, "role_handed_over", admin_id, now, role=str(role), to=to_person_id)
        await _audit(uow, to_person_id, "role_taken_over", admin_id, now, role=str(role), previous=from_person_id)
        await uow.commit()
        return successor


async def revoke_role(db: Database, *, admin_id: int, person_id: int, role: Role, now: datetime) -> None:
    async with db.uow() as uow:
        await _require_admin(uow, admin_id)
        held = await uow.people.active_assignments(person_id=person_id, role=role)
        if not held:
            raise RoleNotHeld(f"Person {person_id} does not hold {role}.", role=str(role))
        for assignment in held:
            assignment.revoked_at = now
        await _audit(uow, person_id, "role_revoked", admin_id, now, role=str(role))
        await uow.commit()


async def held_roles(db: Database, person_id: int) -> frozenset[Role]:
    """The roles this person holds now, as the database says."""
    async with db.uow(read_only=True) as uow:
        return (await uow.people.principal(person_id)).roles


async def holders(db: Database, role: Role) -> list[Person]:
    """Everyone who holds this role now."""
    async with db.uow(read_only=True) as uow:
        return await uow.people.holders(role)
