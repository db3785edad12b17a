"""Fault injection over HTTP: the next calls of a method answer 429, a server error or a proxy's error page,
hang, or lose the connection, as Telegram and the network between do on a bad day."""

from __future__ import annotations

import asyncio
import html
import itertools
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

Kind = Literal["retry_after", "server_error", "proxy_error", "hang", "drop"]
KINDS: tuple[Kind, ...] = ("retry_after", "server_error", "proxy_error", "hang", "drop")
ANY_METHOD = "*"
MAX_HANG_SECONDS = 300.0


class FaultError(ValueError):
    """A fault the fake cannot play; the message says which field is wrong."""


@dataclass
class Fault:
    """What the next `times` calls of `method` (any method for "*") get instead of Telegram's answer."""

    id: int
    method: str
    kind: Kind
    times: int
    retry_after: int = 5
    status: int = 500
    seconds: float = 1.0
    used: int = 0

    def view(self) -> dict[str, Any]:
        """The fault as the control API shows it."""
        shown: dict[str, Any] = {"id": self.id, "method": self.method, "kind": self.kind}
        shown.update({"times": self.times, "used": self.used, "remaining": self.times - self.used})
        if self.kind == "retry_after":
            shown["retry_after"] = self.retry_after
        elif self.kind in ("server_error", "proxy_error"):
            shown["status"] = self.status
        elif self.kind == "hang":
            shown["seconds"] = self.seconds
        return shown


@dataclass
class Faults:
    """The faults waiting to be played, oldest first; each is used up after its `times` calls."""

    waiting: list[Fault] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def add(
        self,
        method: str,
        kind: str,
        *,
        times: int = 1,
        retry_after: int = 5,
        status: int | None = None,
        seconds: float = 1.0,
    ) -> Fault:
        """Queues a fault; raises FaultError for a kind, count, status or duration the fake cannot play."""
        if kind not in KINDS:
            raise FaultError(f"kind must be one of {', '.join(KINDS)}")
        if times < 1:
            raise FaultError("times must be at least 1")
        if kind == "retry_after" and retry_after < 1:
            raise FaultError("retry_after must be at least 1 second")
        default_status = 502 if kind == "proxy_error" else 500
        code = default_status if status is None else status
        if kind in ("server_error", "proxy_error") and not 500 <= code <= 599:
            raise FaultError("status must be a 5xx code")
        if kind == "hang" and not 0 < seconds <= MAX_HANG_SECONDS:
            raise FaultError(f"seconds must be more than 0 and at most {MAX_HANG_SECONDS:g}")
        name = method.strip() or ANY_METHOD
        fault = Fault(next(self._ids), name, kind, times, retry_after, code, seconds)
        self.waiting.append(fault)
        return fault

    def take(self, method: str) -> Fault | None:
        """The fault this call of `method` plays, counted as used; None if the call goes through."""
        for fault in self.waiting:
            if fault.method == ANY_METHOD or fault.method.lower() == method.lower():
                fault.used += 1
                if fault.used >= fault.times:
                    self.waiting.remove(fault)
                return fault
        return None

    def clear(self) -> int:
        """Forgets every waiting fault; returns how many there were."""
        count = len(self.waiting)
        self.waiting.clear()
        return count


async def play(fault: Fault, request: web.Request) -> web.Response | None:
    """The answer a fault gives; None when the call should go on to the fake after the fault's delay."""
    if fault.kind == "hang":
        await asyncio.sleep(fault.seconds)
        return None
    if fault.kind == "drop":
        await request.read()
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=500)  # never written: the connection is gone
    if fault.kind == "retry_after":
        body = {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {fault.retry_after}",
            "parameters": {"retry_after": fault.retry_after},
        }
        return web.json_response(body, status=429)
    if fault.kind == "server_error":
        body = {"ok": False, "error_code": fault.status, "description": "Internal Server Error"}
        return web.json_response(body, status=fault.status)
    # A reverse proxy's own page, not Telegram's JSON; like many, it repeats the path it could not serve.
    page = (
        f"<html><head><title>{fault.status} Bad Gateway</title></head><body><h1>Bad Gateway</h1>"
        f"<p>The upstream server did not answer {html.escape(request.method)} {html.escape(request.path)}.</p>"
        "</body></html>"
    )
    return web.Response(text=page, status=fault.status, content_type="text/html")
