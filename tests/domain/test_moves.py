"""Which moves a person may make now, who a project waits on, and checking a decider without deciding."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.directory import Directory, Role, RoleKind
from domain.lifecycle import Move, NotAllowed, Stage
from domain.project import Principal, StepClosed, StepNotFound, oversees_all_projects
from domain.records import Decision, MeetingKind, OpinionKind, Outcome
from tests.domain.test_lifecycle import (
    CADRE,
    COUNTY_HEAD,
    DEPUTY,
    NOW,
    OFFICE,
    REVIEWER,
    STRANGER,
    approving,
    negotiating,
    new_project,
)

LAND_DEPARTMENT = Principal(7, frozenset({Role(RoleKind.STAFF, "natural_resources")}))
CADRES_HEAD = Principal(8, frozenset({Role(RoleKind.HEAD, "jianshan")}))


def test_a_cadre_at_planning_may_fill_in_argue_and_end_the_project(directory: Directory) -> None:
    project = new_project(directory)
    assert project.moves_for(CADRE) == [Move.EDIT_FORM, Move.BIND_GROUP, Move.RECORD_ARGUMENTATION, Move.TERMINATE]
    assert project.moves_for(STRANGER) == []


def test_the_office_records_the_screening_only_once_the_form_is_in(directory: Directory) -> None:
    project = new_project(directory)
    assert Move.RECORD_SCREENING not in project.moves_for(OFFICE)
    project.record_argumentation(CADRE, date(2026, 11, 1), NOW)
    project.submit_form(CADRE, NOW)
    assert project.moves_for(OFFICE) == [Move.BIND_GROUP, Move.RECORD_SCREENING, Move.TERMINATE]
    assert project.moves_for(CADRE) == [Move.BIND_GROUP, Move.TERMINATE]


def test_approval_is_offered_only_after_the_joint_review(directory: Directory) -> None:
    project = negotiating(directory)
    assert Move.OPEN_APPROVAL not in project.moves_for(OFFICE)
    assert Move.RECORD_JOINT_REVIEW in project.moves_for(REVIEWER)
    assert Move.RECORD_DEPARTMENT_OPINION not in project.moves_for(REVIEWER)  # its 考察 is its 联审
    assert Move.RECORD_DEPARTMENT_OPINION in project.moves_for(LAND_DEPARTMENT)
    project.record_opinion(
        REVIEWER, OpinionKind.JOINT_REVIEW, "industry_investment_office", "同意", "钱七", date(2026, 11, 4), NOW
    )
    assert Move.OPEN_APPROVAL in project.moves_for(OFFICE)


def test_only_the_open_steps_holder_may_decide(directory: Directory) -> None:
    project = approving(directory)
    assert Move.DECIDE_STEP in project.moves_for(DEPUTY)
    assert Move.DECIDE_STEP not in project.moves_for(COUNTY_HEAD)
    assert Move.DECIDE_STEP not in project.moves_for(OFFICE)


def test_land_moves_follow_the_land(directory: Directory) -> None:
    no_land = approving(directory, land=None)
    no_land.decide_step(COUNTY_HEAD, 1, Decision.APPROVE, NOW)
    no_land.decide_step(DEPUTY, 2, Decision.APPROVE, NOW)
    no_land.sign_agreement(CADRE, date(2026, 12, 1), "A-1", NOW)
    assert Move.LIST_LAND not in no_land.moves_for(CADRE)
    assert Move.START_CONSTRUCTION in no_land.moves_for(CADRE)

    land = approving(directory, land=Decimal(10))
    land.decide_step(COUNTY_HEAD, 1, Decision.APPROVE, NOW)
    land.decide_step(DEPUTY, 2, Decision.APPROVE, NOW)
    land.sign_agreement(CADRE, date(2026, 12, 1), "A-2", NOW)
    assert Move.LIST_LAND in land.moves_for(CADRE)
    assert Move.START_CONSTRUCTION not in land.moves_for(CADRE)


def test_checking_a_decider_changes_nothing_and_names_the_holder(directory: Directory) -> None:
    project = approving(directory)
    assert project.step_to_decide(DEPUTY, 1) is project.steps[0]
    with pytest.raises(NotAllowed) as refused:
        project.step_to_decide(COUNTY_HEAD, 1)
    assert refused.value.params["holder"] == "deputy_head:deputy_industry"
    with pytest.raises(StepNotFound):
        project.step_to_decide(DEPUTY, 99)
    project.decide_step(DEPUTY, 1, Decision.APPROVE, NOW)
    with pytest.raises(StepClosed):
        project.step_to_decide(DEPUTY, 1)
    assert project.collect_events()[-1].name == "decide_step"


def test_a_project_waits_on_its_units_staff_and_head_alike(directory: Directory) -> None:
    project = new_project(directory)
    assert project.waits_for(CADRE) and project.waits_for(CADRES_HEAD)
    assert not project.waits_for(OFFICE)


def test_an_open_step_waits_on_its_holder_alone(directory: Directory) -> None:
    project = approving(directory)
    assert project.waits_for(DEPUTY)
    assert not project.waits_for(CADRE) and not project.waits_for(OFFICE)
    assert project.waiting_since() == NOW


def test_a_task_force_department_is_waited_on_until_it_gives_its_opinion(directory: Directory) -> None:
    project = negotiating(directory)
    assert project.departments_owing_opinion() == ["natural_resources"]
    assert project.waits_for(LAND_DEPARTMENT) and project.waits_for(REVIEWER)
    later = NOW + timedelta(hours=1)
    project.record_opinion(
        LAND_DEPARTMENT, OpinionKind.DEPARTMENT, "natural_resources", "同意", "赵六", date(2026, 11, 4), later
    )
    assert not project.waits_for(LAND_DEPARTMENT)


def test_a_deferred_meeting_leaves_the_project_waiting_on_the_office(directory: Directory) -> None:
    project = new_project(directory)
    project.record_argumentation(CADRE, date(2026, 11, 1), NOW)
    project.submit_form(CADRE, NOW)
    project.record_meeting(OFFICE, MeetingKind.SCREENING, Outcome.DEFERRED, date(2026, 11, 2), "1", NOW)
    assert project.stage is Stage.SUBMITTED and project.waits_for(OFFICE)


def test_the_office_and_the_leaders_oversee_every_project() -> None:
    assert oversees_all_projects(OFFICE) and oversees_all_projects(COUNTY_HEAD) and oversees_all_projects(DEPUTY)
    assert oversees_all_projects(Principal(9, frozenset({Role(RoleKind.CONTACT_LEADER, "liaison_beijing")})))
    assert not oversees_all_projects(CADRE) and not oversees_all_projects(STRANGER)
