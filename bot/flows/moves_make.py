"""Making a drafted move: the one use case each move calls, with the answers the draft collected."""

from __future__ import annotations

from datetime import date, datetime

from bot.flows.moves import Ask, Draft
from domain.directory import Directory
from domain.lifecycle import Move
from domain.records import Decision, MeetingKind, OpinionKind, Outcome
from services import projects as uc
from storage.uow import Database

MEETINGS = {Move.RECORD_SCREENING: MeetingKind.SCREENING, Move.RECORD_LEADING_GROUP_REVIEW: MeetingKind.LEADING_GROUP}


async def make_move(
    draft: Draft, *, db: Database, directory: Directory, person_id: int, now: datetime, today: date
) -> None:
    """Call the draft's use case; the domain checks stage, party and values again and may refuse."""
    pid, move = draft.project_id, draft.move
    if move is Move.DECIDE_STEP:
        await uc.decide_step(
            db,
            person_id=person_id,
            project_id=pid,
            step_id=draft.step_id,
            decision=Decision(draft.choice),
            now=now,
            comment=draft.answer(Ask.COMMENT) or draft.answer(Ask.REASON),
            meeting_held_on=draft.day(Ask.HELD_ON) if draft.answer(Ask.HELD_ON) else None,
            minutes_no=draft.answer(Ask.MINUTES_NO),
        )
    elif move in MEETINGS:
        await uc.record_meeting(
            db,
            person_id=person_id,
            project_id=pid,
            kind=MEETINGS[move],
            outcome=Outcome(draft.choice),
            held_on=draft.day(Ask.HELD_ON),
            minutes_no=draft.answer(Ask.MINUTES_NO),
            now=now,
            note=draft.answer(Ask.NOTE),
        )
    elif move is Move.FORM_TASK_FORCE:
        await uc.form_task_force(
            db, directory, person_id=person_id, project_id=pid, member_units=draft.members, formed_on=today, now=now
        )
    elif move in (Move.RECORD_DEPARTMENT_OPINION, Move.RECORD_JOINT_REVIEW):
        await uc.record_opinion(
            db,
            person_id=person_id,
            project_id=pid,
            kind=OpinionKind.JOINT_REVIEW if move is Move.RECORD_JOINT_REVIEW else OpinionKind.DEPARTMENT,
            unit=draft.choice,
            text=draft.answer(Ask.OPINION),
            inspector=draft.answer(Ask.INSPECTOR),
            given_on=today,
            now=now,
        )
    else:
        await _make_simple(draft, db=db, person_id=person_id, now=now)


async def _make_simple(draft: Draft, *, db: Database, person_id: int, now: datetime) -> None:
    """The moves that need a date, a reason, or nothing at all."""
    who, pid = person_id, draft.project_id
    match draft.move:
        case Move.RECORD_ARGUMENTATION:
            await uc.record_argumentation(db, person_id=who, project_id=pid, held_on=draft.day(Ask.ARGUED_ON), now=now)
        case Move.OPEN_APPROVAL:
            await uc.open_approval(db, person_id=who, project_id=pid, now=now)
        case Move.RESUBMIT:
            await uc.resubmit(db, person_id=who, project_id=pid, now=now)
        case Move.SIGN_AGREEMENT:
            signed_on, number = draft.day(Ask.SIGNED_ON), draft.answer(Ask.AGREEMENT_NO)
            await uc.sign_agreement(
                db, person_id=who, project_id=pid, signed_on=signed_on, agreement_no=number, now=now
            )
        case Move.LIST_LAND:
            await uc.list_land(db, person_id=who, project_id=pid, listed_on=draft.day(Ask.LISTED_ON), now=now)
        case Move.DELIST_LAND:
            await uc.delist_land(db, person_id=who, project_id=pid, delisted_on=draft.day(Ask.DELISTED_ON), now=now)
        case Move.START_CONSTRUCTION:
            started_on = draft.day(Ask.STARTED_ON)
            await uc.start_construction(db, person_id=who, project_id=pid, started_on=started_on, now=now)
        case Move.TERMINATE:
            await uc.terminate(db, person_id=who, project_id=pid, reason=draft.answer(Ask.REASON), now=now)
        case _:
            raise AssertionError(f"{draft.move} has no button")
