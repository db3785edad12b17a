"""Finding a step's project, what waits on a person, the paged overview, and the step a notice asks about, on
each database backend."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain.directory import Directory
from domain.lifecycle import NotAllowed, Stage
from domain.project import StepNotFound
from domain.records import Decision
from services import projects as uc
from storage import tables
from storage.uow import Database
from tests.factories import NOW, PersonFactory, staff
from tests.journeys import Cast, ident, pending, to_approval, to_submitted


async def test_a_step_leads_to_its_project_and_a_forged_one_to_nothing(
    db: Database, directory: Directory, cast: Cast
) -> None:
    project = await to_approval(db, directory, cast, land_mu=Decimal(35))
    step_id = ident(pending(project).id)
    found, step = await uc.step_to_decide(db, person_id=cast.deputy, step_id=step_id)
    assert found.id == project.id and step.id == step_id
    with pytest.raises(NotAllowed):
        await uc.step_to_decide(db, person_id=cast.county_head, step_id=step_id)
    with pytest.raises(StepNotFound):
        await uc.step_to_decide(db, person_id=cast.deputy, step_id=step_id + 1000)


async def test_a_decided_step_shows_who_decided_it(db: Database, directory: Directory, cast: Cast) -> None:
    project = await to_approval(db, directory, cast, land_mu=Decimal(35))
    step_id = ident(pending(project).id)
    await uc.decide_step(
        db,
        person_id=cast.deputy,
        project_id=ident(project.id),
        step_id=step_id,
        decision=Decision.APPROVE,
        now=NOW,
        comment="同意，抓紧推进",
    )
    view = await uc.view_step(db, step_id=step_id)
    assert view.decided_by_name == "分管副县长" and view.step.comment == "同意，抓紧推进"


async def test_what_waits_on_a_person_comes_oldest_first(
    db: Database, directory: Directory, cast: Cast, person: PersonFactory
) -> None:
    first = await to_approval(db, directory, cast, land_mu=Decimal(35))
    second = await to_submitted(db, directory, cast)
    assert [p.id for p in await uc.waiting_for(db, person_id=cast.deputy)] == [first.id]
    assert [p.id for p in await uc.waiting_for(db, person_id=cast.office)] == [second.id]
    third = await to_approval(db, directory, cast, land_mu=Decimal(10))
    await uc.decide_step(
        db,
        person_id=cast.county_head,
        project_id=ident(third.id),
        step_id=ident(pending(third).id),
        decision=Decision.APPROVE,
        now=NOW + timedelta(hours=2),
    )
    # The third reached the deputy two hours after the first: it comes second.
    assert [p.id for p in await uc.waiting_for(db, person_id=cast.deputy)] == [first.id, third.id]
    town_head = await person(staff("yushan"))
    assert await uc.waiting_for(db, person_id=town_head) == []


async def test_the_overview_filters_pages_and_is_for_overseers_only(
    db: Database, directory: Directory, cast: Cast
) -> None:
    for _ in range(3):
        await to_submitted(db, directory, cast)
    await to_approval(db, directory, cast)
    page = await uc.overview(db, person_id=cast.county_head, per_page=2)
    assert (page.total, page.pages, len(page.projects)) == (4, 2, 2)
    last = await uc.overview(db, person_id=cast.office, page=5, per_page=2)
    assert last.page == 1 and len(last.projects) == 2
    submitted = await uc.overview(db, person_id=cast.office, stage=Stage.SUBMITTED)
    assert submitted.total == 3 and {p.stage for p in submitted.projects} == {Stage.SUBMITTED}
    assert (await uc.overview(db, person_id=cast.office, landing_unit="yushan")).total == 0
    with pytest.raises(NotAllowed):
        await uc.overview(db, person_id=cast.cadre)


async def test_the_notice_of_an_opened_route_names_the_step_to_decide(
    db: Database, directory: Directory, cast: Cast
) -> None:
    project = await to_approval(db, directory, cast, land_mu=Decimal(35))
    async with db.uow(read_only=True) as uow:
        rows = await uow.session.execute(
            select(tables.outbox.c.params).where(tables.outbox.c.message_key == "project.open_approval")
        )
        params = [row.params for row in rows]
    step = pending(project)
    assert params and all(p["open_step_id"] == step.id for p in params)
    assert params[0]["open_step_holder"] == "deputy_head:deputy_industry"
    assert (params[0]["open_step_actor"], params[0]["open_step_action"]) == ("DEPUTY_HEAD", "REVIEW")
