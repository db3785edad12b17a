"""Issuing and redeeming invites against the database: once only, in time, by anyone; 接任 moves pending work."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from domain.directory import Directory, Role, RoleKind
from domain.invites import InviteInvalid, hash_code
from domain.lifecycle import NotAllowed
from domain.records import Decision, StepStatus
from services import projects as uc
from services.invites import create_invite, redeem_invite
from services.people import NotAnAdmin, held_roles
from storage.uow import Database
from tests.factories import ADMIN, NOW, PersonFactory, staff
from tests.journeys import Cast, pending, to_approval

TTL = timedelta(hours=72)
DEPUTY = Role(RoleKind.DEPUTY_HEAD, "deputy_industry")


async def issue(db: Database, directory: Directory, admin: int, role: Role, *, replaces: bool = False) -> str:
    return await create_invite(db, directory, admin_id=admin, role=role, replaces_holder=replaces, now=NOW, ttl=TTL)


async def redeem(db: Database, code: str, telegram_user_id: int, *, at: timedelta = timedelta(0)) -> int:
    assignment = await redeem_invite(
        db,
        telegram_user_id=telegram_user_id,
        display_name=f"tg{telegram_user_id}",
        language="zh",
        code=code,
        now=NOW + at,
    )
    return assignment.person_id


async def test_an_admin_issues_a_code_and_only_its_hash_is_stored_or_audited(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    admin = await person(ADMIN)
    code = await issue(db, directory, admin, staff("jianshan"))
    assert len(code) >= 22
    async with db.uow(read_only=True) as uow:
        row = await uow.invites.by_hash(hash_code(code))
        events = await uow.audit.for_subject("person", admin)
    assert row is not None and row["role"] == staff("jianshan") and row["expires_at"] == NOW + TTL
    created = [e for e in events if e["name"] == "invite_created"]
    assert len(created) == 1 and created[0]["after"]["role"] == "staff:jianshan"
    assert code not in str([dict(e) for e in events])


async def test_only_an_admin_may_issue(db: Database, directory: Directory, person: PersonFactory) -> None:
    cadre = await person(staff("jianshan"))
    with pytest.raises(NotAnAdmin):
        await issue(db, directory, cadre, staff("jianshan"))


async def test_a_newcomer_redeems_once_and_a_repeat_by_them_changes_nothing(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    admin = await person(ADMIN)
    code = await issue(db, directory, admin, staff("jianshan"))
    newcomer = await redeem(db, code, 777)
    assert await held_roles(db, newcomer) == {staff("jianshan")}
    assert await redeem(db, code, 777, at=timedelta(minutes=1)) == newcomer
    async with db.uow(read_only=True) as uow:
        assert len(await uow.people.active_assignments(role=staff("jianshan"))) == 1
        redeemed = [e for e in await uow.audit.for_subject("person", newcomer) if e["name"] == "invite_redeemed"]
    assert len(redeemed) == 1


@pytest.mark.parametrize("reason", ["unknown", "used", "expired"])
async def test_a_bad_code_is_refused_and_changes_nothing(
    db: Database, directory: Directory, person: PersonFactory, reason: str
) -> None:
    admin = await person(ADMIN)
    code = await issue(db, directory, admin, staff("jianshan"))
    if reason == "used":
        await redeem(db, code, 777)
    with pytest.raises(InviteInvalid) as refused:
        await redeem(
            db, "no-such-code" if reason == "unknown" else code, 888, at=TTL if reason == "expired" else timedelta(0)
        )
    assert refused.value.code == "invite_invalid" and refused.value.params["reason"] == reason
    async with db.uow(read_only=True) as uow:
        assert await uow.people.by_telegram_id(888) is None


async def test_two_people_racing_for_one_code_leave_exactly_one_holder(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    admin = await person(ADMIN)
    code = await issue(db, directory, admin, staff("jianshan"))
    results = await asyncio.gather(redeem(db, code, 801), redeem(db, code, 802), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["InviteInvalid", "int"]
    async with db.uow(read_only=True) as uow:
        assert len(await uow.people.active_assignments(role=staff("jianshan"))) == 1


async def test_an_additional_holder_leaves_the_present_one_in_place(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    admin = await person(ADMIN)
    present = await person(staff("jianshan"))
    newcomer = await redeem(db, await issue(db, directory, admin, staff("jianshan")), 777)
    assert staff("jianshan") in await held_roles(db, present)
    assert staff("jianshan") in await held_roles(db, newcomer)


async def test_a_successor_takes_over_the_role_and_the_approval_waiting_on_it(
    db: Database, directory: Directory, person: PersonFactory, cast: Cast
) -> None:
    project = await to_approval(db, directory, cast)  # 工业 35 亩: 分管副县长 审核 first
    step = pending(project)
    assert step.holder == DEPUTY
    admin = await person(ADMIN)
    successor = await redeem(db, await issue(db, directory, admin, DEPUTY, replaces=True), 999)

    assert DEPUTY not in await held_roles(db, cast.deputy)
    assert await held_roles(db, successor) == {DEPUTY}
    async with db.uow(read_only=True) as uow:
        assert [p.id for p in await uow.projects.waiting_on(await held_roles(db, successor))] == [project.id]
        handed = [e for e in await uow.audit.for_subject("person", cast.deputy) if e["name"] == "role_handed_over"]
    assert handed and handed[0]["after"]["to"] == successor
    assert project.id is not None and step.id is not None
    with pytest.raises(NotAllowed):  # the predecessor can no longer decide
        await uc.decide_step(
            db, person_id=cast.deputy, project_id=project.id, step_id=step.id, decision=Decision.APPROVE, now=NOW
        )
    decided = await uc.decide_step(
        db, person_id=successor, project_id=project.id, step_id=step.id, decision=Decision.APPROVE, now=NOW
    )
    assert decided.status is StepStatus.APPROVED
