"""The control API under /sandbox/api/: JSON routes a browser page or an external test uses to play people."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

from sandbox import events, views
from sandbox.faults import ANY_METHOD, FaultError
from sandbox.models import Chat
from sandbox.world import WorldError

if TYPE_CHECKING:
    from sandbox.fake import FakeTelegram

PREFIX = "/sandbox/api"
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ControlError(Exception):
    """A control-API request that answers {"error": ...} with a 400 or 404."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def add_control_routes(app: web.Application, telegram: FakeTelegram) -> None:
    """Registers the control API on `app`."""
    control = _Control(telegram)
    routes: list[tuple[str, str, _Handler]] = [
        ("GET", "/users", control.list_users),
        ("POST", "/users", control.create_user),
        ("GET", "/chats", control.list_chats),
        ("POST", "/chats", control.create_chat),
        ("GET", "/chats/{chat_id}/messages", control.chat_messages),
        ("POST", "/messages", control.post_message),
        ("POST", "/callbacks", control.press_button),
        ("GET", "/callbacks/{callback_id}", control.callback_answer),
        ("GET", "/faults", control.list_faults),
        ("POST", "/faults", control.add_fault),
        ("DELETE", "/faults", control.clear_faults),
        ("GET", "/requests", control.list_requests),
        ("POST", "/clock", control.set_clock),
        ("POST", "/settle", control.settle),
        ("GET", "/files/{file_id}", control.download),
    ]
    for method, path, handler in routes:
        app.router.add_route(method, PREFIX + path, _json_errors(handler))


def _json_errors(handler: _Handler) -> _Handler:
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ControlError as e:
            return web.json_response({"error": str(e)}, status=e.status)
        except WorldError as e:
            status = 404 if str(e).startswith("no ") else 400
            return web.json_response({"error": str(e)}, status=status)

    return wrapped


