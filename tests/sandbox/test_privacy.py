"""Privacy mode and membership decide which group messages reach the bot."""

from __future__ import annotations

from typing import Any

from aiogram import Bot

from sandbox import FakeTelegram, Status


def delivered_texts(tg: FakeTelegram) -> list[str]:
    """Texts of the message updates waiting for the bot."""
    return [u["message"]["text"] for u in tg.pending_updates() if "message" in u and "text" in u["message"]]


def kinds(tg: FakeTelegram) -> list[str]:
    """The kind of each pending update, in order."""
    return [next(k for k in u if k != "update_id") for u in tg.pending_updates()]


async def test_without_admin_the_bot_sees_commands_replies_to_it_and_mentions_but_not_chatter(
    tg: FakeTelegram, bot: Bot
) -> None:
    li = tg.user("李", username="li")
    wang = tg.user("王", username="wang")
    group = tg.group("项目联络群", members=[li, wang], bot_is_admin=False)
    bot_message = await bot.send_message(group.id, "请上报进度")
    await li.says(group, "大家好")
    await li.says(group, "/start")
    await wang.says(group, "/report@zhikong_bot 本周")
    await li.replies(group, to=bot_message.message_id, text="收到")
    await wang.says(group, "请 @zhikong_bot 看一下")
    await wang.replies(group, to=group.messages()[2], text="回复李的闲聊")
    assert delivered_texts(tg) == ["/start", "/report@zhikong_bot 本周", "收到", "请 @zhikong_bot 看一下"]


async def test_a_command_addressed_to_another_bot_is_not_delivered(tg: FakeTelegram) -> None:
    li = tg.user("李")
    group = tg.group("项目联络群", members=[li])
    await li.says(group, "/start@other_bot")
    assert delivered_texts(tg) == []


async def test_as_admin_the_bot_sees_every_message(tg: FakeTelegram) -> None:
    li = tg.user("李")
    group = tg.group("项目联络群", members=[li], bot_is_admin=True)
    await li.says(group, "大家好")
    assert delivered_texts(tg) == ["大家好"]


async def test_with_privacy_mode_off_the_bot_sees_every_message(tg: FakeTelegram, bot: Bot) -> None:
    tg.privacy_mode = False
    li = tg.user("李")
    group = tg.group("项目联络群", members=[li])
    await li.says(group, "大家好")
    assert delivered_texts(tg) == ["大家好"]
    assert (await bot.get_me()).can_read_all_group_messages


async def test_creating_a_group_sends_my_chat_member_then_a_join_message(tg: FakeTelegram) -> None:
    li = tg.user("李", username="li")
    group = tg.group("项目联络群", members=[li], bot_is_admin=True)
    member_update, join = tg.pending_updates()
    change: dict[str, Any] = member_update["my_chat_member"]
    assert change["from"]["id"] == li.id
    assert change["old_chat_member"]["status"] == "left"
    assert change["new_chat_member"]["status"] == "administrator"
    assert change["chat"] == {"id": group.id, "type": "group", "title": "项目联络群"}
    assert [u["username"] for u in join["message"]["new_chat_members"]] == ["zhikong_bot"]


async def test_a_removed_bot_gets_my_chat_member_and_no_more_messages(tg: FakeTelegram) -> None:
    li = tg.user("李")
    group = tg.group("项目联络群", members=[li])
    await li.removes_bot(group)
    await li.says(group, "/start")
    assert kinds(tg) == ["my_chat_member", "message", "my_chat_member"]
    assert tg.pending_updates()[-1]["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    assert group.bot_status is Status.KICKED


async def test_a_person_joining_reaches_a_bot_in_privacy_mode_as_a_service_message(tg: FakeTelegram) -> None:
    li = tg.user("李")
    wang = tg.user("王")
    group = tg.group("项目联络群", members=[li])
    await wang.joins(group)
    last = tg.pending_updates()[-1]["message"]
    assert [u["id"] for u in last["new_chat_members"]] == [wang.id]


async def test_people_messages_carry_command_and_mention_entities(tg: FakeTelegram) -> None:
    li = tg.user("李")
    group = tg.group("项目联络群", members=[li], bot_is_admin=True)
    await li.says(group, "/report@zhikong_bot 找 @wang_wu")
    entities = tg.pending_updates()[-1]["message"]["entities"]
    assert entities == [
        {"type": "bot_command", "offset": 0, "length": 19},
        {"type": "mention", "offset": 22, "length": 8},
    ]


async def test_a_bot_added_back_to_a_group_gets_my_chat_member_and_the_join_notice(tg: FakeTelegram) -> None:
    li = tg.user("李")
    group = tg.group("项目联络群", members=[li])
    await li.removes_bot(group)
    await li.adds_bot(group, admin=True)
    *_, change, join = tg.pending_updates()
    assert change["my_chat_member"]["old_chat_member"]["status"] == "kicked"
    assert change["my_chat_member"]["new_chat_member"]["status"] == "administrator"
    assert join["message"]["new_chat_members"][0]["is_bot"]
    assert group.bot_status is Status.ADMINISTRATOR
