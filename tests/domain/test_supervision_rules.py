"""The supervision rules file: documented defaults, and a clear refusal of anything that cannot work."""

from __future__ import annotations

import pytest

from domain.deadlines import DeadlineSchedule
from domain.supervision import (
    SupervisionConfigError,
    SupervisionRules,
    load_default_supervision_rules,
    load_supervision_rules,
    parse_supervision_rules,
)


def test_the_packaged_file_says_what_the_defaults_are() -> None:
    assert load_default_supervision_rules() == SupervisionRules()


def test_a_key_left_out_keeps_its_default_and_the_schedule_is_read_from_flat_keys() -> None:
    rules = load_supervision_rules({"progress_prompt_day": 3, "remind_before_workdays": [1], "warn_every_workdays": 1})
    assert rules.progress_prompt_day == 3
    assert rules.step_due_workdays == SupervisionRules().step_due_workdays
    assert rules.schedule == DeadlineSchedule(remind_before=(1,), warn_every=1)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"progres_prompt_day": 1}, "progres_prompt_day"),
        ({"progress_prompt_day": 31}, "progress_prompt_day"),
        ({"send_hour": 24}, "send_hour"),
        ({"step_due_workdays": 0}, "step_due_workdays"),
        ({"step_due_workdays": "5"}, "step_due_workdays"),
        ({"remind_before_workdays": 2}, "remind_before_workdays"),
        ({"warn_every_workdays": 0}, "schedule"),
    ],
)
def test_a_bad_value_names_its_key(data: dict[str, object], key: str) -> None:
    with pytest.raises(SupervisionConfigError) as caught:
        load_supervision_rules(data)
    assert caught.value.params["key"] == key


def test_a_file_that_is_not_toml_is_refused_with_the_reason() -> None:
    with pytest.raises(SupervisionConfigError, match="not valid TOML"):
        parse_supervision_rules("send_hour = ")
