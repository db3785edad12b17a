"""A year of targets in Telegram: the office sets 尖山镇's targets in June with forgiving input and short refusals,
the town's cadre sees its plan with /plan, a factory lands, and the county head reads the assessment with its
一票评优 and 一票否优."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from domain.calendar import SHANGHAI
from domain.directory import Role, RoleKind
from sandbox.scenario import Conversation, Person
from storage.supervision import AssessmentMark
from tests.bot.conftest import World
from tests.bot.story import latest
from tests.sandbox.support import wait_until
from tests.services.test_targets import landed_factory

JUNE = datetime(2026, 6, 10, 10, tzinfo=SHANGHAI)


async def says(person: Person, chat: Conversation, text: str) -> str:
    """What the bot answered to `text`: every command here gets one answer, waited for."""
    answered = len(chat.bot_messages())
    await person.says(chat, text)
    await wait_until(lambda: len(chat.bot_messages()) > answered)
    return latest(chat).text or ""


async def test_the_office_sets_targets_the_town_follows_its_plan_and_the_leaders_read_the_assessment(
    world: World,
) -> None:
    world.clock.move_to(JUNE)
    office = await world.person("王办公室", Role(RoleKind.OFFICE))
    cadre = await world.person("李尖山", Role(RoleKind.STAFF, "jianshan"))
    county_head = await world.person("陈县长", Role(RoleKind.COUNTY_HEAD))
    for someone in (office, cadre, county_head):
        await someone.starts()
    chat = office.private_chat

    # Bad input is refused with what was expected, and nothing is set.
    assert "“税收”不是考核指标" in await says(office, chat, "/targets 尖山镇 税收 2")
    assert "没有找到区块或乡镇（街道）“火星镇”" in await says(office, chat, "/targets 火星镇 7亿制造业 2")
    assert "“1.5”不是项目个数" in await says(office, chat, "/targets 尖山 7亿制造业 1.5")
    assert "“3”不是人民币金额" in await says(office, chat, "/targets 尖山镇 到位资金 3")
    assert "本年度尚未下达目标任务" in await says(office, chat, "/targets 尖山镇")

    # Set in June, the target of two 7亿 projects falls due over June to December: one in September, one in December.
    reply = await says(office, chat, "/targets 尖山 7亿元以上制造业项目 两个")
    assert "已设定尖山镇2026年“7亿元以上制造业项目”目标：2个，自6月起倒排到各月" in reply
    assert "月度计划：9月 1个；12月 1个" in reply
    reply = await says(office, chat, "/targets 尖山镇 制造业到位资金 7000万")
    assert "目标：7000万元" in reply and "本月计划 1000万元" in reply
    reply = await says(office, chat, "/targets 尖山镇 到位资金 12月 4000 万")
    assert "已将尖山镇2026年12月“制造业项目到位资金”计划定为4000万元" in reply
    assert "6月 500万元" in reply and "12月 4000万元" in reply
    assert "已录入尖山镇2026年6月“利用外资”实际完成：300万美元" in await says(
        office, chat, "/targets 尖山镇 利用外资 6月 实际 300万"
    )
    overview = await says(office, chat, "/targets")
    assert "尖山镇：7亿元以上制造业项目 2个；制造业项目到位资金 7000万元" in overview

    # The town's cadre sees its own plan, and may not set targets.
    assert "只有领导小组办公室、县领导和督考办可以使用 /targets" in await says(
        cadre, cadre.private_chat, "/targets 尖山镇 7亿制造业 9"
    )
    plan = await says(cadre, cadre.private_chat, "/plan")
    assert "尖山镇2026年目标与月度计划（截至6月）" in plan
    assert "本月计划 0个 · 累计计划 0个 · 累计完成 0个" in plan

    # A 7.5亿 factory lands in July with 玉山镇 as its 招引单位; in December 尖山镇 is on plan.
    async with world.app.db.uow(read_only=True) as uow:
        cadre_record = await uow.people.by_telegram_id(cadre.id)
    assert cadre_record is not None and cadre_record.id is not None
    await landed_factory(world.app.db, world.app.directory, cadre_record.id, total="750000000", on=date(2026, 7, 8))
    world.clock.move_to(datetime(2026, 12, 20, 10, tzinfo=SHANGHAI))
    assert "累计完成 1个" in await says(cadre, cadre.private_chat, "/plan")

    # 玉山镇 is 通报批评 for an overdue 交办单 item.
    async with world.app.db.uow() as uow:
        mark = AssessmentMark("yushan", 2026, "criticism", Decimal(0), "task-1", date(2026, 9, 1), note="交办单逾期")
        await uow.marks.add(mark, world.clock.now())
        await uow.commit()

    assert "只有领导小组办公室、县领导和督考办可以查看年度考核" in await says(cadre, cadre.private_chat, "/assessment")
    assert "“明年”不是年份" in await says(county_head, county_head.private_chat, "/assessment 明年")
    table = await says(county_head, county_head.private_chat, "/assessment 2026")
    assert "2026年度招商引资考核（截至2026-12-20）" in table
    lines = table.splitlines()
    # 尖山镇 landed 1 of its 2: no 评优; Q3 ended on plan (1 due by September), Q4 is still running.
    jianshan = next(line for line in lines if "尖山镇" in line)
    assert jianshan.startswith("▫️ 尖山镇：+5 / 0 / 合计 +5")
    assert lines[lines.index(jianshan) + 1] == "各季度：0 / 0 / +5 / 0"
    assert "▫️ 仁川镇：0 / 0 / 合计 0" in lines and "各季度：0 / 0 / 0 / 0" not in lines  # no empty detail
    yushan_at = next(i for i, line in enumerate(lines) if "玉山镇" in line)
    assert lines[yushan_at].startswith("⛔ 玉山镇：+5")
    assert "一票否优：被通报批评（交办单逾期），本可一票评优" in lines[yushan_at + 2]
