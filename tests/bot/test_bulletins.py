"""The office previews a 通报 with /bulletin and publishes it with one tap; the readers then get its text,
chart and table, once, however often the button is tapped."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.directory import Role, RoleKind
from tests.bot.conftest import World

OFFICE = Role(RoleKind.OFFICE)
COUNTY_HEAD = Role(RoleKind.COUNTY_HEAD)


async def test_the_office_previews_then_publishes_the_bulletin_once(world: World) -> None:
    world.clock.move_to(datetime(2026, 11, 3, 2, 0, tzinfo=UTC))  # before the 5th: nothing published yet
    office = await world.person("王办公室", OFFICE)
    leader = await world.person("县长", COUNTY_HEAD)
    leader_chat = leader.opens_private_chat()
    chat = office.opens_private_chat()

    await office.says(chat, "/bulletin 2026-10")
    head, text, chart, table = chat.bot_messages()[-4:]
    assert "预览" in (head.text or "")
    assert "2026年10月全县招商引资工作通报" in (text.text or "") and "尖山镇" in (text.text or "")
    assert chart.photo is not None and table.document is not None
    assert leader_chat.bot_messages() == []  # a preview goes to nobody else

    await office.taps(table, "📢 发布")
    assert "已发布" in (chat.last_message().text or "")
    await world.deliver()
    received = leader_chat.bot_messages()
    assert len(received) == 3 and "2026年10月" in (received[0].text or "")
    assert received[1].photo is not None and received[2].document is not None

    await office.taps(table, "📢 发布")
    assert "已经发布过" in (chat.last_message().text or "")
    await world.deliver()
    assert len(leader_chat.bot_messages()) == 3


async def test_only_the_office_may_publish_and_a_bad_period_is_explained(world: World) -> None:
    world.clock.move_to(datetime(2026, 11, 3, 2, 0, tzinfo=UTC))
    leader = await world.person("县长", COUNTY_HEAD)
    office = await world.person("王办公室", OFFICE)
    leader_chat = leader.opens_private_chat()
    office_chat = office.opens_private_chat()

    await leader.says(leader_chat, "/bulletin")
    assert "只有领导小组办公室" in (leader_chat.last_message().text or "")
    await office.says(office_chat, "/bulletin 十月")
    assert "用法" in (office_chat.last_message().text or "")
    await office.says(office_chat, "/bulletin 2026-11")  # not over yet
    assert "还没有结束" in (office_chat.last_message().text or "")
