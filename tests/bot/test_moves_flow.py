"""The pure parts of moving by buttons: what each move asks, how answers are read, drafts, and callback sizes."""

from __future__ import annotations

from datetime import date

import pytest

from bot.flows.moves import Ask, Draft, questions_for, read, skips
from bot.keyboards.moves import MemberToggle, MoveTap, StepDecision
from bot.keyboards.overview import Picking, ProjectsView
from domain.answers import AnswerError
from domain.directory import Directory
from domain.lifecycle import Move, Stage
from domain.records import Decision, Outcome

TODAY = date(2026, 11, 28)


def test_a_decision_asks_a_reason_unless_it_approves_and_a_meeting_its_facts_first() -> None:
    assert questions_for(Move.DECIDE_STEP, decision=Decision.APPROVE) == [Ask.COMMENT]
    assert questions_for(Move.DECIDE_STEP, decision=Decision.RETURN) == [Ask.REASON]
    assert questions_for(Move.DECIDE_STEP, decision=Decision.REFUSE, meeting=True) == [
        Ask.HELD_ON,
        Ask.MINUTES_NO,
        Ask.REASON,
    ]
    assert questions_for(Move.OPEN_APPROVAL) == []


def test_dates_are_read_as_the_form_reads_them_and_never_after_today() -> None:
    assert read(Ask.HELD_ON, "11月27日", today=TODAY) == "2026-11-27"
    assert read(Ask.STARTED_ON, "今天", today=TODAY) == "2026-11-28"
    with pytest.raises(AnswerError):
        read(Ask.SIGNED_ON, "2026-12-01", today=TODAY)
    with pytest.raises(AnswerError):
        read(Ask.REASON, "   ", today=TODAY)


def test_only_an_optional_question_can_be_skipped() -> None:
    assert skips(Ask.COMMENT, "跳过") and not skips(Ask.REASON, "跳过") and not skips(Ask.COMMENT, "同意")


def test_a_draft_survives_the_fsm_storage_and_an_unreadable_one_is_dropped() -> None:
    draft = Draft(move=Move.SIGN_AGREEMENT, project_id=7, origin_id=3, pending=[Ask.SIGNED_ON, Ask.AGREEMENT_NO])
    draft.answered("2026-11-28")
    kept = Draft.from_data({"other_flow": 1, **draft.to_data()})
    assert kept == draft and kept.asking is Ask.AGREEMENT_NO and kept.day(Ask.SIGNED_ON) == TODAY
    assert Draft.from_data({"move_draft": {"move": "flying"}}) is None
    assert Draft.from_data({}) is None


def test_every_button_fits_telegrams_64_bytes(directory: Directory) -> None:
    longest_unit = max(directory.units, key=len)
    big = 2**31 - 1
    packed = [
        StepDecision(step=big, d=Decision.RETURN).pack(),
        *(MoveTap(p=big, m=move, v=Outcome.NOT_PASSED.value).pack() for move in Move),
        MemberToggle(u=longest_unit).pack(),
        ProjectsView(u=longest_unit, s=Stage.NEGOTIATING.value, p=big, k=Picking.STAGE).pack(),
    ]
    assert max(len(data.encode()) for data in packed) <= 64
