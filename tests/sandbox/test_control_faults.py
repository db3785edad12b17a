"""The control API's fault injection, forged presses and one-call seeding, as an outside tester uses them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher, Router
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup

from sandbox import FakeTelegram, SandboxServer
from tests.sandbox.support import polling
from tests.sandbox.test_control_api import Client


@pytest_asyncio.fixture
async def api(server: SandboxServer) -> AsyncIterator[Client]:
    async with aiohttp.ClientSession() as session:
        yield Client(session, server.url)


async def delete(api: Client, path: str) -> tuple[int, object]:
    async with api.session.delete(api.base + path) as resp:
        return resp.status, await resp.json()


async def test_the_next_calls_of_a_method_answer_429_then_go_through(api: Client, http_bot: Bot) -> None:
    status, fault = await api.post("/faults", {"method": "getMe", "kind": "retry_after", "retry_after": 7, "times": 2})
    assert status == 201 and (fault["remaining"], fault["retry_after"]) == (2, 7)
    for _ in range(2):
        with pytest.raises(TelegramRetryAfter) as refused:
            await http_bot.get_me()
        assert refused.value.retry_after == 7
    assert (await api.get("/faults")) == (200, [])
    assert (await http_bot.get_me()).is_bot
    _, log = await api.get("/requests")
    assert [(r["method"], r["status"]) for r in log] == [("getMe", 429), ("getMe", 429), ("getMe", 200)]


async def test_server_errors_proxy_pages_drops_and_hangs(api: Client, http_bot: Bot) -> None:
    await api.post("/faults", {"method": "getMe", "kind": "server_error", "status": 503})
    await api.post("/faults", {"method": "getMe", "kind": "proxy_error"})
    await api.post("/faults", {"method": "getMe", "kind": "drop"})
    await api.post("/faults", {"method": "getMe", "kind": "hang", "seconds": 5})
    _, waiting = await api.get("/faults")
    assert [f["kind"] for f in waiting] == ["server_error", "proxy_error", "drop", "hang"]
    with pytest.raises(TelegramServerError):
        await http_bot.get_me()
    with pytest.raises(ClientDecodeError) as page:
        await http_bot.get_me()
    assert "Bad Gateway" in str(page.value) and "/getMe" in str(page.value)
    with pytest.raises(TelegramNetworkError):
        await http_bot.get_me()
    with pytest.raises(TelegramNetworkError, match="timeout"):
        await http_bot.get_me(request_timeout=1)
    assert (await http_bot.get_me()).is_bot


async def test_a_fault_for_any_method_and_clearing_them(api: Client, http_bot: Bot) -> None:
    await api.post("/faults", {"kind": "server_error", "times": 5})
    with pytest.raises(TelegramServerError):
        await http_bot.get_webhook_info()
    _, waiting = await api.get("/faults")
    assert (waiting[0]["method"], waiting[0]["remaining"]) == ("*", 4)
    assert await delete(api, "/faults") == (200, {"cleared": 1})
    assert (await http_bot.get_me()).is_bot


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"kind": "flood"}, "kind must be one of"),
        ({"kind": "retry_after", "times": 0}, "times must be at least 1"),
        ({"kind": "retry_after", "retry_after": 0}, "retry_after must be at least 1"),
        ({"kind": "server_error", "status": 404}, "status must be a 5xx code"),
        ({"kind": "hang", "seconds": 0}, "seconds must be more than 0"),
        ({"kind": "hang", "seconds": "long"}, "seconds must be a number"),
        ({"method": "getMe"}, "kind must be a non-empty string"),
    ],
)
async def test_a_fault_the_fake_cannot_play_is_refused(api: Client, body: dict[str, object], error: str) -> None:
    status, answer = await api.post("/faults", body)
    assert status == 400 and error in answer["error"]
    assert (await api.get("/faults")) == (200, [])


async def test_a_forged_press_sends_data_no_button_carries(tg: FakeTelegram, api: Client, http_bot: Bot) -> None:
    _, li = await api.post("/users", {"first_name": "李", "private_chat": True})
    buttons = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="绑定", callback_data="bind:1")]])
    sent = await http_bot.send_message(li["id"], "绑定本群？", reply_markup=buttons)
    press = {"from_id": li["id"], "chat_id": li["id"], "message_id": sent.message_id, "callback_data": "bind:2"}
    status, refused = await api.post("/callbacks", press)
    assert status == 400 and "no button" in refused["error"]
    seen: list[str | None] = []
    router = Router()

    @router.callback_query()
    async def pressed(query: CallbackQuery) -> None:
        seen.append(query.data)
        await query.answer("不可")

    dp = Dispatcher()
    dp.include_router(router)
    async with polling(tg, dp, http_bot):
        status, forged = await api.post("/callbacks", {**press, "forged": True})
        assert status == 201
        await tg.settle()
    assert seen == ["bind:2"]
    _, answer = await api.get(f"/callbacks/{forged['callback_query_id']}")
    assert (answer["answered"], answer["text"]) == (True, "不可")
    status, missing = await api.post("/callbacks", {**press, "forged": True, "message_id": 999})
    assert status == 404 and "no message 999" in missing["error"]


async def test_seeding_a_person_who_opened_the_bot_and_a_group_with_the_bot_as_admin(
    api: Client, http_bot: Bot
) -> None:
    _, wang = await api.post("/users", {"first_name": "王"})
    with pytest.raises(TelegramForbiddenError):
        await http_bot.send_message(wang["id"], "您好")
    _, li = await api.post("/users", {"first_name": "李", "private_chat": True})
    assert (await http_bot.send_message(li["id"], "您好")).text == "您好"
    status, group = await api.post(
        "/chats",
        {"type": "supergroup", "title": "项目联络群", "member_ids": [li["id"], wang["id"]], "bot_is_admin": True},
    )
    assert status == 201 and group["bot_status"] == "administrator" and group["type"] == "supergroup"
    assert await http_bot.pin_chat_message(group["id"], (await http_bot.send_message(group["id"], "卡片")).message_id)
