"""`zhikong route` answers every row of DESIGN.md's approval table, as the office would ask it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from zhikong.cli import main

LOW = [{"actor": "县长", "action": "同意"}, {"actor": "分管副县长", "action": "审批"}]
MIDDLE = [
    {"actor": "分管副县长", "action": "审核"},
    {"actor": "县长办公会议", "action": "审议"},
    {"actor": "县长", "action": "审批"},
]
HIGH = [
    {"actor": "分管副县长", "action": "审核"},
    {"actor": "县长办公会议", "action": "审议"},
    {"actor": "县委常委会", "action": "审议"},
    {"actor": "县长", "action": "审批"},
]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--category", "工业", "--no-land"], LOW),
        (["--category", "文旅", "--no-land"], LOW),
        (["--category", "文旅", "--land-mu", "20"], LOW),
        (["--category", "康养", "--land-mu", "二十亩"], LOW),
        (["--category", "工业", "--land-mu", "30"], LOW),
        (["--category", "农业", "--land-mu", "21"], MIDDLE),
        (["--category", "工业", "--land-mu", "30.5"], MIDDLE),
        (["--category", "商业", "--land-mu", "50"], MIDDLE),
        (["--category", "文旅", "--land-mu", "2公顷"], MIDDLE),
        (["--category", "工业", "--land-mu", "50.1"], HIGH),
        (["--category", "服务业", "--land-mu", "60"], HIGH),
        (["--category", "工业", "--land-mu", "30", "--special-fiscal"], MIDDLE),
        (["--category", "工业", "--no-land", "--special-fiscal"], MIDDLE),
        (["--category", "文旅", "--land-mu", "40", "--special-fiscal"], HIGH),
        (["--category", "工业", "--land-mu", "80", "--special-fiscal"], HIGH),
        (
            ["--category", "工业", "--land-mu", "40", "--zone", "金磐开发区"],
            [{"actor": "金磐开发区", "action": "审批"}],
        ),
        (
            ["--category", "工业", "--land-mu", "50", "--zone", "金磐开发区"],
            [{"actor": "金磐开发区", "action": "审批"}],
        ),
        (
            ["--category", "工业", "--land-mu", "51", "--zone", "金磐开发区"],
            [{"actor": "县委常委会", "action": "审议"}, {"actor": "县长", "action": "审批"}],
        ),
        (["--category", "工业", "--land-mu", "40", "--zone", "尖山镇"], MIDDLE),
    ],
)
def test_route_prints_the_steps_as_json(
    args: list[str], expected: list[dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    main(["route", *args])
    assert json.loads(capsys.readouterr().out) == {"steps": expected}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--category", "木材", "--land-mu", "3"], "unknown category"),
        (["--category", "工业"], "--no-land"),
        (["--category", "工业", "--land-mu", "30", "--no-land"], "not both"),
        (["--category", "工业", "--land-mu", "三十英亩"], "expected an area"),
        (["--category", "工业", "--land-mu", "30", "--zone", "火星开发区"], "火星开发区"),
    ],
)
def test_route_explains_bad_input(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["route", *args])
    assert raised.value.code != 0
    assert message in (str(raised.value.code) + capsys.readouterr().err)


def test_the_installed_command_answers() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "zhikong", "route", "--category", "工业", "--land-mu", "30"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout)["steps"][0]["actor"] == "县长"


def test_backup_copies_a_running_database_and_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'live.db'}")
    main(["grant-role", "--telegram-id", "777", "--name", "管理员", "--role", "admin"])
    target = tmp_path / "backups" / "copy.db"
    main(["backup", str(target)])
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT role FROM role_assignments").fetchall() == [("admin",)]
    with pytest.raises(SystemExit):
        main(["backup", str(target)])
    assert "already exists" in capsys.readouterr().err


def test_grant_role_refuses_an_unknown_unit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'live.db'}")
    with pytest.raises(SystemExit):
        main(["grant-role", "--telegram-id", "1", "--name", "x", "--role", "staff:atlantis"])
    assert "atlantis" in capsys.readouterr().err
