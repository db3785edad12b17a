"""Use cases for invites: an admin issues a one-time code for a role; whoever redeems it first holds the role."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from domain.directory import Directory, Role, RoleKind
from domain.invites import Invite, InviteInvalid, InviteRefusal, hash_code, issue_invite, unknown_code
from domain.people import Person, RoleAssignment
from domain.project import Event
from services.people import NotAnAdmin
from storage.uow import Database, UnitOfWork


async def create_invite(
    db: Database,
    directory: Directory,
    *,
    admin_id: int,
    role: Role,
    replaces_holder: bool,
    now: datetime,
    ttl: timedelta,
) -> str:
    """A fresh code for `role`, usable once until now + ttl; only an admin may ask, and only the hash is stored."""
    # 16 random bytes: unguessable, and 22 URL-safe characters fit Telegram's 64-character /start payload.
    code = secrets.token_urlsafe(16)
    async with db.uow() as uow:
        if not (await uow.people.principal(admin_id)).holds(Role(RoleKind.ADMIN)):
            raise NotAnAdmin(f"Person {admin_id} is not an admin.", person=admin_id)
        invite = issue_invite(
            directory, code=code, role=role, replaces_holder=replaces_holder, created_by=admin_id, now=now, ttl=ttl
        )
        invite_id = await uow.invites.add(
            code_hash=invite.code_hash,
            role=role,
            replaces_holder=replaces_holder,
            created_by=admin_id,
            now=now,
            expires_at=invite.expires_at,
        )
        # The code itself stays out of the audit trail: it is a credential until used.
        after = {
            "invite": invite_id,
            "role": str(role),
            "replaces_holder": replaces_holder,
            "expires_at": invite.expires_at,
        }
        await uow.audit.append("person", admin_id, Event("invite_created", admin_id, now, {}, after))
        await uow.commit()
    return code


async def redeem_invite(
    db: Database, *, telegram_user_id: int, display_name: str, language: str, code: str, now: datetime
) -> RoleAssignment:
    """Bind this Telegram account to the invite's role, in one transaction; a repeat by the same person changes nothing.

    For a successor's invite (接任) the current holders lose the role, and what is pending on it follows the role
    to the redeemer. A refused code (InviteInvalid) changes nothing, not even the person's registration.
    """
    async with db.uow() as uow:
        row = await uow.invites.by_hash(hash_code(code))
        if row is None:
            raise unknown_code()
        invite = Invite(**row)
        redeemer = await _person(uow, telegram_user_id, display_name, language, now)
        invite.check_redeemable(redeemer.id, now)
        assert redeemer.id is not None and invite.id is not None
        if invite.already_redeemed_by(redeemer.id):
            assignment = await _repeat(uow, invite, redeemer.id)
        elif await uow.invites.mark_used(invite.id, redeemer.id, now):
            assignment = await _take_role(uow, invite, redeemer.id, now)
        else:
            # Someone redeemed it between our read and our write (only where rows cannot be locked).
            raise InviteInvalid(f"Invite {invite.id} was used concurrently.", reason=InviteRefusal.USED)
        # A repeat stages nothing, but committing keeps what was read usable after the transaction.
        await uow.commit()
        return assignment


async def _person(uow: UnitOfWork, telegram_user_id: int, display_name: str, language: str, now: datetime) -> Person:
    person = await uow.people.by_telegram_id(telegram_user_id)
    if person is None:
        person = Person(display_name.strip()[:100] or "?", now, telegram_user_id, language)
        uow.people.add(person)
        await uow.flush()
    return person


async def _repeat(uow: UnitOfWork, invite: Invite, person_id: int) -> RoleAssignment:
    held = await uow.people.active_assignments(person_id=person_id, role=invite.role)
    if not held:
        # Used by this person, who has since lost the role: the invite does not give it back.
        raise InviteInvalid(f"Invite {invite.id} was used; the role has moved on since.", reason=InviteRefusal.USED)
    return held[0]


async def _take_role(uow: UnitOfWork, invite: Invite, person_id: int, now: datetime) -> RoleAssignment:
    assert invite.id is not None
    current = await uow.people.active_assignments(role=invite.role)
    displaced = invite.displaced((a.person_id for a in current), person_id)
    for assignment in current:
        if assignment.person_id in displaced:
            assignment.revoked_at = now
    kept = [a for a in current if a.person_id == person_id]
    assignment = kept[0] if kept else RoleAssignment(person_id, invite.role, now, invite.created_by)
    if not kept:
        uow.people.add_assignment(assignment)
    await uow.flush()
    role = str(invite.role)
    for previous in displaced:
        after = {"role": role, "to": person_id, "invite": invite.id}
        await uow.audit.append("person", previous, Event("role_handed_over", invite.created_by, now, {}, after))
    after = {
        "role": role,
        "invite": invite.id,
        "created_by": invite.created_by,
        "replaces_holder": invite.replaces_holder,
        "previous": displaced,
    }
    await uow.audit.append("person", person_id, Event("invite_redeemed", person_id, now, {}, after))
    return assignment
