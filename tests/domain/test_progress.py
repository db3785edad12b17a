"""The monthly update's calendar (prompt, due, missing) across holidays, a 调休 day and the year's end; reading
the answers; lateness; the unit's report under 谋划 / 盯引 / 签约 / 落地."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.calendar import load_default_calendar
from domain.directory import Role, RoleKind
from domain.lifecycle import Stage
from domain.progress import (
    InvalidProgressAnswer,
    NotLandingUnit,
    Phase,
    ProgressUpdate,
    ReportedProject,
    UpdateNotOpen,
    open_cycle,
    owes_update,
    period_label,
    progress_cycle,
    read_funds,
    read_problems,
    read_progress,
    unit_report,
    write_update,
)
from domain.supervision import SupervisionRules

CALENDAR = load_default_calendar()
RULES = SupervisionRules()  # prompt on the 1st, due 5 working days later
STAFF = Role(RoleKind.STAFF, "jianshan")
NOW = datetime(2025, 10, 10, 2, tzinfo=UTC)


def test_september_is_asked_after_the_national_day_holiday_and_due_across_its_makeup_saturday() -> None:
    cycle = progress_cycle(date(2025, 9, 1), RULES, CALENDAR)
    assert cycle.prompt_on == date(2025, 10, 9)  # 10-01..08 are 国庆/中秋 days off
    assert cycle.due == date(2025, 10, 15)  # 10, 11 (调休 Saturday), 13, 14, 15
    assert cycle.missing_on == date(2025, 11, 3)  # 11-01 is a Saturday


def test_december_is_asked_in_january_on_the_makeup_sunday_after_new_year() -> None:
    cycle = progress_cycle(date(2025, 12, 1), RULES, CALENDAR)
    assert cycle.prompt_on == date(2026, 1, 4)  # 01-01..03 元旦 off, 01-04 a 调休 Sunday
    assert cycle.due == date(2026, 1, 9)
    assert period_label(cycle.period) == "2025-12"


def test_the_open_cycle_turns_over_on_the_prompt_day() -> None:
    assert open_cycle(date(2026, 1, 3), RULES, CALENDAR).period == date(2025, 11, 1)
    assert open_cycle(date(2026, 1, 4), RULES, CALENDAR).period == date(2025, 12, 1)
    assert open_cycle(date(2025, 10, 8), RULES, CALENDAR).period == date(2025, 8, 1)


def test_a_later_prompt_day_is_configurable() -> None:
    cycle = progress_cycle(date(2026, 4, 1), SupervisionRules(progress_prompt_day=3, progress_due_workdays=2), CALENDAR)
    assert cycle.prompt_on == date(2026, 5, 6)  # 05-03..05 are 劳动节 days off
    assert cycle.due == date(2026, 5, 8)


def test_late_means_after_the_due_day_and_open_means_before_the_next_prompt() -> None:
    cycle = progress_cycle(date(2025, 9, 1), RULES, CALENDAR)
    assert not cycle.is_late(date(2025, 10, 15)) and cycle.is_late(date(2025, 10, 16))
    assert cycle.is_open(date(2025, 11, 2)) and not cycle.is_open(date(2025, 11, 3))


def test_only_active_projects_that_existed_in_the_month_owe_it() -> None:
    october = date(2025, 10, 1)
    assert owes_update(Stage.NEGOTIATING, date(2025, 10, 31), october)
    assert not owes_update(Stage.NEGOTIATING, date(2025, 11, 1), october)
    assert not owes_update(Stage.STARTED, date(2025, 1, 1), october)
    assert not owes_update(Stage.TERMINATED, date(2025, 1, 1), october)


@pytest.mark.parametrize(
    ("text", "yuan"),
    [("三千万元", "30000000.00"), ("5000万", "50000000.00"), ("1.2亿", "120000000.00"), ("800", "8000000.00")],
)
def test_funds_read_chinese_numerals_and_bare_numbers_as_wan(text: str, yuan: str) -> None:
    assert read_funds(text) == Decimal(yuan)


@pytest.mark.parametrize("text", ["0", "无", "没有", "零", "0元"])
def test_no_funds_this_month_is_zero(text: str) -> None:
    assert read_funds(text) == Decimal("0.00")


def test_funds_in_dollars_or_unreadable_are_refused_with_the_reason() -> None:
    with pytest.raises(InvalidProgressAnswer) as dollars:
        read_funds("100万美元")
    assert dollars.value.params["reason"] == "currency"
    with pytest.raises(InvalidProgressAnswer) as nonsense:
        read_funds("很多")
    assert nonsense.value.params["reason"] == "amount"


def test_progress_is_required_and_problems_may_be_none() -> None:
    assert read_progress(" 完成土地预审 ") == "完成土地预审"
    with pytest.raises(InvalidProgressAnswer):
        read_progress("无")
    with pytest.raises(InvalidProgressAnswer) as long:
        read_progress("很" * 1001)
    assert long.value.params["max_length"] == 1000
    assert read_problems("没有") == "" and read_problems("用地指标紧张") == "用地指标紧张"


def _write(
    today: date, *, roles: frozenset[Role] = frozenset({STAFF}), previous: ProgressUpdate | None = None
) -> ProgressUpdate:
    return write_update(
        project_id=7,
        landing_unit="jianshan",
        stage=Stage.NEGOTIATING,
        cycle=progress_cycle(date(2025, 9, 1), RULES, CALENDAR),
        roles=roles,
        person_id=1,
        funds=Decimal("30000000"),
        progress="签订框架协议",
        problems="",
        stage_changed=False,
        today=today,
        now=NOW,
        previous=previous,
    )


def test_an_update_after_the_due_day_is_late_and_a_correction_keeps_the_first_time() -> None:
    on_time = _write(date(2025, 10, 15))
    assert not on_time.late and on_time.funds == Decimal("30000000.00") and on_time.revision == 1
    late = _write(date(2025, 10, 16))
    assert late.late
    later = datetime(2025, 10, 20, 2, tzinfo=UTC)
    corrected = write_update(
        project_id=7,
        landing_unit="jianshan",
        stage=Stage.NEGOTIATING,
        cycle=progress_cycle(date(2025, 9, 1), RULES, CALENDAR),
        roles={STAFF},
        person_id=2,
        funds=Decimal(0),
        progress="更正",
        problems="",
        stage_changed=True,
        today=date(2025, 10, 20),
        now=later,
        previous=on_time,
    )
    assert not corrected.late and corrected.first_submitted_at == NOW and corrected.updated_at == later
    assert corrected.revision == 2


def test_only_the_landing_unit_updates_and_only_while_the_month_is_open() -> None:
    with pytest.raises(NotLandingUnit):
        _write(date(2025, 10, 15), roles=frozenset({Role(RoleKind.STAFF, "yushan"), Role(RoleKind.OFFICE)}))
    assert _write(date(2025, 10, 15), roles=frozenset({Role(RoleKind.HEAD, "jianshan")})).progress
    with pytest.raises(UpdateNotOpen):
        _write(date(2025, 11, 3))


def test_the_units_report_sorts_projects_by_phase_and_names_the_overdue() -> None:
    planning = ReportedProject(1, "康养小镇", Stage.ARGUED)
    pursued = ReportedProject(2, "中药饮片", Stage.APPROVING)
    signed = ReportedProject(3, "民宿集群", Stage.SIGNED)
    landed = ReportedProject(4, "药谷", Stage.DELISTED)
    update = _write(date(2025, 10, 14))
    report = unit_report("jianshan", date(2025, 9, 1), [planning, pursued, signed, landed], {2: update}, {2, 3})
    assert report.phases[Phase.PLANNING] == [planning] and report.phases[Phase.PURSUING] == [pursued]
    assert report.phases[Phase.SIGNED] == [signed] and report.phases[Phase.LANDED] == [landed]
    assert report.updates == [(pursued, update)] and report.overdue == [signed]
    assert report.funds == Decimal("30000000.00")
