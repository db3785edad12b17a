"""The web chat: a browser page at / for playing the demo people against the bot, built on the control API."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

from aiohttp import web

from sandbox.fake import FakeTelegram

ASSETS_ROUTE = "/webchat"
_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
}
# The page loads nothing but its own files and talks to nothing but this server's control API.
_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": _POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def add_web_chat(app: web.Application, tg: FakeTelegram) -> None:
    """Serves the page at / and its scripts and styles at /webchat/<name> (a RouteExtension)."""
    app.router.add_get("/", _page)
    app.router.add_get(ASSETS_ROUTE + "/{name}", _asset)


def _folder() -> Traversable:
    return files("sandbox") / "webchat"


def _serve(name: str) -> web.Response:
    suffix = "." + name.rpartition(".")[2] if "." in name else ""
    content_type = _TYPES.get(suffix)
    resource = _folder() / name
    if content_type is None or "/" in name or name.startswith(".") or not resource.is_file():
        raise web.HTTPNotFound(text="no such page")
    return web.Response(text=resource.read_text("utf-8"), content_type=content_type, charset="utf-8", headers=_HEADERS)


async def _page(request: web.Request) -> web.Response:
    return _serve("index.html")


async def _asset(request: web.Request) -> web.Response:
    return _serve(request.match_info["name"])
