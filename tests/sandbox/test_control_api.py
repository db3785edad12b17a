"""The control API over real HTTP: people, groups, messages, button presses, the request log and the clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import aiohttp
import pytest_asyncio
from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from sandbox import FakeTelegram, SandboxServer
from tests.sandbox.support import polling


class Client:
    """JSON calls to one sandbox's control API."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base + "/sandbox/api"

    async def get(self, path: str) -> tuple[int, Any]:
        async with self.session.get(self.base + path) as resp:
            return resp.status, await resp.json()

    async def post(self, path: str, body: Any) -> tuple[int, Any]:
        async with self.session.post(self.base + path, json=body) as resp:
            return resp.status, await resp.json()


@pytest_asyncio.fixture
async def api(server: SandboxServer) -> AsyncIterator[Client]:
    """A control-API client for the running sandbox."""
    async with aiohttp.ClientSession() as session:
        yield Client(session, server.url)


def approval_router() -> Router:
    """Asks the county head to approve on /approve and thanks them for pressing 同意."""
    router = Router()

    @router.message(Command("approve"))
    async def ask(message: Message) -> None:
        buttons = [
            [
                InlineKeyboardButton(text="同意", callback_data="ok"),
                InlineKeyboardButton(text="退回", callback_data="no"),
            ]
        ]
        await message.answer("请审批：光伏项目", reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons))

    @router.callback_query(F.data == "ok")
    async def approve(query: CallbackQuery) -> None:
        await query.answer("已同意")

    return router


async def test_a_round_trip_through_the_control_api(tg: FakeTelegram, api: Client, http_bot: Bot) -> None:
    status, li = await api.post("/users", {"first_name": "李", "username": "li", "role": "县长", "unit": "县政府"})
    assert status == 201 and li["role"] == "县长"
    _, wang = await api.post("/users", {"id": 555, "first_name": "王", "language_code": "zh-hans"})
    assert wang["id"] == 555
    status, group = await api.post("/chats", {"type": "group", "title": "项目联络群", "member_ids": [li["id"], 555]})
    assert status == 201 and group["bot_status"] == "member" and set(group["member_ids"]) == {li["id"], 555}
    dp = Dispatcher()
    dp.include_router(approval_router())
    async with polling(tg, dp, http_bot):
        status, posted = await api.post("/messages", {"from_id": li["id"], "chat_id": group["id"], "text": "/approve"})
        assert status == 201 and posted["delivered"] is True
        await tg.settle()
        _, messages = await api.get(f"/chats/{group['id']}/messages")
        question = messages[-1]
        assert question["sender"]["is_bot"] and question["text"] == "请审批：光伏项目"
        assert [b["text"] for b in question["buttons"][0]] == ["同意", "退回"]
        status, pressed = await api.post(
            "/callbacks",
            {"from_id": li["id"], "chat_id": group["id"], "message_id": question["message_id"], "button_text": "同意"},
        )
        assert status == 201
        await tg.settle()
        _, answer = await api.get(f"/callbacks/{pressed['callback_query_id']}")
        assert (answer["answered"], answer["text"], answer["show_alert"]) == (True, "已同意", False)
    _, requests = await api.get("/requests")
    assert {"sendMessage", "answerCallbackQuery"} <= {r["method"] for r in requests}
    assert all({"method", "params", "status"} <= set(r) for r in requests)
    _, users = await api.get("/users")
    assert {u["first_name"] for u in users} == {"招引智控", "李", "王"}
    _, chats = await api.get("/chats")
    assert [c["title"] for c in chats] == ["项目联络群"]


async def test_chatter_posted_in_privacy_mode_is_shown_but_not_delivered(tg: FakeTelegram, api: Client) -> None:
    _, li = await api.post("/users", {"first_name": "李"})
    _, group = await api.post("/chats", {"type": "group", "title": "群", "member_ids": [li["id"]]})
    _, posted = await api.post("/messages", {"from_id": li["id"], "chat_id": group["id"], "text": "闲聊"})
    assert posted["delivered"] is False
    _, reply = await api.post(
        "/messages",
        {"from_id": li["id"], "chat_id": group["id"], "text": "补充", "reply_to_message_id": posted["message_id"]},
    )
    assert reply["reply_to_message_id"] == posted["message_id"]
    _, messages = await api.get(f"/chats/{group['id']}/messages")
    assert [m["text"] for m in messages] == [None, "闲聊", "补充"]
    assert messages[0]["service"]["new_chat_members"][0]["is_bot"]


async def test_a_private_chat_can_be_opened_for_a_person(tg: FakeTelegram, api: Client) -> None:
    _, li = await api.post("/users", {"first_name": "李"})
    status, chat = await api.post("/chats", {"type": "private", "member_ids": [li["id"]]})
    assert (status, chat["id"], chat["type"], chat["title"]) == (201, li["id"], "private", "李")


async def test_control_api_errors_are_json_with_400_or_404(tg: FakeTelegram, api: Client) -> None:
    assert await api.post("/users", {"username": "nobody"}) == (400, {"error": "first_name must be a non-empty string"})
    assert (await api.post("/chats", {"type": "group", "title": "群", "member_ids": [1]}))[0] == 404
    _, li = await api.post("/users", {"first_name": "李", "username": "li"})
    assert (await api.post("/users", {"first_name": "又一个李", "username": "li"}))[0] == 400
    assert (await api.post("/chats", {"type": "channel", "member_ids": [li["id"]]}))[0] == 400
    assert (await api.post("/chats", {"type": "group", "member_ids": []}))[0] == 400
    assert (await api.get("/chats/-1/messages"))[0] == 404
    assert (await api.get("/callbacks/nope")) == (404, {"error": "no such callback query"})
    assert (await api.post("/messages", {"from_id": li["id"], "chat_id": "x", "text": "嗨"}))[0] == 400
    assert (await api.post("/callbacks", {"from_id": li["id"], "chat_id": li["id"], "message_id": 1}))[0] == 400
    async with api.session.post(api.base + "/users", data=b"not json") as resp:
        assert (resp.status, await resp.json()) == (400, {"error": "the body must be a JSON object"})


async def test_the_clock_endpoint_calls_the_applications_hook(tg: FakeTelegram, api: Client) -> None:
    seen: list[datetime] = []
    tg.on_clock_change(seen.append)
    status, body = await api.post("/clock", {"now": "2025-03-01T09:00:00+08:00"})
    assert (status, body) == (200, {"now": "2025-03-01T09:00:00+08:00"})
    assert seen[0].isoformat() == "2025-03-01T09:00:00+08:00"
    status, body = await api.post("/clock", {"now": "2025-03-01T09:00:00"})
    assert status == 400 and "offset" in body["error"]
    status, body = await api.post("/clock", {"now": "next tuesday"})
    assert status == 400 and "ISO-8601" in body["error"]
    assert len(seen) == 1


async def test_settle_over_http_reports_a_bot_that_never_takes_its_updates(tg: FakeTelegram, api: Client) -> None:
    _, li = await api.post("/users", {"first_name": "李"})
    await api.post("/chats", {"type": "private", "member_ids": [li["id"]]})
    await api.post("/messages", {"from_id": li["id"], "chat_id": li["id"], "text": "/start"})
    status, body = await api.post("/settle", {"timeout": 0.05})
    assert status == 409 and body["settled"] is False and "not yet confirmed" in body["error"]
