"""Whole journeys through the use cases, on each database backend."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain.approval import Actor
from domain.directory import Directory, Role, RoleKind
from domain.lifecycle import IllegalTransition, NotAllowed, Stage
from domain.project import FormIncomplete, StepClosed
from domain.records import Decision, MeetingKind, OpinionKind, Outcome, StepStatus
from services import projects as uc
from storage import tables
from storage.uow import Database
from tests.factories import NOW, OFFICE, PersonFactory, complete_form, head, staff
from tests.journeys import LATER, Cast, ident, pending, to_approval, to_negotiation, to_submitted


async def test_a_35_mu_industrial_project_goes_from_planning_to_construction(
    db: Database, directory: Directory, cast: Cast
) -> None:
    project = await to_approval(db, directory, cast, land_mu=Decimal(35))
    pid = ident(project.id)
    assert [(s.actor, s.holder) for s in project.current_steps()] == [
        (Actor.DEPUTY_HEAD, Role(RoleKind.DEPUTY_HEAD, "deputy_industry")),
        (Actor.COUNTY_EXECUTIVE_MEETING, OFFICE),
        (Actor.COUNTY_HEAD, Role(RoleKind.COUNTY_HEAD)),
    ]
    await uc.decide_step(
        db,
        person_id=cast.deputy,
        project_id=pid,
        step_id=ident(pending(project).id),
        decision=Decision.APPROVE,
        now=NOW,
        comment="同意",
    )
    project = await uc.get_project(db, pid)
    await uc.decide_step(
        db,
        person_id=cast.office,
        project_id=pid,
        step_id=ident(pending(project).id),
        decision=Decision.APPROVE,
        now=NOW,
        meeting_held_on=date(2026, 11, 27),
        minutes_no="县长办公会议〔2026〕30号",
    )
    project = await uc.get_project(db, pid)
    await uc.decide_step(
        db,
        person_id=cast.county_head,
        project_id=pid,
        step_id=ident(pending(project).id),
        decision=Decision.APPROVE,
        now=NOW,
    )
    project = await uc.get_project(db, pid)
    assert project.stage is Stage.APPROVED
    await uc.sign_agreement(
        db, person_id=cast.cadre, project_id=pid, signed_on=date(2026, 12, 1), agreement_no="A-1", now=LATER
    )
    await uc.list_land(db, person_id=cast.cadre, project_id=pid, listed_on=date(2027, 1, 5), now=LATER)
    await uc.delist_land(db, person_id=cast.cadre, project_id=pid, delisted_on=date(2027, 2, 5), now=LATER)
    project = await uc.start_construction(
        db, person_id=cast.cadre, project_id=pid, started_on=date(2027, 3, 1), now=LATER
    )
    assert project.stage is Stage.STARTED
    assert project.construction_started_on == date(2027, 3, 1)


async def test_every_change_is_audited_with_its_before_and_after(
    db: Database, directory: Directory, cast: Cast
) -> None:
    project = await to_negotiation(db, directory, cast)
    async with db.uow(read_only=True) as uow:
        trail = await uow.audit.for_subject("project", ident(project.id))
    names = [row["name"] for row in trail]
    assert names == [
        "create",
        "form_edited",
        "record_argumentation",
        "submit_form",
        "record_screening",
        "record_leading_group_review",
        "form_task_force",
    ]
    submit = trail[3]
    assert (submit["before"], submit["after"]) == ({"stage": "argued"}, {"stage": "submitted"})
    assert submit["actor_person_id"] == cast.cadre


async def test_submission_notifies_the_office_in_private(
    db: Database, directory: Directory, cast: Cast, person: PersonFactory
) -> None:
    project = await to_negotiation(db, directory, cast)
    async with db.uow(read_only=True) as uow:
        office_person = await uow.people.get(cast.office)
        rows = (
            (
                await uow.session.execute(
                    select(tables.outbox).where(tables.outbox.c.message_key == "project.submit_form")
                )
            )
            .mappings()
            .all()
        )
    assert [r["chat_id"] for r in rows] == [office_person.telegram_user_id]
    assert rows[0]["params"]["project_name"] == project.name


async def test_a_form_missing_required_answers_cannot_be_submitted(
    db: Database, directory: Directory, cast: Cast
) -> None:
    project = await uc.create_project(
        db, directory, person_id=cast.cadre, name="空项目", landing_unit="jianshan", now=NOW
    )
    assert project.id is not None
    await uc.record_argumentation(db, person_id=cast.cadre, project_id=project.id, held_on=date(2026, 11, 1), now=NOW)
    with pytest.raises(FormIncomplete) as raised:
        await uc.submit_form(db, person_id=cast.cadre, project_id=project.id, now=NOW)
    assert "investor_phone" in raised.value.params["missing"]
    assert (await uc.get_project(db, project.id)).stage is Stage.ARGUED


@pytest.mark.parametrize(
    ("kind", "outcome", "stage_after"),
    [
        (MeetingKind.SCREENING, Outcome.NOT_PASSED, Stage.PLANNING),  # Attachment 3: 不通过 goes back to 谋划
        (MeetingKind.SCREENING, Outcome.DEFERRED, Stage.SUBMITTED),  # 暂缓 waits for the next meeting
        (MeetingKind.SCREENING, Outcome.PASSED, Stage.SCREENED),
    ],
)
async def test_a_screening_outcome_moves_the_project_as_the_policy_says(
    db: Database, directory: Directory, cast: Cast, kind: MeetingKind, outcome: Outcome, stage_after: Stage
) -> None:
    pid = ident((await to_submitted(db, directory, cast)).id)
    project = await uc.record_meeting(
        db,
        kind=kind,
        person_id=cast.office,
        project_id=pid,
        outcome=outcome,
        held_on=date(2026, 11, 25),
        minutes_no="研判〔2026〕11号",
        now=NOW,
    )
    assert project.stage is stage_after
    assert project.meetings[-1].outcome is outcome


async def test_a_project_sent_back_from_screening_can_be_terminated(
    db: Database, directory: Directory, cast: Cast
) -> None:
    pid = ident((await to_submitted(db, directory, cast)).id)
    await uc.record_meeting(
        db,
        kind=MeetingKind.SCREENING,
        person_id=cast.office,
        project_id=pid,
        outcome=Outcome.NOT_PASSED,
        held_on=date(2026, 11, 25),
        minutes_no="研判〔2026〕11号",
        now=NOW,
    )
    project = await uc.terminate(db, person_id=cast.office, project_id=pid, reason="产业不符", now=NOW)
    assert project.stage is Stage.TERMINATED


async def test_a_returned_form_is_amended_and_resubmitted_on_a_new_route(
    db: Database, directory: Directory, cast: Cast
) -> None:
    project = await to_approval(db, directory, cast, land_mu=Decimal(25))  # 工业 ≤ 30: 县长 同意 first
    pid = ident(project.id)
    assert pending(project).holder == Role(RoleKind.COUNTY_HEAD)
    project_step = pending(project)
    await uc.decide_step(
        db,
        person_id=cast.county_head,
        project_id=pid,
        step_id=ident(project_step.id),
        decision=Decision.RETURN,
        now=NOW,
        comment="补充能耗情况",
    )
    project = await uc.get_project(db, pid)
    assert project.stage is Stage.RETURNED
    assert [s.status for s in project.steps] == [StepStatus.RETURNED, StepStatus.CANCELLED]
    await uc.edit_form(
        db,
        directory,
        person_id=cast.cadre,
        project_id=pid,
        now=NOW,
        energy_use="年耗电 50 万千瓦时",
        land_mu=Decimal(40),
    )
    project = await uc.resubmit(db, person_id=cast.cadre, project_id=pid, now=NOW)
    assert project.stage is Stage.APPROVING
    assert project.round_no == 2
    assert [s.actor for s in project.current_steps()] == [
        Actor.DEPUTY_HEAD,
        Actor.COUNTY_EXECUTIVE_MEETING,
        Actor.COUNTY_HEAD,
    ]


async def test_a_refusal_ends_the_project(db: Database, directory: Directory, cast: Cast) -> None:
    project = await to_approval(db, directory, cast, land_mu=None)
    await uc.decide_step(
        db,
        person_id=cast.county_head,
        project_id=ident(project.id),
        step_id=ident(pending(project).id),
        decision=Decision.REFUSE,
        now=NOW,
        comment="不符合产业导向",
    )
    project = await uc.get_project(db, ident(project.id))
    assert project.stage is Stage.REJECTED
    assert project.open_step() is None


async def test_only_the_holder_of_the_open_step_may_decide_it(db: Database, directory: Directory, cast: Cast) -> None:
    project = await to_approval(db, directory, cast, land_mu=Decimal(35))
    step = pending(project)
    for outsider in (cast.county_head, cast.cadre, cast.office):
        with pytest.raises(NotAllowed):
            await uc.decide_step(
                db,
                person_id=outsider,
                project_id=ident(project.id),
                step_id=ident(step.id),
                decision=Decision.APPROVE,
                now=NOW,
            )
    assert pending(await uc.get_project(db, ident(project.id))).status is StepStatus.PENDING


async def test_a_second_decision_on_a_step_changes_nothing(db: Database, directory: Directory, cast: Cast) -> None:
    project = await to_approval(db, directory, cast, land_mu=Decimal(35))
    step = pending(project)
    await uc.decide_step(
        db,
        person_id=cast.deputy,
        project_id=ident(project.id),
        step_id=ident(step.id),
        decision=Decision.APPROVE,
        now=NOW,
    )
    with pytest.raises(StepClosed):
        await uc.decide_step(
            db,
            person_id=cast.deputy,
            project_id=ident(project.id),
            step_id=ident(step.id),
            decision=Decision.REFUSE,
            now=NOW,
        )
    project = await uc.get_project(db, ident(project.id))
    assert project.steps[0].status is StepStatus.APPROVED


async def test_the_successor_inherits_the_pending_step(
    db: Database, directory: Directory, cast: Cast, person: PersonFactory
) -> None:
    from services.people import hand_over_role
    from tests.factories import ADMIN

    project = await to_approval(db, directory, cast, land_mu=Decimal(35))
    admin = await person(ADMIN)
    successor = await person(name="新任分管副县长")
    deputy_role = Role(RoleKind.DEPUTY_HEAD, "deputy_industry")
    await hand_over_role(
        db, admin_id=admin, role=deputy_role, from_person_id=cast.deputy, to_person_id=successor, now=NOW
    )
    with pytest.raises(NotAllowed):
        await uc.decide_step(
            db,
            person_id=cast.deputy,
            project_id=ident(project.id),
            step_id=ident(pending(project).id),
            decision=Decision.APPROVE,
            now=NOW,
        )
    async with db.uow(read_only=True) as uow:
        todo = await uow.projects.waiting_on((await uow.people.principal(successor)).roles)
    assert [p.id for p in todo] == [project.id]
    await uc.decide_step(
        db,
        person_id=successor,
        project_id=ident(project.id),
        step_id=ident(pending(project).id),
        decision=Decision.APPROVE,
        now=NOW,
    )


async def test_an_illegal_move_says_what_stage_was_expected(db: Database, directory: Directory, cast: Cast) -> None:
    project = await uc.create_project(
        db, directory, person_id=cast.cadre, name="新项目", landing_unit="jianshan", now=NOW
    )
    with pytest.raises(IllegalTransition) as raised:
        await uc.sign_agreement(
            db,
            person_id=cast.cadre,
            project_id=ident(project.id),
            signed_on=date(2026, 12, 1),
            agreement_no="X",
            now=NOW,
        )
    assert raised.value.params["expected"] == ["approved"]


async def test_a_jinpan_project_of_40_mu_is_approved_by_the_zone_itself(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    cadre = await person(staff("jinpan"))
    zone_head = await person(head("jinpan"))
    office = await person(OFFICE)
    reviewer = await person(staff("industry_investment_office"))
    project = await uc.create_project(db, directory, person_id=cadre, name="金磐项目", landing_unit="jinpan", now=NOW)
    pid = ident(project.id)
    await uc.edit_form(db, directory, person_id=cadre, project_id=pid, now=NOW, **complete_form(land_mu=Decimal(40)))
    await uc.record_argumentation(db, person_id=cadre, project_id=pid, held_on=date(2026, 11, 1), now=NOW)
    await uc.submit_form(db, person_id=cadre, project_id=pid, now=NOW)
    await uc.record_meeting(
        db,
        kind=MeetingKind.SCREENING,
        person_id=office,
        project_id=pid,
        outcome=Outcome.PASSED,
        held_on=date(2026, 11, 2),
        minutes_no="1",
        now=NOW,
    )
    await uc.record_meeting(
        db,
        kind=MeetingKind.LEADING_GROUP,
        person_id=office,
        project_id=pid,
        outcome=Outcome.PASSED,
        held_on=date(2026, 11, 3),
        minutes_no="2",
        now=NOW,
    )
    await uc.form_task_force(
        db, directory, person_id=office, project_id=pid, member_units=[], formed_on=date(2026, 11, 3), now=NOW
    )
    await uc.record_opinion(
        db,
        person_id=reviewer,
        project_id=pid,
        kind=OpinionKind.JOINT_REVIEW,
        unit="industry_investment_office",
        text="同意",
        inspector="钱七",
        given_on=date(2026, 11, 4),
        now=NOW,
    )
    project = await uc.open_approval(db, person_id=office, project_id=pid, now=NOW)
    assert [(s.actor, s.holder) for s in project.current_steps()] == [(Actor.JINPAN_ZONE, head("jinpan"))]
    await uc.decide_step(
        db, person_id=zone_head, project_id=pid, step_id=ident(pending(project).id), decision=Decision.APPROVE, now=NOW
    )
    assert (await uc.get_project(db, pid)).stage is Stage.APPROVED
