"""The office's decisions on messages that did not surely arrive, as use cases: only the office decides, each row
once, a 补发 is a new row that cannot collide with the original's (event, chat), and the office is told once."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from domain.directory import Directory
from domain.lifecycle import NotAllowed
from services import outbox as uc
from services import projects
from services.delivery import ATTENTION_KEY, report_attention
from storage import tables
from storage.repositories import OutboxStatus
from storage.uow import Database
from tests.factories import NOW, OFFICE, PersonFactory, staff

OFFICE_TG = 500


async def rows(db: Database) -> list[dict[str, Any]]:
    async with db.uow(read_only=True) as uow:
        query = select(tables.outbox).order_by(tables.outbox.c.id)
        return [dict(r) for r in (await uow.session.execute(query)).mappings()]


async def uncertain_notice(db: Database, directory: Directory, person: PersonFactory) -> tuple[int, int, int]:
    """A new project's notice to the office that a crash left unknown: (office, cadre, row id)."""
    office = await person(OFFICE, telegram_user_id=OFFICE_TG)
    cadre = await person(staff("jianshan"))
    await projects.create_project(db, directory, person_id=cadre, name="康养项目", landing_unit="jianshan", now=NOW)
    (row,) = [r for r in await rows(db) if r["chat_id"] == OFFICE_TG]
    async with db.uow() as uow:
        await uow.outbox.settle(row["id"], OutboxStatus.UNKNOWN, now=NOW, error="interrupted")
        await uow.commit()
    return office, cadre, int(row["id"])


async def test_a_resend_is_a_new_row_linked_to_the_original_and_counts_as_its_copy(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    office, _cadre, row_id = await uncertain_notice(db, directory, person)
    page = await uc.doubtful_page(db, person_id=office, page=0, per_page=5)
    assert [r.id for r in page.rows] == [row_id] and page.rows[0].chat_title is not None

    done = await uc.resend(db, person_id=office, row_id=row_id, now=NOW)
    assert done.outcome is uc.Handled.DONE and done.resend_id is not None
    by_id = {r["id"]: r for r in await rows(db)}
    original, copy = by_id[row_id], by_id[done.resend_id]
    assert copy["resend_of"] == row_id and copy["status"] == OutboxStatus.PENDING
    assert (copy["chat_id"], copy["message_key"]) == (original["chat_id"], original["message_key"])
    assert copy["event_id"] != original["event_id"]  # its own event: (event, chat) cannot collide
    assert original["resolution"] == "resent" and original["resolved_by"] == office

    for again in (uc.resend, uc.not_needed):
        assert (await uc.resend(db, person_id=office, row_id=row_id, now=NOW)).outcome is uc.Handled.ALREADY
        assert (await again(db, person_id=office, row_id=row_id, now=NOW)).outcome is uc.Handled.ALREADY
    assert len([r for r in await rows(db) if r["resend_of"] == row_id]) == 1
    assert (await uc.doubtful_page(db, person_id=office, page=0, per_page=5)).total == 0
    async with db.uow(read_only=True) as uow:
        assert await uow.outbox.needing_attention() == []

    # Once sent, the 补发 is found where the original's copies are (to update them, e.g. a decided request).
    async with db.uow() as uow:
        await uow.outbox.settle(done.resend_id, OutboxStatus.SENT, now=NOW, message_id=77)
        await uow.commit()
        project_id = int(original["params"]["project_id"])
        copies = await uow.outbox.sent_copies(project_id, [str(original["message_key"])])
    assert (OFFICE_TG, 77) in {(c["chat_id"], c["sent_message_id"]) for c in copies}


async def test_only_the_office_decides_and_a_bad_row_id_changes_nothing(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    office, cadre, row_id = await uncertain_notice(db, directory, person)
    before = await rows(db)
    for act in (uc.resend, uc.not_needed):
        with pytest.raises(NotAllowed):
            await act(db, person_id=cadre, row_id=row_id, now=NOW)
    with pytest.raises(NotAllowed):
        await uc.doubtful_page(db, person_id=cadre, page=0, per_page=5)
    for bad in (0, -1, 2**31, 10**23, row_id + 1000):
        assert (await uc.resend(db, person_id=office, row_id=bad, now=NOW)).outcome is uc.Handled.MISSING
        assert await uc.doubtful_row(db, person_id=office, row_id=bad) is None
    assert await rows(db) == before

    assert (await uc.not_needed(db, person_id=office, row_id=row_id, now=NOW)).outcome is uc.Handled.DONE
    assert (await uc.resend(db, person_id=office, row_id=row_id, now=NOW)).outcome is uc.Handled.ALREADY
    assert [r for r in await rows(db) if r["resend_of"] is not None] == []


async def test_the_office_is_told_of_new_uncertain_rows_once(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    await uncertain_notice(db, directory, person)
    assert await report_attention(db, NOW) == 1
    assert await report_attention(db, NOW) == 0  # told already
    notices = [r for r in await rows(db) if r["message_key"] == ATTENTION_KEY]
    assert [(r["chat_id"], r["params"]["count"], r["params"]["unknown"]) for r in notices] == [(OFFICE_TG, 1, 1)]
    # Should the notice itself not arrive, that is no reason for another notice about it.
    async with db.uow() as uow:
        await uow.outbox.settle(notices[0]["id"], OutboxStatus.UNKNOWN, now=NOW, error="timeout")
        await uow.commit()
    assert await report_attention(db, NOW) == 0
