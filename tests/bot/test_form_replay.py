"""The same update handled again after a crash (before it was recorded as handled) is not taken twice, and the
question it led to goes out even if the crash came between saving the place and sending it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.types import Chat, Message, Update, User

from bot.flows.form_talk import FormTalk
from sandbox.scenario import Conversation, Person
from tests.bot.conftest import World
from tests.bot.story import asks, latest
from tests.bot.test_form import JIANSHAN, all_but, form_of, project_group

_update_ids = iter(range(990_000_001, 990_100_000))


class Killed(BaseException):
    """The process dies here: no handler, error handler or clean-up of the bot's gets to run."""


def _answer(chat: Conversation, person: Person, text: str, message_id: int) -> Update:
    return Update(
        update_id=next(_update_ids),
        message=Message(
            message_id=message_id,
            date=datetime.now(UTC),
            chat=Chat(id=chat.id, type="private"),
            from_user=User(id=person.id, is_bot=False, first_name=person.name),
            text=text,
        ),
    )


async def _handled_again(world: World, update: Update) -> None:
    """As after a crash just before the update was recorded as handled: Telegram delivers it again."""
    async with world.app.db.uow() as uow:
        await uow.processed_updates.forget_before(datetime.max.replace(tzinfo=UTC))
        await uow.commit()
    await world.app.dispatcher.feed_update(world.app.bot, update)


async def test_an_answer_handled_twice_is_taken_once(world: World) -> None:
    cadre = await world.person("李尖山", JIANSHAN)
    _, project_id = await project_group(world, cadre, **all_but("company_name", "company_profile"))
    chat = cadre.private_chat
    await cadre.says(chat, "/form")
    assert asks(latest(chat), "经营企业名称")
    update = _answer(chat, cadre, "浙江磐石药业有限公司", 9001)
    await world.app.dispatcher.feed_update(world.app.bot, update)
    questions = len(chat.bot_messages())
    await _handled_again(world, update)
    form = await form_of(world, project_id)
    assert (form.company_name, form.company_profile) == ("浙江磐石药业有限公司", None)
    assert len(chat.bot_messages()) == questions and asks(latest(chat), "经营企业基本情况")


async def test_a_question_lost_between_saving_and_sending_goes_out_when_the_update_comes_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    cadre = await world.person("李尖山", JIANSHAN)
    _, project_id = await project_group(world, cadre, **all_but("company_name", "company_profile"))
    chat = cadre.private_chat
    await cadre.says(chat, "/form")
    before = len(chat.bot_messages())
    send = FormTalk.send

    async def crash(self: FormTalk, *args: Any, **kwargs: Any) -> Any:
        raise Killed("the process died here")

    monkeypatch.setattr(FormTalk, "send", crash)
    update = _answer(chat, cadre, "浙江磐石药业有限公司", 9002)
    with pytest.raises(Killed):
        await world.app.dispatcher.feed_update(world.app.bot, update)
    assert len(chat.bot_messages()) == before, "nothing went out"
    monkeypatch.setattr(FormTalk, "send", send)
    await _handled_again(world, update)
    assert len(chat.bot_messages()) == before + 1 and asks(latest(chat), "经营企业基本情况")
    await cadre.says(chat, "中药饮片生产")
    form = await form_of(world, project_id)
    assert (form.company_name, form.company_profile) == ("浙江磐石药业有限公司", "中药饮片生产")
