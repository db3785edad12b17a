"""The supervision pass runs every reconciler; one that breaks is logged and does not stop the others."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from domain.directory import Directory
from domain.scoring import ScoringRules
from domain.supervision import SupervisionConfigError, SupervisionRules
from services import supervise as pass_module
from services.setup import read_scoring_rules, read_supervision_rules
from services.supervise import Supervision, supervise
from storage.uow import Database
from tests.factories import NOW


async def test_a_broken_reconciler_does_not_stop_the_rest(
    db: Database, directory: Directory, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[str] = []

    async def broken(supervision: Supervision, now: datetime) -> int:
        seen.append("broken")
        raise RuntimeError("the database went away")

    async def working(supervision: Supervision, now: datetime) -> int:
        seen.append("working")
        return 3

    monkeypatch.setattr(pass_module, "reconcilers", lambda: [("broken", broken), ("working", working)])
    done = await supervise(Supervision(db, directory, SupervisionRules(), ScoringRules()), NOW)
    assert seen == ["broken", "working"]
    assert done == {"broken": 0, "working": 3}
    assert "the broken reconciler broke off" in caplog.text


def test_the_rules_files_named_in_the_settings_are_the_ones_read(tmp_path: Path) -> None:
    supervision_file = tmp_path / "supervision.toml"
    supervision_file.write_text("progress_prompt_day = 3\n", "utf-8")
    scoring_file = tmp_path / "scoring.toml"
    scoring_file.write_text("late_update_deduction = 2\n", "utf-8")
    assert read_supervision_rules(supervision_file).progress_prompt_day == 3
    assert read_scoring_rules(scoring_file).late_update_deduction == 2
    assert read_supervision_rules() == SupervisionRules()
    supervision_file.write_text("progress_prompt_day = 40\n", "utf-8")
    with pytest.raises(SupervisionConfigError):
        read_supervision_rules(supervision_file)
