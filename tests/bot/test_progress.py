"""The monthly progress update in a project's group: the prompt appears on its day, a cadre of the landing unit
answers a few questions (money in Chinese numerals), the group sees the summary; nobody else may answer; past
the due date the group is warned."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import date, datetime, time

from domain.calendar import SHANGHAI
from domain.lifecycle import Stage
from sandbox.scenario import Conversation, MessageView
from services.progress import reconcile_progress
from tests.bot.conftest import World
from tests.bot.moves_support import answer, cast_of, project_in

START = "📝 填报月度进展"


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


async def supervise_at(world: World, moment: datetime) -> None:
    """Move the clock, run the progress reconciler there, and deliver what it queued."""
    world.clock.move_to(moment)
    await reconcile_progress(world.app.supervision, world.clock.now())
    await world.deliver()


def prompt_in(group: Conversation) -> MessageView:
    return next(m for m in reversed(group.bot_messages()) if START in m.button_texts)


async def test_the_prompt_appears_on_its_day_and_a_cadre_posts_the_update_in_the_group(world: World) -> None:
    people, cast = await cast_of(world)
    _project, group = await project_in(world, people, cast, until=Stage.SUBMITTED, title="药谷群")
    await supervise_at(world, at(date(2026, 11, 30)))
    assert not any(START in m.button_texts for m in group.bot_messages())  # November is asked in December

    # 2026-12-01 (a Tuesday) from 09:00: the group is asked for November, due 12-08.
    await supervise_at(world, at(date(2026, 12, 1)))
    prompt = prompt_in(group)
    assert "2026-11 月度进展" in (prompt.text or "") and "尖山镇" in (prompt.text or "")
    assert "2026-12-08" in (prompt.text or "")
    await supervise_at(world, at(date(2026, 12, 1), hour=15))
    assert sum(START in m.button_texts for m in group.bot_messages()) == 1  # asked once

    # The office is not the landing unit: its tap is refused and nothing starts.
    refused = await people.office.taps(prompt, START)
    assert "落地单位" in (world.telegram.answer_to(refused).text or "")

    await people.cadre.taps(prompt, START)
    stage_question = group.bot_messages()[-1]
    assert "当前阶段：审批表已上报" in (stage_question.text or "") and "没有变化" in stage_question.button_texts
    await people.cadre.taps(stage_question, "没有变化")
    funds_question = group.bot_messages()[-1]
    assert funds_question.forces_reply and "到位资金" in (funds_question.text or "")

    # Someone else's reply to the cadre's question is not taken.
    await people.office.replies(group, to=funds_question, text="一个亿")
    assert "问别人" in (group.bot_messages()[-1].text or "")

    bad = await answer(people.cadre, group, "很多钱")
    assert "不是金额" in (bad.text or "") and bad.forces_reply
    assert "进展情况" in (await answer(people.cadre, group, "三千万元")).text  # type: ignore[operator]
    await answer(people.cadre, group, "完成土地预审，签订框架协议")
    card = await answer(people.cadre, group, "无")
    assert "3000万元" in (card.text or "") and "✅ 提交" in card.button_texts
    await people.cadre.taps(card, "✅ 提交")
    assert "已提交" in (group.bot_messages()[-1].text or "")
    await world.deliver()
    summary = group.bot_messages()[-1].text or ""
    assert "2026-11 月度进展" in summary and "3000万元" in summary and "完成土地预审" in summary

    # Handed in on time: no warning later.
    await supervise_at(world, at(date(2026, 12, 9)))
    assert "逾期" not in (group.bot_messages()[-1].text or "")


async def test_past_the_due_date_the_group_is_warned_and_the_county_head_reads_the_units_report(world: World) -> None:
    people, cast = await cast_of(world)
    _project, group = await project_in(world, people, cast, until=Stage.SUBMITTED)
    head_chat = people.county_head.opens_private_chat()
    await supervise_at(world, at(date(2026, 12, 1)))
    await supervise_at(world, at(date(2026, 12, 9)))
    warning = group.bot_messages()[-1]
    assert "逾期" in (warning.text or "") and "2026-12-08" in (warning.text or "")
    assert START in warning.button_texts  # it can be posted from the warning straight away
    report = head_chat.last_message().text or ""
    assert "尖山镇 2026-11 招商项目月度汇报" in report and "盯引（1）：中药饮片项目" in report
    assert "逾期未填报：中药饮片项目" in report


async def test_update_in_private_asks_which_project_when_several_owe_one(world: World) -> None:
    people, cast = await cast_of(world)
    await project_in(world, people, cast, until=Stage.SUBMITTED, title="一号群")
    await project_in(world, people, cast, until=Stage.SUBMITTED, title="二号群")
    await supervise_at(world, at(date(2026, 12, 1)))
    chat = people.cadre.opens_private_chat()
    choice = await answered(world, chat, people.cadre.says(chat, "/update"))
    assert len(choice.button_texts) == 2
    stage_question = await answered(world, chat, people.cadre.taps(choice, choice.button_texts[1]))
    await answered(world, chat, people.cadre.taps(stage_question, "有变化"), count=2)
    assert "/status" in (chat.bot_messages()[-2].text or "")
    await answered(world, chat, people.cadre.says(chat, "0"))
    await answered(world, chat, people.cadre.says(chat, "完成签约准备"))
    card = await answered(world, chat, people.cadre.says(chat, "/skip"))
    assert "0元" in (card.text or "") and "有变化" in (card.text or "")
    submit = card.callback_data("✅ 提交")
    assert submit is not None
    await answered(world, chat, people.cadre.taps(card, "✅ 提交"))
    again = await people.cadre.taps_forged(card, submit)  # the same press delivered twice
    await world.telegram.settle()
    assert "过期" in (world.telegram.answer_to(again).text or "")
    assert sum("已提交" in (m.text or "") for m in chat.bot_messages()) == 1


async def answered(world: World, chat: Conversation, action: Awaitable[object], *, count: int = 1) -> MessageView:
    """Do `action` and wait for the bot's `count` messages in answer; the latest of them.

    The fake's settle() can return while an update waits in the bot's first middleware (a database read before
    the fake's tracker sees it), so a run of quick private messages waits for the answers themselves."""
    before = len(chat.bot_messages())
    await action
    for _ in range(300):
        if len(chat.bot_messages()) >= before + count:
            await world.telegram.settle()
            return chat.bot_messages()[-1]
        await asyncio.sleep(0.01)
    raise AssertionError(f"the bot did not answer: {[m.text for m in chat.bot_messages()[before:]]}")
