"""The fake over HTTP: Bot API routes, the file download route, the control API, and a runner on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from aiohttp import web

from sandbox.control import add_control_routes
from sandbox.fake import FakeTelegram
from sandbox.faults import play
from sandbox.models import Upload

TELEGRAM_KEY: web.AppKey[FakeTelegram] = web.AppKey("telegram", FakeTelegram)
# Telegram accepts uploads up to 50 MB from bots.
MAX_BODY = 50 * 1024 * 1024

RouteExtension = Callable[[web.Application, FakeTelegram], None]


def create_app(
    telegram: FakeTelegram, *, extensions: Iterable[RouteExtension] = (), max_body: int = MAX_BODY
) -> web.Application:
    """The aiohttp app: /bot<token>/<method>, /file/bot<token>/<path>, /sandbox/api/..., plus any extensions."""
    app = web.Application(client_max_size=max_body)
    app[TELEGRAM_KEY] = telegram
    app.router.add_route("GET", "/bot{token}/{method}", _bot_method)
    app.router.add_route("POST", "/bot{token}/{method}", _bot_method)
    app.router.add_get("/file/bot{token}/{file_path:.+}", _download)
    add_control_routes(app, telegram)
    for extension in extensions:
        extension(app, telegram)
    return app


async def _bot_method(request: web.Request) -> web.Response:
    telegram = request.app[TELEGRAM_KEY]
    try:
        params, uploads = await _read_params(request)
    except web.HTTPRequestEntityTooLarge:
        body = {"ok": False, "error_code": 413, "description": "Request Entity Too Large"}
        return web.json_response(body, status=413)
    except ValueError:
        body = {"ok": False, "error_code": 400, "description": "Bad Request: can't parse request body"}
        return web.json_response(body, status=400)
    method = request.match_info["method"]
    fault = telegram.faults.take(method)
    if fault is not None:
        # A hanging call is work in flight, as a slow Telegram's would be, so settle() waits for it.
        serial = None if method.lower() == "getupdates" else telegram.core.activity.start(method)
        try:
            faulted = await play(fault, request)
        finally:
            if serial is not None:
                telegram.core.activity.finish(serial)
        if faulted is not None:
            telegram.core.record(method, params, faulted.status, f"fault: {fault.kind}", "http")
            return faulted
    reply = await telegram.core.api.call(request.match_info["token"], method, params, uploads, transport="http")
    return web.json_response(reply.body, status=reply.status, dumps=_dumps)


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Parameters from the query string and a form-encoded, multipart or JSON body, as Telegram accepts."""
    params: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.method != "POST" or not request.can_read_body:
        return params, uploads
    if request.content_type == "application/json":
        body = json.loads(await request.text())
        if not isinstance(body, dict):
            raise ValueError("a JSON body must be an object")
        params.update(body)
        return params, uploads
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            uploads[key] = Upload(value.filename, value.file.read(), value.content_type)
        else:
            params[key] = value
    return params, uploads


async def _download(request: web.Request) -> web.Response:
    telegram = request.app[TELEGRAM_KEY]
    if request.match_info["token"] != telegram.token:
        return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
    stored = telegram.core.world.file_by_path(request.match_info["file_path"])
    if stored is None:
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
    return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class SandboxServer:
    """Serves a FakeTelegram on 127.0.0.1 (an OS-chosen port by default) until stopped."""

    def __init__(
        self,
        telegram: FakeTelegram,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        extensions: Iterable[RouteExtension] = (),
        max_body: int = MAX_BODY,
    ) -> None:
        self.telegram = telegram
        self.host = host
        self.port = port
        self.extensions = list(extensions)
        self.max_body = max_body
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """The base URL, for TelegramAPIServer.from_base and the control API."""
        if self._runner is None:
            raise RuntimeError("the sandbox server is not running")
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}"

    async def start(self) -> str:
        """Starts listening (again, after a stop: state survives a restart); returns the base URL."""
        self.telegram.reopen()
        app = create_app(self.telegram, extensions=self.extensions, max_body=self.max_body)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        # A restart comes back on the same port, so a polling bot reconnects by itself.
        self.port = int(self._runner.addresses[0][1])
        return self.url

    async def stop(self) -> None:
        """Ends long polls and webhook delivery, then stops listening."""
        await self.telegram.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SandboxServer:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()
