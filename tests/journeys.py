"""Bring a project of 尖山镇 to a given stage through the use cases, for tests that start midway."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.approval import Category
from domain.directory import Directory, Role, RoleKind
from domain.project import Project
from domain.records import ApprovalStep, MeetingKind, OpinionKind, Outcome
from services import projects as uc
from storage.uow import Database
from tests.factories import NOW, OFFICE, PersonFactory, complete_form, staff

LATER = NOW + timedelta(days=1)


class Cast:
    """The people of one project's story."""

    def __init__(self, cadre: int, office: int, deputy: int, county_head: int, reviewer: int, department: int):
        self.cadre, self.office, self.deputy = cadre, office, deputy
        self.county_head, self.reviewer, self.department = county_head, reviewer, department


@pytest.fixture
async def cast(person: PersonFactory) -> Cast:
    return Cast(
        cadre=await person(staff("jianshan"), name="尖山镇干部"),
        office=await person(OFFICE, name="办公室"),
        deputy=await person(Role(RoleKind.DEPUTY_HEAD, "deputy_industry"), name="分管副县长"),
        county_head=await person(Role(RoleKind.COUNTY_HEAD), name="县长"),
        reviewer=await person(staff("industry_investment_office"), name="工投办"),
        department=await person(staff("natural_resources"), name="自然资源局"),
    )


def ident(value: int | None) -> int:
    """The id of something saved (tests only ever ask after saving)."""
    assert value is not None
    return value


async def to_submitted(db: Database, directory: Directory, cast: Cast, **form_args: object) -> Project:
    """A project of 尖山镇 whose form, filled as asked, waits for the 研判."""
    values = complete_form(**form_args)  # type: ignore[arg-type]
    project = await uc.create_project(
        db,
        directory,
        person_id=cast.cadre,
        name="中药饮片项目",
        landing_unit="jianshan",
        now=NOW,
        category=values["category"],
    )
    pid = ident(project.id)
    await uc.edit_form(db, directory, person_id=cast.cadre, project_id=pid, now=NOW, **values)
    await uc.record_argumentation(db, person_id=cast.cadre, project_id=pid, held_on=date(2026, 11, 10), now=NOW)
    return await uc.submit_form(db, person_id=cast.cadre, project_id=pid, now=NOW)


async def to_negotiation(db: Database, directory: Directory, cast: Cast, **form_args: object) -> Project:
    """A project of 尖山镇 brought to the 专班 stage with the form filled as asked."""
    pid = ident((await to_submitted(db, directory, cast, **form_args)).id)
    await uc.record_meeting(
        db,
        kind=MeetingKind.SCREENING,
        person_id=cast.office,
        project_id=pid,
        outcome=Outcome.PASSED,
        held_on=date(2026, 11, 25),
        minutes_no="研判〔2026〕11号",
        now=NOW,
        note="同意引进",
    )
    await uc.record_meeting(
        db,
        kind=MeetingKind.LEADING_GROUP,
        person_id=cast.office,
        project_id=pid,
        outcome=Outcome.PASSED,
        held_on=date(2026, 11, 26),
        minutes_no="领导小组〔2026〕5号",
        now=NOW,
    )
    return await uc.form_task_force(
        db,
        directory,
        person_id=cast.office,
        project_id=pid,
        member_units=["natural_resources"],
        formed_on=date(2026, 11, 26),
        now=NOW,
    )


async def to_approval(db: Database, directory: Directory, cast: Cast, **form_args: object) -> Project:
    project = await to_negotiation(db, directory, cast, **form_args)
    assert project.id is not None
    await uc.record_opinion(
        db,
        person_id=cast.department,
        project_id=project.id,
        kind=OpinionKind.DEPARTMENT,
        unit="natural_resources",
        text="选址符合规划",
        inspector="赵六",
        given_on=date(2026, 11, 27),
        now=NOW,
    )
    reviewer_unit = project.joint_reviewer
    assert reviewer_unit == "industry_investment_office" or form_args.get("category") not in (None, Category.INDUSTRY)
    await uc.record_opinion(
        db,
        person_id=cast.reviewer,
        project_id=project.id,
        kind=OpinionKind.JOINT_REVIEW,
        unit=reviewer_unit,
        text="同意",
        inspector="钱七",
        given_on=date(2026, 11, 27),
        now=NOW,
    )
    return await uc.open_approval(db, person_id=cast.office, project_id=project.id, now=NOW)


def pending(project: Project) -> ApprovalStep:
    step = project.open_step()
    assert step is not None and step.id is not None
    return step
