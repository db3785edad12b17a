"""The 交办单's buttons (tk, tkt): pressed by someone else, in a group that is not the project's, after the step
was taken, or again: each press is answered and changes no row."""

from __future__ import annotations

from tests.bot.conftest import World
from tests.bot.story import latest, reply, tap
from tests.bot.test_tasks import cast, last_with, project_group
from tests.faults.taps import refused


async def test_task_buttons_refuse_the_wrong_person_chat_and_time(world: World) -> None:
    people = await cast(world)
    group = await project_group(world, people)
    await people.cadre.says(group, "/problem")
    review = await reply(people.cadre, group, "项目用地指标不足，需县里协调解决", to=latest(group))
    confirm = review.callback_data("✅ 确认") or ""
    assert "不是您正在办理" in await refused(world, people.office, review, confirm)  # the cadre's conversation
    await tap(people.cadre, group, "✅ 确认", on=review)
    await refused(world, people.cadre, review, confirm)  # the same press again: the conversation is over

    await world.deliver()
    office = people.office.private_chat
    notice = office.last_message()
    prepare = notice.callback_data("📝 准备交办单") or ""
    elsewhere = world.telegram.group("闲聊群", members=[people.office, people.cadre])
    await people.office.says(elsewhere, "/status")
    assert "不属于本聊天" in await refused(world, people.office, elsewhere.last_message(), prepare)
    for someone in (people.cadre, people.finance, people.county_head):
        await someone.says(someone.private_chat, "/start")
        await refused(world, someone, someone.private_chat.last_message(), prepare)
    await refused(world, people.office, group.last_message(), prepare)  # its group, but not on that message

    await tap(people.office, office, "📝 准备交办单", on=notice)
    await people.office.says(office, "协调药谷项目用地")
    await people.office.says(office, "1. 财政局：落实厂房租金补助")
    await people.office.says(office, "完成")
    await tap(people.office, office, "✅ 确认", on=latest(office))
    assert notice.button_texts == []
    await refused(world, people.office, notice, prepare)  # the step is taken

    await world.deliver()
    head_chat = people.county_head.private_chat
    request = last_with(head_chat, "✅ 同意")
    approve = request.callback_data("✅ 同意") or ""
    await refused(world, people.office, office.last_message(), approve)
    await tap(people.county_head, head_chat, "✅ 同意", on=request)
    await refused(world, people.county_head, request, approve)  # pressed twice
