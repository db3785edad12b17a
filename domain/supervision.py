"""The supervision rules: prompt days, deadlines in 法定工作日 and the alarm schedule, as configuration.

The policy asks for monthly updates, real-time warnings and monthly/quarterly 通报 (一(四), 四(一)) but
names no day or number of days: every value is ours, documented in zhikong/data/supervision.toml, written
once here as the defaults, and set by 领导小组办公室 in that file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from importlib import resources
from typing import Any

from domain.deadlines import DeadlineSchedule
from domain.errors import DomainError


class SupervisionConfigError(DomainError):
    """supervision.toml is malformed; the message names the key and what was expected."""

    code = "supervision_config"


@dataclass(frozen=True)
class SupervisionRules:
    send_hour: int = 9
    progress_prompt_day: int = 1
    progress_due_workdays: int = 5
    step_due_workdays: int = 5
    meeting_step_due_workdays: int = 15
    screening_due_workdays: int = 22
    task_item_due_workdays: int = 10
    monthly_bulletin_day: int = 5
    quarterly_contest_day: int = 10
    liaison_report_due_workdays: int = 5
    visit_gap_days: int = 30
    schedule: DeadlineSchedule = field(default_factory=DeadlineSchedule)

    def __post_init__(self) -> None:
        if not 0 <= self.send_hour <= 23:
            _refuse("send_hour", self.send_hour, "an hour from 0 to 23")
        for key in ("progress_prompt_day", "monthly_bulletin_day", "quarterly_contest_day"):
            if not 1 <= getattr(self, key) <= 28:
                _refuse(key, getattr(self, key), "a day of the month from 1 to 28 (every month has it)")
        for key in _WORKDAY_KEYS | {"visit_gap_days"}:
            if getattr(self, key) < 1:
                _refuse(key, getattr(self, key), "a whole number of days, at least 1")


_INT_KEYS = frozenset(spec.name for spec in fields(SupervisionRules) if spec.name != "schedule")
_WORKDAY_KEYS = frozenset(key for key in _INT_KEYS if key.endswith("_workdays"))
# The alarm schedule's keys as written in the file (working days, like the deadlines).
_SCHEDULE_KEYS = {
    "remind_before_workdays": "remind_before",
    "warn_every_workdays": "warn_every",
    "escalate_after_workdays": "escalate_after",
    "yellow_within_workdays": "yellow_within",
}


def _refuse(key: str, value: object, expected: str) -> None:
    raise SupervisionConfigError(
        f"Supervision rule {key!r} is {value!r}; expected {expected}.", key=key, value=repr(value), expected=expected
    )


def load_supervision_rules(data: Mapping[str, Any]) -> SupervisionRules:
    """Rules from a mapping such as a parsed supervision.toml; missing keys keep their defaults."""
    values: dict[str, Any] = {}
    schedule: dict[str, Any] = {}
    for key, value in data.items():
        if key in _SCHEDULE_KEYS:
            if key == "remind_before_workdays":
                if not isinstance(value, list) or not all(type(n) is int and n >= 0 for n in value):
                    _refuse(key, value, "a list of working days before the due date, such as [2, 1]")
                value = tuple(value)
            elif type(value) is not int:
                _refuse(key, value, "a whole number of working days")
            schedule[_SCHEDULE_KEYS[key]] = value
        elif key in _INT_KEYS:
            if type(value) is not int:
                _refuse(key, value, "a whole number")
            values[key] = value
        else:
            _refuse(key, value, "one of " + ", ".join(sorted(_INT_KEYS | set(_SCHEDULE_KEYS))))
    try:
        values["schedule"] = DeadlineSchedule(**schedule)
    except DomainError as error:
        raise SupervisionConfigError(str(error), key="schedule", value=repr(schedule), expected=str(error)) from error
    return SupervisionRules(**values)


def load_default_supervision_rules() -> SupervisionRules:
    """Rules from the packaged zhikong/data/supervision.toml."""
    return parse_supervision_rules(resources.files("zhikong.data").joinpath("supervision.toml").read_text("utf-8"))


def parse_supervision_rules(text: str) -> SupervisionRules:
    """Rules from the text of a supervision.toml."""
    try:
        return load_supervision_rules(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise SupervisionConfigError(
            f"supervision.toml is not valid TOML: {exc}", key=None, value=str(exc), expected="valid TOML"
        ) from exc
