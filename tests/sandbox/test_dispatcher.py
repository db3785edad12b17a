"""An aiogram Dispatcher with a tiny router, polling the fake both ways in, answers people."""

from __future__ import annotations

from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from sandbox import FakeTelegram, SandboxServer
from tests.sandbox.support import polling, wait_until


def tiny_router() -> Router:
    """Greets /start, asks for consent on /approve, answers the button press."""
    router = Router()

    @router.message(CommandStart())
    async def greet(message: Message) -> None:
        await message.answer(f"你好，{message.from_user.first_name if message.from_user else ''}")

    @router.message(Command("approve"))
    async def ask(message: Message) -> None:
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="同意", callback_data="approve:1")]]
        )
        await message.reply("请审批项目 1", reply_markup=keyboard)

    @router.callback_query(F.data.startswith("approve:"))
    async def approved(query: CallbackQuery) -> None:
        await query.answer("已同意", show_alert=True)
        if isinstance(query.message, Message):
            await query.message.edit_text("项目 1 已同意")

    return router


async def test_a_dispatcher_polling_the_http_fake_answers_a_person(
    tg: FakeTelegram, server: SandboxServer, http_bot: Bot
) -> None:
    li = tg.user("李", username="li")
    dp = Dispatcher()
    dp.include_router(tiny_router())
    async with polling(tg, dp, http_bot):
        await li.starts()
        assert li.private_chat.last_message().text == "你好，李"
        assert any(r.transport == "http" and r.method == "getUpdates" for r in tg.requests)


async def test_a_dispatcher_polling_in_process_answers_a_person(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李", username="li")
    dp = Dispatcher()
    dp.include_router(tiny_router())
    async with polling(tg, dp, bot):
        await li.starts()
        assert li.private_chat.last_message().text == "你好，李"
        assert {r.transport for r in tg.requests} == {"in-process"}


async def test_a_button_press_reaches_the_handler_and_its_answer_is_recorded(tg: FakeTelegram, bot: Bot) -> None:
    county_head = tg.user("县长", username="county_head")
    group = tg.group("项目联络群", members=[county_head])
    dp = Dispatcher()
    dp.include_router(tiny_router())
    async with polling(tg, dp, bot):
        request = await county_head.says(group, "/approve")
        question = group.last_message()
        assert question.text == "请审批项目 1"
        assert question.reply_to_message_id == request.message_id
        callback_id = await county_head.taps(question, "同意")
        assert tg.answer_to(callback_id).text == "已同意"
        assert tg.answer_to(callback_id).show_alert
        assert question.text == "项目 1 已同意"
        assert question.buttons == []


async def test_a_polling_bot_carries_on_after_the_fake_restarts(
    tg: FakeTelegram, server: SandboxServer, http_bot: Bot
) -> None:
    li = tg.user("李", username="li")
    dp = Dispatcher()
    dp.include_router(tiny_router())
    async with polling(tg, dp, http_bot):
        await li.starts()
        await server.stop()
        await li.says(li.private_chat, "/start", settle=False)
        await server.start()
        await wait_until(lambda: len(li.private_chat.bot_messages()) == 2)
        await tg.settle()
        assert [m.text for m in li.private_chat.bot_messages()] == ["你好，李", "你好，李"]
