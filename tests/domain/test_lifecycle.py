"""The transition table and the project aggregate's moves, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.directory import Directory, Role, RoleKind
from domain.form import InvalidValue
from domain.lifecycle import TRANSITIONS, IllegalTransition, Move, NotAllowed, Party, Stage, check_party, check_stage
from domain.project import FormIncomplete, OpinionRequired, Principal, Project
from domain.records import Decision, MeetingKind, OpinionKind, Outcome, StepStatus
from tests.factories import complete_form

NOW = datetime(2026, 11, 27, 2, tzinfo=UTC)
CADRE = Principal(1, frozenset({Role(RoleKind.STAFF, "jianshan")}))
OFFICE = Principal(2, frozenset({Role(RoleKind.OFFICE)}))
DEPUTY = Principal(3, frozenset({Role(RoleKind.DEPUTY_HEAD, "deputy_industry")}))
COUNTY_HEAD = Principal(4, frozenset({Role(RoleKind.COUNTY_HEAD)}))
REVIEWER = Principal(5, frozenset({Role(RoleKind.STAFF, "industry_investment_office")}))
STRANGER = Principal(6, frozenset())


@pytest.mark.parametrize("move", list(Move))
@pytest.mark.parametrize("stage", list(Stage))
def test_a_move_is_legal_exactly_from_its_source_stages(move: Move, stage: Stage) -> None:
    if stage in TRANSITIONS[move].sources:
        assert check_stage(move, stage).move is move
    else:
        with pytest.raises(IllegalTransition) as raised:
            check_stage(move, stage)
        assert raised.value.params["expected"] == sorted(s.value for s in TRANSITIONS[move].sources)
        assert stage.value in str(raised.value)


def test_every_move_names_who_may_make_it_and_what_it_needs() -> None:
    assert set(TRANSITIONS) == set(Move)
    for transition in TRANSITIONS.values():
        assert transition.parties and transition.needs and transition.targets


def test_no_move_leaves_a_terminal_stage() -> None:
    for transition in TRANSITIONS.values():
        assert not any(stage.is_terminal() for stage in transition.sources)


@pytest.mark.parametrize("move", list(Move))
def test_a_person_who_is_no_party_to_the_move_is_refused(move: Move) -> None:
    with pytest.raises(NotAllowed):
        check_party(move, frozenset())
    check_party(move, TRANSITIONS[move].parties)


def new_project(directory: Directory, *, land: Decimal | None = Decimal(35)) -> Project:
    project = Project.create(CADRE, directory, name="测试项目", landing_unit="jianshan", now=NOW)
    project.edit_form(CADRE, directory, NOW, **complete_form(land_mu=land))
    return project


def negotiating(directory: Directory, *, land: Decimal | None = Decimal(35)) -> Project:
    project = new_project(directory, land=land)
    project.record_argumentation(CADRE, date(2026, 11, 1), NOW)
    project.submit_form(CADRE, NOW)
    project.record_meeting(OFFICE, MeetingKind.SCREENING, Outcome.PASSED, date(2026, 11, 2), "1", NOW)
    project.record_meeting(OFFICE, MeetingKind.LEADING_GROUP, Outcome.PASSED, date(2026, 11, 3), "2", NOW)
    project.form_task_force(OFFICE, ["natural_resources"], date(2026, 11, 3), NOW)
    return project


def approving(directory: Directory, *, land: Decimal | None = Decimal(35)) -> Project:
    project = negotiating(directory, land=land)
    project.record_opinion(
        REVIEWER, OpinionKind.JOINT_REVIEW, "industry_investment_office", "同意", "钱七", date(2026, 11, 4), NOW
    )
    project.open_approval(OFFICE, NOW)
    for number, step in enumerate(project.steps, start=1):
        step.id = number  # as the database would
    return project


def test_a_stranger_cannot_open_a_project(directory: Directory) -> None:
    with pytest.raises(NotAllowed):
        Project.create(STRANGER, directory, name="x", landing_unit="jianshan", now=NOW)


def test_only_a_zone_or_township_can_land_a_project(directory: Directory) -> None:
    with pytest.raises(InvalidValue):
        Project.create(OFFICE, directory, name="x", landing_unit="finance", now=NOW)


def test_the_category_picks_the_deputy_and_the_joint_reviewer(directory: Directory) -> None:
    from domain.approval import Category

    project = new_project(directory)
    project.edit_form(CADRE, directory, NOW, category=Category.CULTURE_TOURISM)
    assert project.deputy == Role(RoleKind.DEPUTY_HEAD, "deputy_culture_tourism")
    assert project.joint_reviewer == "tourism_committee_office"


def test_the_form_cannot_be_edited_once_submitted(directory: Directory) -> None:
    project = new_project(directory)
    project.record_argumentation(CADRE, date(2026, 11, 1), NOW)
    project.submit_form(CADRE, NOW)
    with pytest.raises(IllegalTransition):
        project.edit_form(CADRE, directory, NOW, other_info="晚了")


def test_an_unchanged_answer_records_no_event(directory: Directory) -> None:
    project = new_project(directory)
    project.collect_events()
    project.edit_form(CADRE, directory, NOW, investor_name=project.form.investor_name)
    assert project.collect_events() == []


def test_approval_waits_for_the_joint_review(directory: Directory) -> None:
    project = negotiating(directory)
    with pytest.raises(OpinionRequired):
        project.open_approval(OFFICE, NOW)


def test_only_task_force_departments_give_department_opinions(directory: Directory) -> None:
    project = negotiating(directory)
    outsider = Principal(9, frozenset({Role(RoleKind.STAFF, "finance")}))
    with pytest.raises(NotAllowed):
        project.record_opinion(outsider, OpinionKind.DEPARTMENT, "finance", "同意", "某", date(2026, 11, 4), NOW)


def test_a_meeting_step_needs_its_date_and_minutes(directory: Directory) -> None:
    project = approving(directory)
    project.decide_step(DEPUTY, 1, Decision.APPROVE, NOW)
    with pytest.raises(InvalidValue):
        project.decide_step(OFFICE, 2, Decision.APPROVE, NOW)
    with pytest.raises(InvalidValue):
        project.decide_step(OFFICE, 2, Decision.APPROVE, NOW, meeting_held_on=date(2026, 11, 5), minutes_no=" ")
    project.decide_step(OFFICE, 2, Decision.APPROVE, NOW, meeting_held_on=date(2026, 11, 5), minutes_no="30号")
    assert project.steps[1].minutes_no == "30号"
    assert project.open_step() is project.steps[2]


def test_the_last_approval_approves_the_project(directory: Directory) -> None:
    project = approving(directory, land=None)
    project.decide_step(COUNTY_HEAD, 1, Decision.APPROVE, NOW)
    project.decide_step(DEPUTY, 2, Decision.APPROVE, NOW)
    assert project.stage is Stage.APPROVED
    assert project.is_waiting_on() == Role(RoleKind.STAFF, "jianshan")


def test_a_land_project_starts_only_after_its_land_is_delisted(directory: Directory) -> None:
    project = approving(directory, land=None)
    project.decide_step(COUNTY_HEAD, 1, Decision.APPROVE, NOW)
    project.decide_step(DEPUTY, 2, Decision.APPROVE, NOW)
    project.sign_agreement(CADRE, date(2026, 12, 1), "A-1", NOW)
    with pytest.raises(InvalidValue):
        project.list_land(CADRE, date(2026, 12, 2), NOW)
    project.start_construction(CADRE, date(2026, 12, 3), NOW)
    assert project.stage is Stage.STARTED

    land_project = approving(directory, land=Decimal(10))
    land_project.decide_step(COUNTY_HEAD, 1, Decision.APPROVE, NOW)
    land_project.decide_step(DEPUTY, 2, Decision.APPROVE, NOW)
    land_project.sign_agreement(CADRE, date(2026, 12, 1), "A-2", NOW)
    with pytest.raises(InvalidValue):
        land_project.start_construction(CADRE, date(2026, 12, 3), NOW)


def test_terminating_cancels_the_open_steps(directory: Directory) -> None:
    project = approving(directory)
    project.terminate(OFFICE, "投资方撤回", NOW)
    assert project.stage is Stage.TERMINATED
    assert {s.status for s in project.steps} == {StepStatus.CANCELLED}
    with pytest.raises(IllegalTransition):
        project.terminate(OFFICE, "again", NOW)


def test_submission_lists_every_missing_answer(directory: Directory) -> None:
    project = Project.create(CADRE, directory, name="空", landing_unit="jianshan", now=NOW)
    project.record_argumentation(CADRE, date(2026, 11, 1), NOW)
    with pytest.raises(FormIncomplete) as raised:
        project.submit_form(CADRE, NOW)
    assert {"investor_name", "total_investment", "needs_land"} <= set(raised.value.params["missing"])


def test_parties_come_from_roles_alone(directory: Directory) -> None:
    project = approving(directory)
    assert project.parties_of(CADRE) == {Party.LANDING_UNIT}
    assert project.parties_of(DEPUTY) == {Party.DEPUTY, Party.STEP_HOLDER}
    assert project.parties_of(STRANGER) == frozenset()


@pytest.mark.parametrize(
    ("field", "value"),
    [("category", "工业"), ("investor_age", "45"), ("investor_age", True), ("needs_land", "是"), ("nonsense", 1)],
)
def test_the_form_refuses_a_value_of_the_wrong_type(directory: Directory, field: str, value: object) -> None:
    project = new_project(directory)
    with pytest.raises(InvalidValue, match=field):
        project.edit_form(CADRE, directory, NOW, **{field: value})


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("尖山镇", "jianshan"),
        ("尖山", "jianshan"),
        ("北京联络处", "liaison_beijing"),
        ("发改局", "development_reform"),
        ("磐安工业园区", "industrial_park"),
        ("金磐", "jinpan"),
    ],
)
def test_a_unit_is_found_by_the_name_people_type(directory: Directory, typed: str, code: str) -> None:
    from domain.directory import UnitKind

    assert directory.named(typed, [k for k in UnitKind if k is not UnitKind.LEADER_POST]).code == code


def test_a_name_matching_no_unit_or_several_is_refused(directory: Directory) -> None:
    from domain.directory import UnitKind, UnknownUnit

    with pytest.raises(UnknownUnit):
        directory.named("火星", list(UnitKind))
    with pytest.raises(UnknownUnit):
        directory.named("县", list(UnitKind))
