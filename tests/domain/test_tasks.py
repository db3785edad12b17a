"""The 交办单 lifecycle: every step, who may take it, and what is refused (三(三), 四(二))."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain.calendar import load_default_calendar
from domain.directory import Directory, Role, RoleKind
from domain.project import Principal
from domain.tasks import (
    ItemDraft,
    ItemStatus,
    TaskDeadlinePassed,
    TaskDeadlineUnreadable,
    TaskItemCriticized,
    TaskItemDone,
    TaskItemLineInvalid,
    TaskItemNotOverdue,
    TaskItemsMissing,
    TaskItemUnitUnknown,
    TaskMove,
    TaskMoveRefused,
    TaskNotAllowed,
    TaskRequest,
    TaskStatus,
    TaskTextInvalid,
    read_deadline,
    read_item_line,
    read_item_lines,
)
from tests.factories import NOW

TODAY = date(2026, 11, 27)  # NOW's day in 磐安, a Friday
CALENDAR = load_default_calendar()

CADRE = Principal(1, frozenset({Role(RoleKind.STAFF, "jianshan")}))
OFFICE = Principal(2, frozenset({Role(RoleKind.OFFICE)}))
HEAD = Principal(3, frozenset({Role(RoleKind.COUNTY_HEAD)}))
SUPERVISION = Principal(4, frozenset({Role(RoleKind.SUPERVISION)}))
FINANCE = Principal(5, frozenset({Role(RoleKind.HEAD, "finance")}))
LAND = Principal(6, frozenset({Role(RoleKind.STAFF, "natural_resources")}))
DEPARTMENT_ONLY = Principal(7, frozenset({Role(RoleKind.STAFF, "finance")}))

ITEMS = [ItemDraft("finance", "落实厂房租金补助"), ItemDraft("natural_resources", "完成用地预审", date(2026, 12, 31))]


def reported(directory: Directory) -> TaskRequest:
    return TaskRequest.report(CADRE, directory, "项目用地指标不足，需县里协调", NOW)


def issued(directory: Directory) -> TaskRequest:
    request = reported(directory)
    request.prepare(OFFICE, "协调用地与补助", ITEMS, NOW)
    request.approve(HEAD, NOW)
    request.issue(SUPERVISION, CALENDAR, 10, NOW)
    for number, item in enumerate(request.items, start=1):
        item.id = number
    request.collect_events()
    return request


def where(request: TaskRequest) -> tuple[TaskStatus, datetime | None]:
    """Its status and closing time, read afresh (a step changes them)."""
    return request.status, request.closed_at


def names(request: TaskRequest) -> list[str]:
    return [e.name for e in request.collect_events()]


def test_a_landing_units_cadre_reports_and_the_office_prepares(directory: Directory) -> None:
    request = reported(directory)
    assert (request.status, request.unit, request.reporter_id) == (TaskStatus.REPORTED, "jianshan", 1)
    request.prepare(OFFICE, " 协调用地与补助 ", ITEMS, NOW)
    assert request.status is TaskStatus.PREPARED and request.summary == "协调用地与补助"
    assert [(i.seq, i.unit, i.deadline) for i in request.items] == [
        (1, "finance", None),
        (2, "natural_resources", date(2026, 12, 31)),
    ]
    assert names(request) == ["task_reported", "task_prepared"]


def test_only_a_landing_units_people_report_and_only_for_their_own_projects(directory: Directory) -> None:
    with pytest.raises(TaskNotAllowed):
        TaskRequest.report(DEPARTMENT_ONLY, directory, "问题", NOW)
    with pytest.raises(TaskNotAllowed):
        TaskRequest.report(CADRE, directory, "问题", NOW, project_id=9, project_unit="yushan")
    tied = TaskRequest.report(CADRE, directory, "问题", NOW, project_id=9, project_unit="jianshan")
    assert tied.project_id == 9
    with pytest.raises(TaskTextInvalid) as refused:
        TaskRequest.report(CADRE, directory, "   ", NOW)
    assert refused.value.params["field"] == "material"


def test_the_office_returns_a_report_with_a_reason_and_nothing_more_happens(directory: Directory) -> None:
    request = reported(directory)
    with pytest.raises(TaskTextInvalid):
        request.return_report(OFFICE, "", NOW)
    request.return_report(OFFICE, "材料不全", NOW)
    assert (request.status, request.note) == (TaskStatus.RETURNED, "材料不全")
    with pytest.raises(TaskMoveRefused):
        request.prepare(OFFICE, "摘要", ITEMS, NOW)


def test_preparing_needs_the_office_a_summary_and_items_with_no_past_deadline(directory: Directory) -> None:
    request = reported(directory)
    with pytest.raises(TaskNotAllowed):
        request.prepare(CADRE, "摘要", ITEMS, NOW)
    with pytest.raises(TaskTextInvalid):
        request.prepare(OFFICE, "", ITEMS, NOW)
    with pytest.raises(TaskItemsMissing):
        request.prepare(OFFICE, "摘要", [], NOW)
    with pytest.raises(TaskDeadlinePassed):
        request.prepare(OFFICE, "摘要", [ItemDraft("finance", "补助", TODAY - timedelta(days=1))], NOW)
    assert request.status is TaskStatus.REPORTED and request.items == []


def test_the_county_head_approves_or_sends_back_to_the_office(directory: Directory) -> None:
    request = reported(directory)
    request.prepare(OFFICE, "摘要", ITEMS, NOW)
    for someone in (OFFICE, SUPERVISION, CADRE):
        with pytest.raises(TaskNotAllowed):
            request.approve(someone, NOW)
    request.send_back(HEAD, "事项不具体", NOW)
    assert (request.status, request.note) == (TaskStatus.REPORTED, "事项不具体")
    request.prepare(OFFICE, "摘要二", ITEMS[:1], NOW)
    assert len(request.items) == 1
    request.approve(HEAD, NOW)
    assert request.status is TaskStatus.APPROVED
    with pytest.raises(TaskMoveRefused):
        request.approve(HEAD, NOW)  # a second tap


def test_the_supervision_office_issues_with_due_dates_in_working_days(directory: Directory) -> None:
    request = reported(directory)
    request.prepare(OFFICE, "摘要", ITEMS, NOW)
    request.approve(HEAD, NOW)
    with pytest.raises(TaskNotAllowed):
        request.issue(HEAD, CALENDAR, 10, NOW)
    request.issue(SUPERVISION, CALENDAR, 10, NOW)
    assert request.status is TaskStatus.ISSUED and request.issued_on == TODAY
    # 10 法定工作日 after Friday 2026-11-27: Dec 1-4, 7-11 → Friday Dec 11; the given deadline stays.
    assert [i.due_on for i in request.items] == [date(2026, 12, 11), date(2026, 12, 31)]


def test_the_supervision_office_may_refer_an_approved_request_back(directory: Directory) -> None:
    request = reported(directory)
    request.prepare(OFFICE, "摘要", [ItemDraft("finance", "补助", TODAY)], NOW)
    request.approve(HEAD, NOW)
    with pytest.raises(TaskDeadlinePassed):
        request.issue(SUPERVISION, CALENDAR, 10, NOW + timedelta(days=2))
    with pytest.raises(TaskNotAllowed):
        request.refer_back(HEAD, "期限已过", NOW)
    request.refer_back(SUPERVISION, "期限已过", NOW)
    assert request.status is TaskStatus.REPORTED


def test_units_complete_their_own_items_and_the_last_closes_the_request(directory: Directory) -> None:
    request = issued(directory)
    with pytest.raises(TaskNotAllowed):
        request.complete_item(LAND, 1, "已办", NOW)  # the finance bureau's item
    with pytest.raises(TaskTextInvalid):
        request.complete_item(FINANCE, 1, " ", NOW)
    request.complete_item(FINANCE, 1, "补助已拨付", NOW)
    with pytest.raises(TaskItemDone):
        request.complete_item(FINANCE, 1, "再来一次", NOW)
    assert request.status is TaskStatus.ISSUED and request.closed_at is None
    request.complete_item(LAND, 2, "预审已完成", NOW)
    assert where(request) == (TaskStatus.CLOSED, NOW)
    assert [i.status for i in request.items] == [ItemStatus.DONE, ItemStatus.DONE]
    assert names(request) == ["task_item_done", "task_item_done", "task_closed"]


def test_an_overdue_item_is_criticised_once_by_the_supervision_office(directory: Directory) -> None:
    request = issued(directory)
    with pytest.raises(TaskItemNotOverdue):
        request.criticize_item(SUPERVISION, 1, NOW)
    late = NOW + timedelta(days=20)  # past Dec 11
    with pytest.raises(TaskNotAllowed):
        request.criticize_item(OFFICE, 1, late)
    assert request.item_moves_for(SUPERVISION, request.items[0], late.date()) == [TaskMove.CRITICIZE]
    request.criticize_item(SUPERVISION, 1, late)
    assert request.items[0].criticized_on == date(2026, 12, 17)
    with pytest.raises(TaskItemCriticized):
        request.criticize_item(SUPERVISION, 1, late)
    assert request.item_moves_for(SUPERVISION, request.items[0], late.date()) == []


def test_an_item_done_late_may_still_be_criticised_after_the_request_closed(directory: Directory) -> None:
    request = issued(directory)
    late = NOW + timedelta(days=20)
    request.complete_item(FINANCE, 1, "补助已拨付", late)
    request.complete_item(LAND, 2, "预审已完成", NOW)
    assert request.status is TaskStatus.CLOSED
    request.criticize_item(SUPERVISION, 1, late)
    with pytest.raises(TaskItemNotOverdue):
        request.criticize_item(SUPERVISION, 2, late)  # done in time


def test_what_each_person_may_do_now(directory: Directory) -> None:
    request = reported(directory)
    assert request.moves_for(OFFICE) == [TaskMove.PREPARE, TaskMove.RETURN_REPORT]
    assert request.moves_for(HEAD) == [] and request.moves_for(CADRE) == []
    request.prepare(OFFICE, "摘要", ITEMS, NOW)
    assert request.moves_for(HEAD) == [TaskMove.APPROVE, TaskMove.SEND_BACK]
    request.approve(HEAD, NOW)
    assert request.moves_for(SUPERVISION) == [TaskMove.REFER_BACK, TaskMove.ISSUE]


def test_typed_items_are_read_forgivingly(directory: Directory) -> None:
    assert read_item_line("1. 财政局：落实补助：12月20日前", directory, TODAY) == ItemDraft(
        "finance", "落实补助", date(2026, 12, 20)
    )
    assert read_item_line("发改局:协调能评指标", directory, TODAY) == ItemDraft("development_reform", "协调能评指标")
    # A last part that is not a date is part of the task; a month-day before today is next year's.
    assert read_item_line("财政局：补助：按合同执行", directory, TODAY).what == "补助：按合同执行"
    assert read_item_line("尖山：清表：2月1日", directory, TODAY).deadline == date(2027, 2, 1)
    assert read_deadline("2026年12月1日", TODAY) == date(2026, 12, 1)
    with pytest.raises(TaskDeadlinePassed):
        read_deadline("2026-11-20", TODAY)
    with pytest.raises(TaskDeadlineUnreadable):
        read_item_line("财政局：补助：13月40日", directory, TODAY)


def test_a_bad_line_refuses_the_whole_message_and_says_which(directory: Directory) -> None:
    with pytest.raises(TaskItemUnitUnknown) as unknown:
        read_item_lines("财政局：补助\n火星局：登陆", directory, TODAY)
    assert unknown.value.params["line_no"] == 2 and unknown.value.params["unit"] == "火星局"
    with pytest.raises(TaskItemLineInvalid):
        read_item_lines("只有一句话", directory, TODAY)
    assert len(read_item_lines("财政局：补助\n\n发改局：指标", directory, TODAY)) == 2
