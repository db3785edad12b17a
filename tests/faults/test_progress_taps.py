"""The monthly update's buttons (pg, ps, pa): pressed by someone else, in another group, on another message, or
again after the update is in: each press is answered and changes no row."""

from __future__ import annotations

from datetime import date

from domain.lifecycle import Stage
from tests.bot.conftest import World
from tests.bot.moves_support import answer, cast_of, project_in
from tests.bot.test_progress import START, at, prompt_in, supervise_at
from tests.faults.taps import refused


async def test_update_buttons_refuse_the_wrong_person_chat_and_time(world: World) -> None:
    people, cast = await cast_of(world)
    _project, group = await project_in(world, people, cast, until=Stage.SUBMITTED, title="药谷群")
    await supervise_at(world, at(date(2026, 12, 1)))
    prompt = prompt_in(group)
    start = prompt.callback_data(START) or ""
    other = world.telegram.group("闲聊群", members=[people.cadre, people.office])
    await people.cadre.says(other, "/status")
    assert "不属于本聊天" in await refused(world, people.cadre, other.last_message(), start)
    assert "落地单位" in await refused(world, people.office, prompt, start)
    await people.cadre.says(group, "/status")
    await refused(world, people.cadre, group.last_message(), start)  # its group, but not on that message

    await people.cadre.taps(prompt, START)
    stage_question = group.bot_messages()[-1]
    unchanged = stage_question.callback_data("没有变化") or ""
    await refused(world, people.office, stage_question, unchanged)  # the cadre's question
    await refused(world, people.cadre, prompt, unchanged)  # not the message waiting for the answer
    await people.cadre.taps(stage_question, "没有变化")
    await refused(world, people.cadre, stage_question, unchanged)  # answered already
    await answer(people.cadre, group, "三千万元")
    await answer(people.cadre, group, "完成土地预审")
    card = await answer(people.cadre, group, "无")
    submit = card.callback_data("✅ 提交") or ""
    await refused(world, people.office, card, submit)
    await people.cadre.taps(card, "✅ 提交")
    await refused(world, people.cadre, card, submit)  # pressed twice
