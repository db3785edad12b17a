"""Small things people do in a chat with the bot, for the stories: answer its latest question (or a run of
them), tap a button, and read the project card pinned in the group."""

from __future__ import annotations

from sandbox.scenario import Conversation, MessageView, Person


def latest(chat: Conversation) -> MessageView:
    return chat.bot_messages()[-1]


async def reply(person: Person, chat: Conversation, text: str, *, to: MessageView | None = None) -> MessageView:
    """The person replies to the bot's latest message (or `to`); gives back what the bot said next."""
    await person.replies(chat, to=to or latest(chat), text=text)
    return latest(chat)


async def tap(person: Person, chat: Conversation, button: str, *, on: MessageView | None = None) -> MessageView:
    await person.taps(on or latest(chat), button)
    return latest(chat)


def asks(message: MessageView, label: str) -> bool:
    """The message is a question about the field with this label."""
    return f" {label}（" in (message.text or "")


def card_in(group: Conversation) -> MessageView:
    """The pinned project card."""
    card = group.pinned()
    assert card is not None, "the group has no pinned card"
    return card


def pins_in(group: Conversation) -> list[int]:
    """The messages pinned in the group, in order, as its members saw the "pinned a message" notices."""
    notices = [m.model.service or {} for m in group.messages()]
    return [notice["pinned_message"] for notice in notices if "pinned_message" in notice]


def stage_on_card(group: Conversation) -> str:
    """The stage the pinned card shows (当前阶段)."""
    for line in (card_in(group).text or "").splitlines():
        if line.startswith("当前阶段："):
            return line.removeprefix("当前阶段：")
    raise AssertionError(f"the card shows no stage: {card_in(group).text!r}")


# The answers of a 35 亩 工业 project's form after its 产业类别, in the order the bot asks: 总投资, 制造业, 供地,
# 用地面积, 一事一议, 招引单位, 招引方式, 驻外招商联络处, 落地平台, the investor, the company, the plan and the site.
INDUSTRIAL_35_MU = (
    "3亿元",
    "是",
    "是",
    "三十五亩",
    "否",
    "尖山",
    "亲情招商",
    "上海",
    "跳过",
    "王建国",
    "男",
    "五十二岁",
    "/skip",
    "/skip",
    "138 0579 1234",
    "/skip",
    "/skip",
    "浙江磐石药业有限公司",
    "中药饮片生产，年销售 2 亿元",
    "/skip",
    "中药饮片生产线",
    "2027 年 3 月开工，2028 年投产",
    "/skip",
    "/skip",
    "/skip",
    "张三、李四",
    "11月20日",
    "尖山镇工业功能区",
    "2027年3月",
)


async def answer_each(person: Person, chat: Conversation, answers: tuple[str, ...]) -> None:
    """Answer the bot's questions in turn: tap the answer if it is a button, send it if it is a command
    (/skip), reply to the question otherwise."""
    for answer in answers:
        question = latest(chat)
        if answer in question.button_texts:
            await tap(person, chat, answer)
        elif answer.startswith("/"):
            await person.says(chat, answer)
        else:
            await reply(person, chat, answer)