def _json(value: Any, status: int = 200) -> web.Response:
    return web.json_response(value, status=status, dumps=lambda v: json.dumps(v, ensure_ascii=False))


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise ControlError(400, "the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise ControlError(400, "the body must be a JSON object")
    return body


def _int(body: dict[str, Any], key: str, *, required: bool = True) -> int | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ControlError(400, f"{key} must be an integer")
    return value


def _text(body: dict[str, Any], key: str, *, required: bool = True) -> str | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise ControlError(400, f"{key} must be a non-empty string")
    return value


class _Control:
    def __init__(self, telegram: FakeTelegram) -> None:
        self.telegram = telegram
        self.core = telegram.core
        self.world = telegram.core.world

    async def list_users(self, request: web.Request) -> web.Response:
        return _json([views.user_view(u) for u in self.world.users.values()])

    async def create_user(self, request: web.Request) -> web.Response:
        body = await _body(request)
        user = self.world.add_user(
            _text(body, "first_name") or "",
            user_id=_int(body, "id", required=False),
            username=_text(body, "username", required=False),
            last_name=_text(body, "last_name", required=False),
            language_code=_text(body, "language_code", required=False),
        )
        user.role = _text(body, "role", required=False)
        user.unit = _text(body, "unit", required=False)
        if body.get("private_chat") is True:
            # As if the person had opened the bot's chat: the bot may write first and /commands reach it there.
            self.world.private_chat(user)
        return _json(views.user_view(user), status=201)

    async def list_chats(self, request: web.Request) -> web.Response:
        return _json([views.chat_view(self.world, c) for c in self.world.chats.values()])

    async def create_chat(self, request: web.Request) -> web.Response:
        body = await _body(request)
        kind = body.get("type")
        if kind not in ("private", "group", "supergroup"):
            raise ControlError(400, 'type must be "group" or "private"')
        ids = body.get("member_ids")
        if not isinstance(ids, list) or not ids:
            raise ControlError(400, "member_ids must be a non-empty list of user ids")
        if kind == "private" and len(ids) != 1:
            raise ControlError(400, "a private chat has exactly one member besides the bot")
        title = _text(body, "title") if kind != "private" else None
        members = [self.world.user(_int({"member_ids": i}, "member_ids") or 0) for i in ids]
        if kind == "private":
            chat = self.world.private_chat(members[0])
        else:
            admin = body.get("bot_is_admin") is True
            chat = events.create_group(
                self.core, title or "", members, bot_is_admin=admin, supergroup=kind == "supergroup"
            )
        return _json(views.chat_view(self.world, chat), status=201)

    def _chat(self, chat_id: Any) -> Chat:
        try:
            number = int(chat_id)
        except (TypeError, ValueError):
            raise ControlError(400, "chat_id must be an integer") from None
        return self.world.chat(number)

    async def chat_messages(self, request: web.Request) -> web.Response:
        chat = self._chat(request.match_info["chat_id"])
        return _json([views.message_view(self.world, m) for m in chat.visible_messages()])

    async def post_message(self, request: web.Request) -> web.Response:
        body = await _body(request)
        text = _text(body, "text")
        reply_to = _int(body, "reply_to_message_id", required=False)
        user = self.world.user(_int(body, "from_id") or 0)
        chat = self._chat(_int(body, "chat_id"))
        posted = events.post(self.core, user, chat, text, reply_to=reply_to)
        view = views.message_view(self.world, posted.message)
        return _json({**view, "delivered": posted.delivered}, status=201)

    async def press_button(self, request: web.Request) -> web.Response:
        body = await _body(request)
        button_text = _text(body, "button_text", required=False)
        callback_data = _text(body, "callback_data", required=False)
        if button_text is None and callback_data is None:
            raise ControlError(400, "give button_text or callback_data")
        user = self.world.user(_int(body, "from_id") or 0)
        chat = self._chat(_int(body, "chat_id"))
        if body.get("forged") is True:
            # A modified client: any data on any message in the chat, whether a button carries it or not.
            data = _text(body, "callback_data")
            record = events.forge_press(self.core, user, chat, _int(body, "message_id") or 0, data or "")
            return _json({"callback_query_id": record.id}, status=201)
        record = events.press(
            self.core,
            user,
            chat,
            _int(body, "message_id") or 0,
            button_text=button_text,
            callback_data=callback_data,
        )
        return _json({"callback_query_id": record.id}, status=201)

    async def callback_answer(self, request: web.Request) -> web.Response:
        record = self.world.callbacks.get(request.match_info["callback_id"])
        if record is None:
            raise ControlError(404, "no such callback query")
        return _json(views.callback_view(record))

    async def list_faults(self, request: web.Request) -> web.Response:
        return _json([f.view() for f in self.telegram.faults.waiting])

    async def add_fault(self, request: web.Request) -> web.Response:
        body = await _body(request)
        seconds = body.get("seconds", 1.0)
        if not isinstance(seconds, int | float) or isinstance(seconds, bool):
            raise ControlError(400, "seconds must be a number")
        times = _int(body, "times", required=False)
        retry_after = _int(body, "retry_after", required=False)
        try:
            fault = self.telegram.faults.add(
                _text(body, "method", required=False) or ANY_METHOD,
                _text(body, "kind") or "",
                times=1 if times is None else times,
                retry_after=5 if retry_after is None else retry_after,
                status=_int(body, "status", required=False),
                seconds=float(seconds),
            )
        except FaultError as e:
            raise ControlError(400, str(e)) from None
        return _json(fault.view(), status=201)

    async def clear_faults(self, request: web.Request) -> web.Response:
        return _json({"cleared": self.telegram.faults.clear()})

    async def list_requests(self, request: web.Request) -> web.Response:
        since = request.query.get("since", "0")
        start = int(since) if since.isdigit() else 0
        return _json([views.request_view(r) for r in self.core.requests[start:]])

    async def set_clock(self, request: web.Request) -> web.Response:
        body = await _body(request)
        now = parse_aware_time(body.get("now"))
        await self.telegram.change_clock(now)
        return _json({"now": now.isoformat()})

    async def settle(self, request: web.Request) -> web.Response:
        body = await _body(request) if request.can_read_body else {}
        timeout = body.get("timeout", self.telegram.settle_timeout)
        if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
            raise ControlError(400, "timeout must be a positive number of seconds")
        try:
            await self.telegram.settle(float(timeout))
        except AssertionError as e:
            return _json({"settled": False, "error": str(e)}, status=409)
        return _json({"settled": True})

    async def download(self, request: web.Request) -> web.Response:
        stored = self.world.files.get(request.match_info["file_id"])
        if stored is None:
            raise ControlError(404, "no such file")
        disposition = f"attachment; filename*=UTF-8''{_quote(stored.file_name)}"
        return web.Response(
            body=stored.data,
            content_type=stored.mime_type or "application/octet-stream",
            headers={"Content-Disposition": disposition},
        )


def parse_aware_time(value: Any) -> datetime:
    """An ISO-8601 time with a UTC offset; raises ControlError(400) for anything else."""
    hint = "now must be an ISO-8601 time with a UTC offset, e.g. 2025-03-01T09:00:00+08:00"
    if not isinstance(value, str):
        raise ControlError(400, hint)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ControlError(400, f"{hint}; got {value!r}") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ControlError(400, f"{hint}; {value!r} has no offset")
    return parsed


def _quote(name: str) -> str:
    return quote(name, safe="")
