"""First contact: a stranger learns how to get bound, a bound person sees their roles, anyone picks a language."""

from __future__ import annotations

from domain.directory import Role, RoleKind
from tests.bot.conftest import World


async def test_a_stranger_is_told_to_ask_for_an_invite_and_given_their_id(world: World) -> None:
    stranger = await world.person("路人甲", user_id=424242)
    await stranger.starts()
    reply = stranger.private_chat.last_message()
    assert "邀请码" in (reply.text or "")
    assert "424242" in (reply.text or "")


async def test_a_bound_cadre_is_greeted_with_their_roles(world: World) -> None:
    cadre = await world.person("李尖山", Role(RoleKind.STAFF, "jianshan"))
    await cadre.starts()
    reply = cadre.private_chat.last_message()
    assert "尖山镇工作人员" in (reply.text or "")


async def test_whoami_lists_every_role(world: World) -> None:
    leader = await world.person(
        "赵", Role(RoleKind.DEPUTY_HEAD, "deputy_industry"), Role(RoleKind.CONTACT_LEADER, "liaison_beijing")
    )
    chat = leader.opens_private_chat()
    await leader.says(chat, "/whoami")
    text = chat.last_message().text or ""
    assert "分管工业副县长" in text and "北京招商联络处联系县领导" in text


async def test_a_person_switches_to_english_and_the_bot_remembers(world: World) -> None:
    cadre = await world.person("Li", Role(RoleKind.STAFF, "jianshan"))
    chat = cadre.opens_private_chat()
    await cadre.says(chat, "/language")
    offer = chat.last_message()
    assert offer.button_texts == ["中文", "English"]
    callback = await cadre.taps(offer, "English")
    assert "English" in (world.telegram.answer_to(callback).text or "")
    assert offer.edited and "English" in (offer.text or "")
    await cadre.says(chat, "/help")
    assert "/whoami shows who you are" in (chat.last_message().text or "")


async def test_plain_chatter_in_a_group_is_not_answered(world: World) -> None:
    cadre = await world.person("李尖山", Role(RoleKind.STAFF, "jianshan"))
    group = world.telegram.group("联络群", members=[cadre], bot_is_admin=True)
    await world.telegram.settle()  # the bot's greeting on joining
    before = len(group.bot_messages())
    await cadre.says(group, "大家好")
    assert len(group.bot_messages()) == before


async def test_a_forged_button_is_answered_and_changes_nothing(world: World) -> None:
    cadre = await world.person("李尖山", Role(RoleKind.STAFF, "jianshan"))
    chat = cadre.opens_private_chat()
    await cadre.says(chat, "/language")
    offer = chat.last_message()
    for forged in ("lang:xx", "step:999:approve", "nonsense"):
        answer = world.telegram.answer_to(await cadre.taps_forged(offer, forged))
        assert answer.show_alert and "失效" in (answer.text or "")
    assert not offer.edited


async def test_a_name_with_markup_is_shown_as_written(world: World) -> None:
    mischief = await world.person("<b>王</b> & 李")
    await mischief.starts()
    reply = mischief.private_chat.last_message()
    assert "<b>王</b> & 李" in (reply.text or "")
